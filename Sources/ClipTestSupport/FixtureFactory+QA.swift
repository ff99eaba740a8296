import ClipMedia
import Foundation

/// Clips with the faults `clipkit check` looks for: black and frozen stretches, cut files, non-video files.
extension FixtureFactory {
    /// What frame `index` of a QA clip shows.
    public enum Picture: Sendable, Hashable {
        /// The moving pattern of frame `index` (every frame differs from the last).
        case moving
        /// Pure black (RGB 0, luma 16 in limited range).
        case black
        /// The pattern of frame `n`, repeated: consecutive frames are identical.
        case still(Int)
    }

    /// Writes a clip whose frame `i` shows `picture(i)`.
    @discardableResult
    public static func makeQAClip(
        at path: String, width: Int = 320, height: Int = 180, frames: Int = 121, fps: Int = 24,
        configure: (inout VideoEncodingSettings) -> Void = { _ in }, picture: @escaping (Int) -> Picture
    ) throws -> String {
        var settings = VideoEncodingSettings(width: width, height: height, frameRate: fps)
        configure(&settings)
        let background = gradient(width: width, height: height)
        let black = RGBImage(width: width, height: height, red: 0, green: 0, blue: 0)
        var stills: [Int: RGBImage] = [:]
        return try makeClip(at: path, settings: settings, frames: frames) { index in
            switch picture(index) {
            case .moving: return pattern(index: index, width: width, height: height, background: background)
            case .black: return black
            case .still(let n):
                if let image = stills[n] { return image }
                let image = pattern(index: n, width: width, height: height, background: background)
                stills[n] = image
                return image
            }
        }
    }

    /// Cuts a file to `fraction` of its bytes, as an interrupted download leaves it.
    public static func truncate(_ path: String, keeping fraction: Double) throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(Int(Double(data.count) * fraction)).write(to: URL(fileURLWithPath: path))
    }

    /// An HTML error page saved under a video name.
    @discardableResult
    public static func makeErrorPage(at path: String) throws -> String {
        let html = "<!DOCTYPE html><html><head><title>403 Forbidden</title></head><body>Request has expired</body></html>\n"
        try Data(html.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
