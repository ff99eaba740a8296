import ClipMedia
import ClipTestSupport
import Foundation

/// A folder of small clips for gallery tests: good ones of three shapes and bad ones.
enum GalleryTestClips {
    /// Writes a 2 s pattern clip.
    @discardableResult
    static func good(_ name: String, in folder: String, width: Int = 320, height: Int = 180, frames: Int = 49) throws -> String {
        var settings = VideoEncodingSettings(width: width, height: height, frameRate: 24)
        settings.bFrames = 2
        return try FixtureFactory.makeClip(at: folder + "/" + name, settings: settings, frames: frames)
    }

    /// An HTML error page saved under a video name, as failed downloads leave them.
    @discardableResult
    static func htmlPage(_ name: String, in folder: String) throws -> String {
        let path = folder + "/" + name
        try Data("<!DOCTYPE html><html><head><title>502</title></head><body>Bad gateway</body></html>".utf8)
            .write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A clip cut to its first `fraction` of bytes, as an interrupted download leaves it.
    @discardableResult
    static func truncated(_ name: String, in folder: String, from source: String, fraction: Double = 0.4) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        let path = folder + "/" + name
        try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A chain's output: `lengths` pattern clips joined with ``ClipJoiner`` (keep), and the sidecar a chain
    /// writes beside it, by hand (segments with prompt, provider, task id, cost, frames and seam scores).
    @discardableResult
    static func chain(_ name: String, in folder: String, parts: String, lengths: [Int] = [49, 37, 25]) throws -> JoinResult {
        let inputs = try lengths.enumerated().map { i, frames in
            try good("\((name as NSString).deletingPathExtension)-part-\(i + 1).mp4", in: parts, frames: frames)
        }
        let joined = try ClipJoiner.join(inputs: inputs, output: folder + "/" + name, seam: .keep)
        let segments: [[String: Any]] = joined.segments.enumerated().map { i, segment in
            var item: [String: Any] = [
                "segment": i + 1, "prompt": "shot \(i + 1) <b>", "provider": "kkiai", "model": "ray-v2",
                "task_id": "task-\(i + 1)", "first_frame": segment.firstFrame, "frame_count": segment.frameCount,
                "verdict": "pass",
            ]
            item["cost"] = i == 1 ? NSNull() : ["amount": 2_000_000, "unit": "point"]
            item["seam_psnr"] = i == 0 ? NSNull() : 43.1 + Double(i)
            item["seam_ssim"] = i == 0 ? NSNull() : 0.99
            return item
        }
        let sidecar: [String: Any] = [
            "request": ["prompt": "shot 1"], "provider": "kkiai", "task_id": "task-1",
            "qa": ["verdict": "pass", "checks": []], "seam_frames": joined.seamFrames, "segments": segments,
        ]
        let path = folder + "/" + (name as NSString).deletingPathExtension + ".clip.json"
        try JSONSerialization.data(withJSONObject: sidecar).write(to: URL(fileURLWithPath: path))
        return joined
    }

    static func modificationDate(_ path: String) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
    }

    static func makeFolder(_ path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
