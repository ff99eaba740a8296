import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// Clips shaped like a last-frame chain, and ffmpeg-CLI oracles for joined outputs.
enum ChainFixtures {
    /// The pattern index of frame `j` of chain clip `k`: clip 0 counts from 0; every later clip starts
    /// with a copy of the previous clip's last frame, then counts from `k * 100 + 1`.
    static func patternIndex(clip k: Int, frame j: Int, frames: Int) -> Int {
        if j == 0 && k > 0 { return patternIndex(clip: k - 1, frame: frames - 1, frames: frames) }
        return k * 100 + j
    }

    /// Two 24-frame clips, `a.mp4` and `b.mp4`, the second drifted warmer (red up, blue down), as a
    /// continuation drifts from the first clip's colours.
    static func tintedPair(in directory: TemporaryDirectory) throws -> (first: String, warmer: String) {
        let settings = Fixtures.settings()
        let background = FixtureFactory.gradient(width: 320, height: 180)
        let a = try FixtureFactory.makeClip(at: directory.file("a.mp4"), settings: settings, frames: 24) { j in
            FixtureFactory.pattern(index: j, width: 320, height: 180, background: background)
        }
        let b = try FixtureFactory.makeClip(at: directory.file("b.mp4"), settings: settings, frames: 24) { j in
            var image = FixtureFactory.pattern(index: 100 + j, width: 320, height: 180, background: background)
            for i in stride(from: 0, to: image.pixels.count, by: 3) {
                image.pixels[i] = UInt8(min(255, Int(image.pixels[i]) + 40))
                image.pixels[i + 2] = UInt8(max(0, Int(image.pixels[i + 2]) - 30))
            }
            return image
        }
        return (a, b)
    }

    /// Writes `count` chain clips of `frames` frames each and returns their paths.
    static func chain(
        _ count: Int, frames: Int = 48, in directory: TemporaryDirectory, width: Int = 320, height: Int = 180,
        _ configure: (inout VideoEncodingSettings) -> Void = { _ in }
    ) throws -> [String] {
        let settings = Fixtures.settings(width: width, height: height, configure)
        let background = FixtureFactory.gradient(width: width, height: height)
        return try (0..<count).map { k in
            try FixtureFactory.makeClip(
                at: directory.file("chain\(k).mp4"), settings: settings, frames: frames,
                content: { j in
                    FixtureFactory.pattern(index: patternIndex(clip: k, frame: j, frames: frames), width: width, height: height, background: background)
                })
        }
    }

    /// Runs a tool, returning its stdout and stderr.
    static func run(_ tool: String, _ arguments: [String]) throws -> (stdout: Data, stderr: String, status: Int32) {
        let run = try ChildProcess.runBlocking("/usr/bin/\(tool)", arguments)
        return (run.stdoutData, run.stderr, run.status)
    }

    /// ffmpeg's complaints when decoding the whole file (empty when it decodes cleanly).
    static func decodeErrors(_ path: String) throws -> String {
        let result = try run("ffmpeg", ["-v", "error", "-i", path, "-f", "null", "-"])
        return result.status == 0 ? result.stderr : "exit \(result.status): \(result.stderr)"
    }

    /// Every frame of the file as ffmpeg decodes it, in RGB.
    static func frames(_ path: String, width: Int, height: Int) throws -> [RGBImage] {
        let result = try run("ffmpeg", ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        let size = width * height * 3
        let bytes = [UInt8](result.stdout)
        return stride(from: 0, to: bytes.count - size + 1, by: size).map {
            RGBImage(width: width, height: height, pixels: Array(bytes[$0..<$0 + size]))
        }
    }

    /// Pattern indices read back from every decoded frame.
    static func indices(_ path: String, width: Int = 320, height: Int = 180) throws -> [Int] {
        try frames(path, width: width, height: height).map(FixtureFactory.frameIndex(in:))
    }

    /// (pts, dts) of every video packet in file order, as ffprobe reports them.
    static func packetTimestamps(_ path: String) throws -> [(pts: Int, dts: Int)] {
        let text = String(
            decoding: try run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts,dts", "-of", "csv=p=0", path]).stdout,
            as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).compactMap { line in
            let parts = line.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2, let pts = parts[0], let dts = parts[1] else { return nil }
            return (pts, dts)
        }
    }

    /// MD5 of every video packet's payload, in order (`-c copy -f framemd5`).
    static func packetHashes(_ path: String) throws -> [String] {
        let text = String(
            decoding: try run("ffmpeg", ["-v", "error", "-i", path, "-map", "0:v:0", "-c", "copy", "-f", "framemd5", "-"]).stdout, as: UTF8.self)
        return text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }.compactMap {
            $0.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// True when frame pts, in display order, are strictly increasing with one constant step.
    static func isConstantFrameRate(_ path: String) throws -> Bool {
        let pts = try packetTimestamps(path).map(\.pts).sorted()
        guard pts.count > 1 else { return true }
        let step = pts[1] - pts[0]
        return step > 0 && zip(pts, pts.dropFirst()).allSatisfy { $1 - $0 == step }
    }

    static func decodesStrictlyMonotonic(_ path: String) throws -> Bool {
        let dts = try packetTimestamps(path).map(\.dts)
        return zip(dts, dts.dropFirst()).allSatisfy { $0 < $1 }
    }
}
