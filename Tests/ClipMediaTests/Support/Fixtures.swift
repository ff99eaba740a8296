import ClipMedia
import ClipTestSupport

/// The clip shapes users bring, small enough to make in milliseconds.
enum Fixtures {
    static func settings(
        width: Int = 320, height: Int = 180, _ configure: (inout VideoEncodingSettings) -> Void = { _ in }
    ) -> VideoEncodingSettings {
        var settings = VideoEncodingSettings(width: width, height: height, frameRate: 24)
        settings.bFrames = 3
        configure(&settings)
        return settings
    }

    /// Writes a pattern clip of `frames` frames into `directory` and returns its path.
    static func clip(
        _ name: String, in directory: TemporaryDirectory, frames: Int = 121, width: Int = 320, height: Int = 180,
        _ configure: (inout VideoEncodingSettings) -> Void = { _ in }
    ) throws -> String {
        try FixtureFactory.makeClip(
            at: directory.file(name), settings: settings(width: width, height: height, configure), frames: frames)
    }
}
