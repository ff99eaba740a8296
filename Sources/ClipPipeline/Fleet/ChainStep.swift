import ClipMedia
import ClipProviders
import Foundation

/// One step of one segment of an `extend` or `generate` job, as a worker of the fleet holds it: the queue's
/// claimed step, without the queue (ClipPipeline does not know PostgreSQL; the `clipkit worker` adapts).
public struct ChainStep: Sendable, Hashable {
    /// The steps of a segment, in order.
    public enum Kind: String, Sendable, CaseIterable {
        /// Resolve and validate the plan, commit `submitting`, POST, record the task id.
        case submit
        /// Poll the task once; wait (holding no worker) while it renders.
        case await
        /// Fetch the clip into the store.
        case download
        /// QA against the expectations of the request that was sent.
        case check
        /// Last frame to the next segment's start image, or, after the last segment, the join.
        case handover
    }

    public var jobID: String
    /// The job's batch line (JSON text).
    public var spec: String
    /// 0-based.
    public var segment: Int
    public var kind: Kind
    /// 1 for the segment's first take; one more each time the segment is submitted again.
    public var take: Int
    /// What the earlier steps handed on (JSON text, ``ChainStepPayload``).
    public var payload: String
    /// The provider's task id when a submit was already accepted (recovered or resolved by a person): no new POST.
    public var providerTaskID: String?
    /// 1 for the first attempt of this step.
    public var attempt: Int
    /// The queue's reference for this step: a submit's callback URL names it, so a webhook wakes its segment.
    public var clientRef: UUID?

    public init(
        jobID: String, spec: String, segment: Int, kind: Kind, take: Int, payload: String, providerTaskID: String?,
        attempt: Int, clientRef: UUID? = nil
    ) {
        self.clientRef = clientRef
        self.jobID = jobID
        self.spec = spec
        self.segment = segment
        self.kind = kind
        self.take = take
        self.payload = payload
        self.providerTaskID = providerTaskID
        self.attempt = attempt
    }
}

/// The lease a step runs under: the two writes a paid submit makes, each conditional on the lease (they throw
/// when it was lost, and the step must stop writing).
public protocol ChainStepLease: Sendable {
    /// Commits that a paid request is about to go out (with the step's client reference), before the POST.
    func markSubmitting() async throws
    /// Records the provider's task id for the step.
    func recordTaskID(_ taskID: String) async throws
}

/// A step to enqueue after this one, in the same transaction that completes it.
public struct ChainNextStep: Sendable, Hashable {
    public var segment: Int
    public var kind: ChainStep.Kind
    public var take: Int
    /// The provider whose capacity the step uses (`submit` and `await`), or nil.
    public var provider: String?
    public var payload: String
    public var maxAttempts: Int
    public var delay: Double
}

/// What a step of a chain job came to.
public enum ChainStepOutcome: Sendable, Hashable {
    /// Finished: `result` (JSON) is kept with the step, `next` enqueued, `output` set as the job's output, and
    /// `cost` added to the job's spend (as the provider states it).
    case done(result: String, next: [ChainNextStep], output: String?, cost: Double)
    /// The provider is still rendering: look again after this many seconds.
    case wait(seconds: Double)
    /// A transient failure: try this step again later.
    case retry(seconds: Double, reason: String)
    /// The provider answered 429: nobody submits to it for this long.
    case rateLimited(provider: String, seconds: Double)
    /// A paid request whose outcome is unknown: a person decides.
    case needsAttention(reason: String)
    /// A permanent failure; `category` is a short word for metrics.
    case failed(reason: String, category: String)
}

/// What the steps of a segment hand on to each other (stored as the next step's payload).
struct ChainStepPayload: Codable, Sendable {
    /// The clips of the segments before this one, in order, as ``ArtefactStore`` references (a folder store's
    /// paths, a bucket store's keys).
    var files: [String] = []
    /// The previous segment's last frame (a PNG in the store, as a reference), inlined or hosted at the submit.
    var startFrame: String?
    /// The same frame, already hosted (a URL), when the host gives URLs.
    var startImageURL: String?
    /// The previous segment's task (a native extend continues it).
    var previousTaskID: String?
    var taskID: String?
    /// Seconds since 1970.
    var submittedAt: Double?
    var videoURL: String?
    /// This take's clip, once downloaded (a reference).
    var file: String?
    /// Why this take exists, when it is not the first.
    var retakeReason: String?
    /// The request as sent (JSON, inline images as digests).
    var request: String?
    var cost: TaskCost?
    var generationSeconds: Double?
    var verdict: String?
    /// The QA report (JSON), kept only for a single clip (its sidecar shows it).
    var report: String?
    /// The finished segments before this one, for the output's sidecar.
    var segments: [ChainResult.Segment] = []
    /// Segment 1's colour statistics, the anchor of `--color-match first`: measured at the first hand-over
    /// that needs them and carried on, so no later hand-over (on any worker) decodes segment 1 again.
    var colorAnchor: ColorStatistics?

    init(
        files: [String] = [], startFrame: String? = nil, startImageURL: String? = nil, previousTaskID: String? = nil,
        taskID: String? = nil, submittedAt: Double? = nil, videoURL: String? = nil, file: String? = nil,
        retakeReason: String? = nil, segments: [ChainResult.Segment] = [], colorAnchor: ColorStatistics? = nil
    ) {
        self.segments = segments
        self.colorAnchor = colorAnchor
        self.files = files
        self.startFrame = startFrame
        self.startImageURL = startImageURL
        self.previousTaskID = previousTaskID
        self.taskID = taskID
        self.submittedAt = submittedAt
        self.videoURL = videoURL
        self.file = file
        self.retakeReason = retakeReason
    }

    enum CodingKeys: String, CodingKey {
        case files, file
        case startFrame = "start_frame"
        case startImageURL = "start_image_url"
        case previousTaskID = "previous_task_id"
        case taskID = "task_id"
        case submittedAt = "submitted_at"
        case videoURL = "video_url"
        case retakeReason = "retake_reason"
        case request, cost, verdict, report, segments
        case generationSeconds = "generation_s"
        case colorAnchor = "color_anchor"
    }

    /// A first segment's submit starts from `{}`.
    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        files = try c.decodeIfPresent([String].self, forKey: .files) ?? []
        startFrame = try c.decodeIfPresent(String.self, forKey: .startFrame)
        startImageURL = try c.decodeIfPresent(String.self, forKey: .startImageURL)
        previousTaskID = try c.decodeIfPresent(String.self, forKey: .previousTaskID)
        taskID = try c.decodeIfPresent(String.self, forKey: .taskID)
        submittedAt = try c.decodeIfPresent(Double.self, forKey: .submittedAt)
        videoURL = try c.decodeIfPresent(String.self, forKey: .videoURL)
        file = try c.decodeIfPresent(String.self, forKey: .file)
        retakeReason = try c.decodeIfPresent(String.self, forKey: .retakeReason)
        request = try c.decodeIfPresent(String.self, forKey: .request)
        cost = try c.decodeIfPresent(TaskCost.self, forKey: .cost)
        generationSeconds = try c.decodeIfPresent(Double.self, forKey: .generationSeconds)
        verdict = try c.decodeIfPresent(String.self, forKey: .verdict)
        report = try c.decodeIfPresent(String.self, forKey: .report)
        segments = try c.decodeIfPresent([ChainResult.Segment].self, forKey: .segments) ?? []
        colorAnchor = try c.decodeIfPresent(ColorStatistics.self, forKey: .colorAnchor)
    }

    static func decode(_ text: String) throws -> ChainStepPayload {
        try JSONDecoder().decode(ChainStepPayload.self, from: Data(text.utf8))
    }

    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// What the next take of the same segment starts from: the same start, nothing of this take.
    func forRetake(because reason: String) -> ChainStepPayload {
        ChainStepPayload(
            files: files, startFrame: startFrame, startImageURL: startImageURL, previousTaskID: previousTaskID,
            retakeReason: reason, segments: segments, colorAnchor: colorAnchor)
    }
}
