import ArgumentParser
import ClipMedia
import ClipPipeline
import Foundation

struct LastFrame: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "last-frame",
        abstract: "Save the exact last frame of a clip (display order, display geometry, the stream's colours).",
        discussion: "PNG (lossless) by default: the frame is meant to start the next generation.")

    @Argument(help: "The video file.")
    var file: String

    @Option(name: .shortAndLong, help: "Output image path.")
    var output: String

    @Option(help: "png, jpeg or webp (default: from the output's extension, else png).")
    var format: ImageFormat?

    @Option(help: "Scale to this width, keeping the display aspect ratio.")
    var width: Int?

    @Option(help: "JPEG/WebP quality, 1-100.")
    var quality: Int = 95

    @Flag(help: "Print {path, output, pts_s, frame_index, width, height} as JSON.")
    var json = false

    func validate() throws {
        if let width, width < 2 { throw ValidationError("--width must be at least 2") }
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1-100") }
    }

    func run() async throws {
        try await reportingErrors {
            try OutputLocation.check(file: output, inputs: [file])
            let imageFormat = format ?? ImageFormat(pathExtension: (output as NSString).pathExtension) ?? .png
            let frame = try LastFrameExtractor.extract(path: file, width: width)
            for warning in frame.warnings { Output.warning("\(file): \(warning)") }
            try ImageCodec.write(frame.image, to: output, as: imageFormat, quality: quality)
            let result = Result(
                path: file, output: output, ptsSeconds: frame.ptsSeconds, frameIndex: frame.frameIndex,
                width: frame.image.width, height: frame.image.height)
            if json {
                try Output.json(result)
            } else {
                Output.line(
                    "\(output)  \(result.width)x\(result.height)  frame \(frame.frameIndex.map(String.init) ?? "?") at \(Human.seconds(frame.ptsSeconds))")
            }
        }
    }

    struct Result: Encodable {
        var path: String
        var output: String
        var ptsSeconds: Double
        var frameIndex: Int?
        var width: Int
        var height: Int

        enum CodingKeys: String, CodingKey {
            case path, output, width, height
            case ptsSeconds = "pts_s"
            case frameIndex = "frame_index"
        }
    }
}

extension ImageFormat: ExpressibleByArgument {
    public init?(argument: String) { self.init(pathExtension: argument) }
}
