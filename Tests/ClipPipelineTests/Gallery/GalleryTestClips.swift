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

    static func modificationDate(_ path: String) throws -> Date {
        try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as! Date
    }

    static func makeFolder(_ path: String) throws -> String {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
