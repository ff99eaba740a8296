import ClipMedia
import ClipPipeline
import ClipTestSupport
import Foundation
import Testing

/// Loads the built page in headless Chromium (Debian's `chromium`) from disk.
struct GalleryPageBrowserTests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    @Test func pageShowsEveryCardItsVerdictAndAChainCardWithoutErrorsInChromium() async throws {
        guard let chromium = Self.chromium else {
            print("GalleryPageBrowserTests skipped: chromium is not installed (apt-get install -y chromium)")
            return
        }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("landscape.mp4", in: clips, width: 320, height: 180)
        try GalleryTestClips.good("portrait.mp4", in: clips, width: 180, height: 320)
        try GalleryTestClips.good("square.mp4", in: clips, width: 240, height: 240)
        try GalleryTestClips.htmlPage("broken.mp4", in: clips)
        try FixtureFactory.makeQAClip(at: clips + "/black.mp4", frames: 49) { _ in .black }
        try GalleryTestClips.chain("chain.mp4", in: clips, parts: try GalleryTestClips.makeFolder(directory.file("parts")))
        try Data(#"{"qa": {"verdict": "fail", "checks": [{"name": "aspect", "status": "fail", "message": "1:1, expected 16:9"}]}}"#.utf8)
            .write(to: URL(fileURLWithPath: clips + "/square.clip.json"))
        let site = directory.file("site")
        _ = try await GalleryBuilder(inputs: [clips], site: site, qualityCheck: GalleryPresetCheck()).build()
        let page = URL(fileURLWithPath: site + "/index.html").absoluteString

        let profile = directory.file("profile")
        let common = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage",
            "--user-data-dir=\(profile)", "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000",
        ]
        let dom = try Browser.run(chromium, common + ["--dump-dom", page + "#selftest"])
        #expect(dom.status == 0)
        #expect(dom.output.contains(#"data-ready="1""#))
        #expect(dom.output.contains(#"data-errors="0""#), "script or console errors: \(Self.errors(in: dom.output))")
        #expect(dom.output.contains(#"data-missing="0""#), "pictures that failed to load: \(Self.errors(in: dom.output))")
        #expect(dom.output.contains(#"data-cards="6""#))
        #expect(dom.output.contains(#"data-chains="1""#))
        // landscape, portrait and the chain pass; square fails by its sidecar, black by the default preset.
        #expect(dom.output.contains(#"data-verdicts="pass:3,warn:0,fail:2,unchecked:0,error:1""#), "\(dom.output.prefix(300))")
        #expect(dom.output.contains("task task-2"))
        #expect(dom.output.contains("seam 1→2"))
        #expect(dom.output.contains(#"data-selftest="ok""#), "scrubbing or placeholder check: \(dom.output.prefix(400))")
        #expect(dom.output.contains("Could not make this card"))
        #expect(Self.consoleErrors(dom.log).isEmpty, "console: \(Self.consoleErrors(dom.log))")

        let screenshot = directory.file("gallery.png")
        let shot = try Browser.run(chromium, common + ["--window-size=1280,900", "--screenshot=\(screenshot)", page])
        #expect(shot.status == 0)
        let image = try ImageCodec.read(path: screenshot)
        #expect(image.width == 1280 && image.height == 900)
        #expect(Self.consoleErrors(shot.log).isEmpty, "console: \(Self.consoleErrors(shot.log))")
        if let keep = ProcessInfo.processInfo.environment["CLIPKIT_KEEP_SCREENSHOT"] {
            try? FileManager.default.removeItem(atPath: keep)
            try FileManager.default.copyItem(atPath: screenshot, toPath: keep)
        }
    }

    /// Console messages Chromium logged at error level, or uncaught exceptions.
    static func consoleErrors(_ log: String) -> [String] {
        log.split(separator: "\n").map(String.init).filter {
            ($0.contains("CONSOLE") && ($0.contains("Uncaught") || $0.contains(":ERROR:"))) || $0.contains("Uncaught ")
        }
    }

    static func errors(in dom: String) -> String {
        guard let start = dom.range(of: "<output id=\"page-errors\"") else { return "" }
        return String(dom[start.lowerBound...].prefix(600))
    }
}

/// Runs a browser process with a watchdog, so a stuck browser fails the test instead of hanging it.
enum Browser {
    struct Result {
        var status: Int32
        var output: String
        var log: String
    }

    static func run(_ executable: String, _ arguments: [String], limit: TimeInterval = 120) throws -> Result {
        let run = try ChildProcess.runBlocking(executable, arguments, timeout: limit)
        return Result(status: run.status, output: run.stdout, log: run.stderr)
    }
}
