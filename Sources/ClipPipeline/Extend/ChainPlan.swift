import ClipMedia
import ClipProviders
import Crypto
import Foundation

/// Everything a `generate` or `extend` run needs, stored in the journal so the run can be resumed.
public struct ChainPlan: Codable, Sendable, Hashable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Segment k+1 starts from segment k's exact last frame (PNG), on any provider.
        case lastFrame = "last-frame"
        /// The provider continues the previous generation itself (Luma, KKIAI, PiAPI extend).
        case native
    }

    public var kind: String
    public var provider: ProviderKind
    /// One prompt per segment; the last one repeats when there are fewer prompts than segments.
    public var prompts: [String]
    public var segments: Int
    public var duration: Int
    public var aspectRatio: String
    public var resolution: String?
    public var loop: Bool
    public var model: String?
    /// A local start image for the first segment (a file path), or a URL.
    public var startImage: String?
    public var endImage: String?
    public var output: String
    public var maxRetries: Int
    public var mode: Mode
    public var seam: String
    public var colorMatch: String
    public var preset: String?

    public init(
        kind: String, provider: ProviderKind, prompts: [String], segments: Int, duration: Int, aspectRatio: String,
        resolution: String?, loop: Bool, model: String?, startImage: String?, endImage: String?, output: String,
        maxRetries: Int, mode: Mode, seam: String, colorMatch: String, preset: String?
    ) {
        self.kind = kind
        self.provider = provider
        self.prompts = prompts
        self.segments = segments
        self.duration = duration
        self.aspectRatio = aspectRatio
        self.resolution = resolution
        self.loop = loop
        self.model = model
        self.startImage = startImage
        self.endImage = endImage
        self.output = output
        self.maxRetries = maxRetries
        self.mode = mode
        self.seam = seam
        self.colorMatch = colorMatch
        self.preset = preset
    }

    public func prompt(for segment: Int) -> String { prompts[min(segment, prompts.count - 1)] }

    /// The run id: a hash of the plan (and of the start image's bytes), so the same command resumes the same run.
    public var runID: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var hasher = SHA256()
        hasher.update(data: (try? encoder.encode(self)) ?? Data())
        for image in [startImage, endImage].compactMap({ $0 }) where FileManager.default.fileExists(atPath: image) {
            hasher.update(data: (try? Data(contentsOf: URL(fileURLWithPath: image))) ?? Data())
        }
        return kind + "-" + hasher.finalize().prefix(6).map { String(format: "%02x", $0) }.joined()
    }
}
