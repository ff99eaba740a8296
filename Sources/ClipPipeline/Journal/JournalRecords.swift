import Foundation
import GRDB

/// One `generate` or `extend` run, as the journal keeps it.
public struct JournalRun: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "run"

    public enum State: String, Codable, Sendable {
        case running, succeeded, failed
        /// Stopped on a submit whose outcome is unknown: a person settles it with `clipkit jobs resolve`.
        case needsAttention = "needs-attention"
    }

    /// Fixed when the run is created; a rerun of the same command finds the run by its output.
    public var id: String
    /// "generate" or "extend".
    public var kind: String
    public var provider: String
    /// Where the finished clip goes.
    public var output: String
    /// The run's plan as JSON (prompts, segments, preset, options), enough to resume it.
    public var plan: String
    public var state: State
    public var message: String?
    /// The provider's base URL the run's tasks live at (never a key).
    public var baseURL: String?
    /// The finished run's report (JSON), so a rerun of a finished command pays nothing and prints it.
    public var result: String?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, kind: String, provider: String, output: String, plan: String, now: Date = Date()) {
        self.id = id
        self.kind = kind
        self.provider = provider
        self.output = output
        self.plan = plan
        self.state = .running
        self.createdAt = now
        self.updatedAt = now
    }
}

/// One attempt at one segment of a run: a task at a provider and everything done with its result.
///
/// Each step is written before the next one starts, so a rerun after a crash knows exactly where to
/// pick up: a `submitted` attempt is polled (never submitted again), a `downloaded` file is not fetched again.
public struct JournalAttempt: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "attempt"

    public enum Step: String, Codable, Sendable, Comparable, CaseIterable {
        /// The request is fixed, nothing has been sent.
        case planned
        /// The create request is (or was) in flight: recorded, with the client reference, before the
        /// POST. An attempt found here after a crash may or may not have created a paid task: it is
        /// reconciled, never resubmitted blindly.
        case submitting
        /// The provider accepted the task; its id is known.
        case submitted
        /// The provider finished the task.
        case completed
        /// The video is on disk (checksum recorded).
        case downloaded
        /// The QA check ran (verdict recorded).
        case checked
        /// The last frame was extracted for the next segment.
        case frameExtracted = "frame-extracted"
        /// The last frame has a URL the provider can read.
        case frameHosted = "frame-hosted"
        /// This attempt is over without a usable clip (task failed, QA failed, submission unknown).
        case failed

        var order: Int { Step.allCases.firstIndex(of: self)! }
        public static func < (lhs: Step, rhs: Step) -> Bool { lhs.order < rhs.order }

        /// The attempt's one lifecycle: each step goes forward to the next, a finished task may need its
        /// file fetched again (back to `submitted`), and any step before `checked` may end in `failed`.
        public func canMove(to next: Step) -> Bool {
            switch (self, next) {
            case (.failed, _): return false
            case (_, .failed): return self < .checked || self == .checked
            case (.planned, .submitting), (.submitting, .submitted), (.submitted, .completed), (.submitted, .downloaded),
                (.completed, .downloaded), (.downloaded, .checked), (.checked, .frameExtracted),
                (.frameExtracted, .frameHosted), (.frameHosted, .frameHosted):
                return true
            case (.completed, .submitted), (.downloaded, .submitted), (.checked, .submitted), (.frameExtracted, .submitted),
                (.frameHosted, .submitted):
                return true  // the downloaded file went missing: fetch it again from the task
            default: return false
            }
        }
    }

    public var runID: String
    public var segment: Int
    public var attempt: Int
    public var step: Step
    /// The resolved request (JSON, secrets omitted, data URIs shortened).
    public var request: String
    /// ClipKit's own reference for the submit (a UUID), recorded before the POST and carried in the
    /// webhook URL, so a callback or a search of the provider's tasks can tie a task to this attempt.
    public var clientRef: String?
    /// The create body exactly as sent (JSON, with secrets and inline images redacted).
    public var wireBody: String?
    /// The QA expectations the clip is checked against and where they came from (``ExpectationChoice`` JSON).
    public var expectations: String?
    /// The task's cost as the provider states it (JSON), when it states one.
    public var cost: String?
    public var taskID: String?
    public var submittedAt: Date?
    public var completedAt: Date?
    public var file: String?
    public var sha256: String?
    public var bytes: Int64?
    public var verdict: String?
    /// The QA report as JSON.
    public var report: String?
    public var lastFrame: String?
    /// How the last frame reached the provider: a URL, or "data-uri".
    public var hostedImage: String?
    /// PSNR (dB, luma) between this segment's first frame and the frame it started from.
    public var seamPSNR: Double?
    public var generationSeconds: Double?
    public var failure: String?
    public var updatedAt: Date

    /// Moves the attempt along its lifecycle (``Step/canMove(to:)``).
    /// - Throws: ``PipelineError`` for a move the lifecycle does not have (a bug, never user input).
    public mutating func move(to next: Step) throws {
        guard step.canMove(to: next) else {
            throw PipelineError("segment \(segment + 1), attempt \(attempt + 1): cannot go from \(step.rawValue) to \(next.rawValue)")
        }
        step = next
    }

    public init(runID: String, segment: Int, attempt: Int, request: String, now: Date = Date()) {
        self.runID = runID
        self.segment = segment
        self.attempt = attempt
        self.step = .planned
        self.request = request
        self.updatedAt = now
    }
}

/// A line of the journal's audit trail: what happened, when.
public struct JournalEvent: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "event"
    public var id: Int64?
    public var runID: String
    public var segment: Int?
    public var attempt: Int?
    public var step: String
    public var detail: String?
    public var at: Date

    public init(runID: String, segment: Int?, attempt: Int?, step: String, detail: String? = nil, at: Date = Date()) {
        self.runID = runID
        self.segment = segment
        self.attempt = attempt
        self.step = step
        self.detail = detail
        self.at = at
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
