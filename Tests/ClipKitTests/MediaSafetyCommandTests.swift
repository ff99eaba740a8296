import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// The built `clipkit` on damaged clips and killed runs, as a user meets them: a clean exit code,
/// one line of error, never a crash, and no file left behind.
@Suite(.serialized)
struct MediaSafetyCommandTests {
    /// The mutants that crashed ClipKit before (issue 12) and a few of each other kind.
    static let chosen = [
        "avc1 width/height 65535", "avc1 width/height 0", "pasp 52:1", "pasp 1:65535", "stts count max",
        "stts delta max", "mdhd timescale 0", "moov zeroed", "avcC sps length max", "flip 100 bits (seed 2)",
    ]

    @Test func damagedClipsGetOneLineOfErrorAndNoCrashFromEveryCommand() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var settings = VideoEncodingSettings(width: 96, height: 54, frameRate: 24)
        settings.bFrames = 2
        settings.sampleAspectRatio = Ratio(1, 1)
        let mp4 = try FixtureFactory.makeClip(at: directory.file("clip.mp4"), settings: settings, frames: 25)
        settings.codec = .vp9
        let webm = try FixtureFactory.makeClip(at: directory.file("clip.webm"), settings: settings, frames: 25)
        var inputs: [(name: String, bytes: [UInt8], ext: String)] = []
        let mp4Mutants = MediaMutator.isoMutants([UInt8](try Data(contentsOf: URL(fileURLWithPath: mp4))))
        for name in Self.chosen {
            let mutant = try #require(mp4Mutants.first { $0.name == name }, "no mutant \(name)")
            inputs.append((name, mutant.bytes, "mp4"))
        }
        let cuts = mp4Mutants.filter { $0.name.hasPrefix("truncate at") }.sorted { $0.bytes.count < $1.bytes.count }
        let truncated = try #require(cuts.isEmpty ? nil : cuts[cuts.count / 2])
        inputs.append((truncated.name, truncated.bytes, "mp4"))
        let webmMutants = MediaMutator.matroskaMutants(
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: webm))), width: 96, height: 54)
        let wide = try #require(webmMutants.first { $0.name == "PixelWidth 65535+" })
        inputs.append((wide.name, wide.bytes, "webm"))

        for (number, input) in inputs.enumerated() {
            let path = directory.file("damaged-\(number).\(input.ext)")
            try Data(input.bytes).write(to: URL(fileURLWithPath: path))
            let output = directory.file("out-\(number)")
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            let runs: [(command: String, arguments: [String], writes: String?)] = [
                ("probe", ["probe", path], nil),
                ("last-frame", ["last-frame", path, "-o", output + "/last.png"], "last.png"),
                ("thumbs", ["thumbs", path, "-o", output + "/thumbs", "--count", "3", "--width", "48"], "thumbs"),
                ("check", ["check", path], nil),
            ]
            for run in runs {
                let result = try await CLI.running(run.arguments)
                let label = "\(input.name): clipkit \(run.command)"
                #expect(result.status == 0 || result.status == 1, "\(label) exited \(result.status): \(result.stderr.prefix(300))")
                #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Backtrace"), "\(label): \(result.stderr.prefix(300))")
                let errors = result.stderr.split(whereSeparator: \.isNewline).filter { $0.contains("error") }
                #expect(errors.count <= 1, "\(label): \(errors)")
                if result.status != 0 && run.command != "check" {
                    #expect(errors.count == 1, "\(label) failed without saying why: \(result.stderr)")
                }
                let left = try FileManager.default.contentsOfDirectory(atPath: output)
                if result.status == 0, let writes = run.writes {
                    #expect(left == [writes], "\(label): \(left)")
                } else {
                    #expect(left.isEmpty, "\(label) failed and left \(left)")
                }
                for name in left { try FileManager.default.removeItem(atPath: output + "/" + name) }
            }
        }
    }

    @Test func aJoinKilledWhileWritingLeavesNoFileBehind() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let inputs = directory.file("inputs")
        let outputs = directory.file("outputs")
        try FileManager.default.createDirectory(atPath: inputs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: true)
        let clips = try (0..<3).map { k in
            try FixtureFactory.makeClip(
                at: inputs + "/\(k).mp4", settings: VideoEncodingSettings(width: 320, height: 180, frameRate: 24), frames: 121)
        }
        // Killed the moment it has the output open (its descriptor points into the output folder). The
        // writing phase lasts milliseconds, so on a busy machine the watcher can miss it: runs go on until two
        // were caught writing (or 40 runs), and every run, caught or not, must leave nothing half-written.
        var killedWhileWriting = 0
        for attempt in 0..<40 where killedWhileWriting < 2 {
            let process = try ChildProcess.clipkit(
                ["join"] + clips + ["-o", outputs + "/joined.mp4", "--seam", attempt % 2 == 0 ? "keep" : "drop"])
            let pid = process.pid
            var killed = false
            // No sleeping: the writing phase of a join lasts milliseconds.
            while process.isRunning {
                if Self.hasOpenFile(pid: pid, under: outputs) {
                    process.signal(SIGKILL)
                    killed = true
                    break
                }
            }
            _ = await process.wait(timeout: 120)
            let left = try FileManager.default.contentsOfDirectory(atPath: outputs)
            if killed {
                killedWhileWriting += 1
                #expect(left.isEmpty, "a join killed while writing left \(left)")
            } else {
                #expect(left == ["joined.mp4"], "a join that finished left \(left)")
            }
            for name in try FileManager.default.contentsOfDirectory(atPath: outputs) {
                try FileManager.default.removeItem(atPath: outputs + "/" + name)
            }
        }
        #expect(killedWhileWriting > 0, "no join was caught with its output open")
    }

    /// Whether process `pid` has a file open in `directory` (an O_TMPFILE shows as "dir/#123 (deleted)").
    static func hasOpenFile(pid: Int32, under directory: String) -> Bool {
        let fds = "/proc/\(pid)/fd"
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: fds) else { return false }
        for entry in entries {
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: fds + "/" + entry),
                target.hasPrefix(directory + "/")
            {
                return true
            }
        }
        return false
    }
}
