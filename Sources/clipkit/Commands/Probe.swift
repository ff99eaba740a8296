import ArgumentParser
import ClipMedia
import Foundation

struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what clips hold: container, geometry, frame rate, exact frame count, colour, keyframes.")

    @Argument(help: "Video files.")
    var files: [String]

    @Flag(help: "Print JSON: one object for one file, an array for several.")
    var json = false

    func run() async throws {
        var results: [ProbeResult] = []
        for file in files {
            do {
                results.append(.success(try MediaProbe.probe(path: file)))
            } catch {
                results.append(.failure(path: file, error: String(describing: error)))
                if !json { Output.error(String(describing: error)) }
            }
        }
        if json {
            if results.count == 1 { try Output.json(results[0]) } else { try Output.json(results) }
        } else {
            for case .success(let info) in results {
                Output.line(Self.table(info))
                // Values a damaged header claims: said on stderr too, so they are not missed in a table.
                for mark in info.video?.implausible ?? [] { Output.warning("\(info.path): cannot be right: \(mark)") }
            }
        }
        if results.contains(where: \.isFailure) { throw ExitCode.failure }
    }

    static func table(_ info: MediaInfo) -> String {
        var lines: [String] = []
        var head = "\(info.path)  \(info.container)  \(Human.seconds(info.durationSeconds))  \(Human.bytes(info.sizeBytes))  \(Human.bitRate(info.bitRate))"
        if let faststart = info.faststart { head += faststart ? "  faststart" : "  moov-at-end" }
        if info.fragmented == true { head += "  fragmented" }
        lines.append(head)
        if let v = info.video {
            var geometry = "\(v.width)x\(v.height)"
            if v.displayWidth != v.width || v.displayHeight != v.height {
                geometry += " -> \(v.displayWidth)x\(v.displayHeight)"
            }
            geometry += " (\(v.displayAspectRatio)"
            if v.nearestAspectRatio != v.displayAspectRatio { geometry += " ~\(v.nearestAspectRatio)" }
            geometry += ")"
            if v.sampleAspectRatio != "1:1" { geometry += " SAR \(v.sampleAspectRatio)" }
            if v.rotation != 0 { geometry += " rotated \(v.rotation)°" }
            let colour = [v.colorSpace, v.colorRange].compactMap { $0 }.joined(separator: "/")
            lines.append(
                "  video  \(v.codec)\(v.profile.map { " (\($0))" } ?? "")  \(geometry)  \(v.fps) fps (\(v.frameRate))  "
                    + "\(v.frameCount) frames  \(Human.seconds(v.durationSeconds))  \(v.pixelFormat ?? "?") \(v.bitDepth.map { "\($0)-bit" } ?? "")"
                    + (colour.isEmpty ? "" : "  \(colour)")
                    + "  \(v.keyframeCount) keyframe\(v.keyframeCount == 1 ? "" : "s") (longest run \(v.maxKeyframeInterval))"
                    + (v.hasBFrames ? "  B-frames" : ""))
            for mark in v.implausible ?? [] { lines.append("  !      cannot be right: \(mark)") }
        } else {
            lines.append("  video  none")
        }
        if let a = info.audio {
            lines.append("  audio  \(a.codec)  \(a.sampleRate) Hz  \(a.channels) ch  \(Human.seconds(a.durationSeconds))")
        } else {
            lines.append("  audio  none")
        }
        return lines.joined(separator: "\n")
    }
}

/// One file's probe, or why it could not be probed.
enum ProbeResult: Encodable {
    case success(MediaInfo)
    case failure(path: String, error: String)

    var isFailure: Bool { if case .failure = self { true } else { false } }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .success(let info): try info.encode(to: encoder)
        case .failure(let path, let error):
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(path, forKey: .path)
            try container.encode(error, forKey: .error)
        }
    }

    enum Keys: String, CodingKey { case path, error }
}
