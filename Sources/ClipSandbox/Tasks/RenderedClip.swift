/// The files a finished task serves, and the facts about its video.
struct RenderedClip: Sendable, Hashable {
    /// Stored file names under /files/: the clip, its "watermarked" twin, the thumbnail and last-frame JPEGs.
    var video: String
    var watermarkedVideo: String
    var thumbnail: String
    var lastFrame: String
    var width: Int
    var height: Int
    var frameCount: Int

    /// Presented duration in seconds, frames / 24, rounded to 6 decimals as Dream Machine reports it (5.041667).
    var duration: Double {
        (Double(frameCount) / Double(GenerationSpec.frameRate) * 1_000_000).rounded() / 1_000_000
    }
}
