import ArgumentParser
import ClipMedia
import ClipPipeline
import Foundation

struct Thumbs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Extract frame-accurate thumbnails in one decoding pass.",
        discussion: "Evenly spaced (--count, the middle of each of N equal parts), at given times (--at), or every S seconds (--every).")

    @Argument(help: "The video file.")
    var file: String

    @Option(name: .shortAndLong, help: "Output directory (created if needed).")
    var output: String

    @Option(help: "Number of evenly spaced thumbnails (default 10).")
    var count: Int?

    @Option(help: "Comma-separated times in seconds, e.g. 0.5,2,4.25.")
    var at: String?

    @Option(help: "One thumbnail every S seconds.")
    var every: Double?

    @Option(help: "Scale to this width, keeping the display aspect ratio.")
    var width: Int?

    @Option(help: "jpeg, png or webp.")
    var format: ImageFormat = .jpeg

    @Option(help: "JPEG/WebP quality, 1-100.")
    var quality: Int = 85

    @Flag(help: "Keyframes only: the keyframe at or before each time (fast, not frame-accurate).")
    var fast = false

    @Flag(help: "Print the thumbnails as JSON.")
    var json = false

    func validate() throws {
        let chosen = [count != nil, at != nil, every != nil].filter { $0 }.count
        if chosen > 1 { throw ValidationError("choose one of --count, --at and --every") }
        if let count, !(1...10_000).contains(count) { throw ValidationError("--count must be 1-10000") }
        if let every, every <= 0 { throw ValidationError("--every must be a positive number of seconds") }
        if let width, width < 2 { throw ValidationError("--width must be at least 2") }
        if at != nil, times == nil { throw ValidationError("--at takes comma-separated seconds, e.g. 0.5,2,4") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1-100") }
    }

    var times: ThumbnailTimes? {
        if let at {
            let values = at.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
            return .at(values.map { $0! })
        }
        if let every { return .every(every) }
        return .count(count ?? 10)
    }

    func run() async throws {
        try await reportingErrors {
            try OutputLocation.check(directory: output)
            // One decoding pass, counted in thumbnails found: a line on a terminal only.
            let progress = ProgressLine("thumbs", total: 0)
            let name = (file as NSString).lastPathComponent
            progress.note("thumbs: decoding \(name)…")
            defer { progress.finish() }
            let thumbnails = try ThumbnailExtractor.write(
                path: file, to: output, times: times!, width: width, format: format, quality: quality, fast: fast,
                progress: { done, total in progress.advance(done: done, total: total, item: name) })
            if json {
                try Output.json(thumbnails)
            } else {
                for t in thumbnails {
                    Output.line(String(format: "%@  %dx%d  asked %.3f s, frame %@ at %.3f s", t.path, t.width, t.height,
                        t.requestedSeconds, t.frameIndex.map(String.init) ?? "?", t.ptsSeconds))
                }
            }
        }
    }
}
