import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// Damaged files of every kind a stranger's upload or a cut download carries, through probe, last
/// frame (rendered and written as PNG), thumbnails and check: no crash, no hang, one line of error,
/// and no file left behind when writing fails.
struct MutationSweepTests {
    /// The clips the sweep damages: H.264 MP4 in its three layouts and VP9 WebM. Small and short, so
    /// hundreds of mutants run in seconds; B-frames and several GOPs, so reordering code runs too.
    static let clips: [(name: String, configure: @Sendable (inout VideoEncodingSettings) -> Void)] = [
        ("faststart.mp4", { $0.sampleAspectRatio = Ratio(1, 1) }),
        ("moov-at-end.mp4", { $0.layout = .moovAtEnd }),
        ("fragmented.mp4", { $0.layout = .fragmented }),
        ("vp9.webm", { $0.codec = .vp9 }),
    ]

    static let width = 96
    static let height = 54

    @Test(arguments: clips.indices)
    func damagedClipsNeverCrashHangOrLeaveFilesBehind(index: Int) async throws {
        let clip = Self.clips[index]
        let directory = try TemporaryDirectory("clipkit-sweep")
        defer { directory.remove() }
        let original = try FixtureFactory.makeClip(
            at: directory.file(clip.name),
            settings: Fixtures.settings(width: Self.width, height: Self.height) {
                $0.bFrames = 2
                $0.keyframeInterval = 8
                clip.configure(&$0)
            },
            frames: 25)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: original)))
        let mutants =
            clip.name.hasSuffix(".webm")
            ? MediaMutator.matroskaMutants(bytes, width: Self.width, height: Self.height)
            : MediaMutator.isoMutants(bytes)
        #expect(mutants.count > (clip.name.hasSuffix(".webm") ? 20 : 100))
        if !clip.name.hasSuffix(".webm") {
            let names = Set(mutants.map(\.name))
            #expect(names.contains("avc1 width/height 65535"))
            #expect(names.contains("stts count max"))
            if index == 0 { #expect(names.contains("pasp 52:1")) }
        }

        // The undamaged clip passes and sets the time limit: a mutant may take far longer than the
        // clip (a full-decode fallback, a long error path), never without bound.
        try FileManager.default.createDirectory(atPath: directory.file("baseline-out"), withIntermediateDirectories: true)
        let started = Date()
        let baseline = Self.exercise(original, output: directory.file("baseline-out"))
        #expect(baseline.errors.isEmpty, "\(baseline.errors)")
        let limit = max(120, Date().timeIntervalSince(started) * 400)

        let work = directory.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        for (number, mutant) in mutants.enumerated() {
            let input = work + "/input" + (clip.name.hasSuffix(".webm") ? ".webm" : ".mp4")
            try Data(mutant.bytes).write(to: URL(fileURLWithPath: input))
            let output = work + "/out-\(number)"
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            // On its own thread, watched from here without holding a cooperative thread: a hang is reported.
            let result = Box<Outcome>()
            Thread.detachNewThread { result.value = Self.exercise(input, output: output) }
            let deadline = Date().addingTimeInterval(limit)
            while result.value == nil && Date() < deadline { try await Task.sleep(for: .milliseconds(5)) }
            guard let outcome = result.value else {
                Issue.record("\(clip.name), \(mutant.name): no answer within \(Int(limit)) s")
                return
            }
            for error in outcome.errors {
                #expect(!error.contains("\n") && !error.isEmpty, "\(clip.name), \(mutant.name): \(error)")
            }
            let left = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
            #expect(left == outcome.written.sorted(), "\(clip.name), \(mutant.name): left \(left)")
            try FileManager.default.removeItem(atPath: output)
        }
    }

    /// A value handed from the worker thread to the test, under a lock.
    final class Box<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: T?
        var value: T? {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }

    struct Outcome: Sendable {
        var errors: [String] = []
        /// Files the operations said they wrote.
        var written: [String] = []
    }

    /// What the CLI's probe, last-frame, thumbs and check do with `path`, in process.
    static func exercise(_ path: String, output: String) -> Outcome {
        var outcome = Outcome()
        func attempt(_ body: () throws -> Void) {
            do { try body() } catch { outcome.errors.append("\(error)") }
        }
        attempt { _ = try MediaProbe.probe(path: path) }
        attempt {
            let frame = try LastFrameExtractor.extract(path: path)
            try ImageCodec.write(frame.image, to: output + "/last.png", as: .png)
            outcome.written.append("last.png")
        }
        attempt {
            let thumbs = try ThumbnailExtractor.write(
                path: path, to: output + "/thumbs", times: .count(3), width: 48, format: .jpeg)
            if !thumbs.isEmpty { outcome.written.append("thumbs") }
        }
        let report = ClipValidator(threads: 1).validate(path: path)
        for check in report.checks where check.status == .fail {
            outcome.errors.append(check.message)
        }
        return outcome
    }
}
