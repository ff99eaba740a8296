import ClipMedia
import ClipProviders
import Foundation

/// What a clip is checked against, and where that came from.
public struct ExpectationChoice: Codable, Sendable, Hashable {
    public var expectations: ClipExpectations
    /// For people and `--json`: "preset kkiai-ray2-720p-5s", or "derived from the request (...)".
    public var source: String

    public init(expectations: ClipExpectations, source: String) {
        self.expectations = expectations
        self.source = source
    }
}

/// Where a segment's first frame comes from.
public enum SegmentStart: Codable, Sendable, Hashable {
    /// Text only.
    case none
    /// The user's start image (a path or a URL).
    case image(String)
    /// The exact last frame of the previous segment, hosted by the run's frame-hosting route.
    case previousLastFrame
    /// The provider's own continuation of the previous segment's task.
    case nativeExtend
}

/// One segment of a resolved chain: the request exactly as it will be sent (every default explicit),
/// with its images still to be filled in where they come from an earlier segment.
public struct SegmentPlan: Codable, Sendable, Hashable {
    /// 0-based.
    public var index: Int
    public var start: SegmentStart
    /// The resolved request. Its start image is a placeholder until the previous segment is handed over
    /// (``start`` says what goes there); its webhook is set per submit.
    public var request: GenerationRequest
    public var expectations: ExpectationChoice
}

/// A whole chain, every segment resolved and validated before the first submit.
public struct ResolvedChain: Sendable {
    public var plan: ChainPlan
    public var segments: [SegmentPlan]
    /// How local images reach the provider on this run.
    public var hosting: FrameHosting
}
