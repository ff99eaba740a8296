import ClipMedia
import ClipTestSupport

/// Clips for gallery tests: pattern frames (each carrying its index), optionally black at the start.
enum GalleryFixtures {
    /// A 24 fps clip of `frames` frames whose first `blackFrames` are black.
    static func clip(
        _ name: String, in directory: TemporaryDirectory, frames: Int = 121, blackFrames: Int = 0, width: Int = 320,
        height: Int = 180
    ) throws -> String {
        var settings = VideoEncodingSettings(width: width, height: height, frameRate: 24)
        settings.bFrames = 3
        let black = RGBImage(width: width, height: height, red: 0, green: 0, blue: 0)
        return try FixtureFactory.makeClip(
            at: directory.file(name), settings: settings, frames: frames,
            content: { $0 < blackFrames ? black : nil })
    }

    /// Mean BT.709 luma of a picture, 0...255.
    static func meanLuma(_ image: RGBImage) -> Double {
        let mean = image.meanColor
        return 0.2126 * mean.red + 0.7152 * mean.green + 0.0722 * mean.blue
    }
}
