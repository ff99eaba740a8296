/// What ``ClipJoiner/join(inputs:output:options:)`` wrote.
public struct JoinResult: Sendable, Codable, Hashable {
    /// How one input ended up in the output.
    public struct Segment: Sendable, Codable, Hashable {
        public var path: String
        /// Output index of the segment's first frame.
        public var firstFrame: Int
        public var frameCount: Int
        /// Frames whose packets were copied unchanged from the input.
        public var copiedFrames: Int
        /// Frames that were decoded and encoded again.
        public var reencodedFrames: Int
    }

    public var output: String
    public var frameCount: Int
    public var frameRate: Ratio
    public var durationSeconds: Double
    public var seam: String
    public var colorMatch: ColorMatchMode
    public var width: Int
    public var height: Int
    public var segments: [Segment]
    /// Output index of the first frame after each seam (one per clip after the first).
    public var seamFrames: [Int]
    /// The output's audio: codec, rate and channels and where each clip's sound came from, or "none" when no
    /// clip has audio (the output is then video only).
    public var audio: String

    public var copiedFrames: Int { segments.reduce(0) { $0 + $1.copiedFrames } }
    public var reencodedFrames: Int { segments.reduce(0) { $0 + $1.reencodedFrames } }
}
