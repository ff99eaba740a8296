/// What ``ClipValidator`` found in one clip: named checks, black and frozen stretches, a verdict.
///
/// Encoded as JSON in the shape `clipkit check --json` documents:
/// `{"path", "verdict", "checks": [{"name", "status", "expected", "actual", "message"}],
/// "black_segments": [{"start_s", "end_s"}], "frozen_segments": [...]}`.
public struct ValidationReport: Sendable, Codable, Hashable {
    public var path: String
    /// The worst status among the checks.
    public var verdict: CheckStatus
    public var checks: [CheckResult]
    public var blackSegments: [TimeSegment]
    public var frozenSegments: [TimeSegment]

    public init(path: String, checks: [CheckResult], blackSegments: [TimeSegment] = [], frozenSegments: [TimeSegment] = []) {
        self.path = path
        self.checks = checks
        self.blackSegments = blackSegments
        self.frozenSegments = frozenSegments
        verdict = checks.map(\.status).max() ?? .pass
    }

    /// The check named `name` (see ``CheckName``), when it ran.
    public subscript(_ name: CheckName) -> CheckResult? {
        checks.first { $0.name == name }
    }

    enum CodingKeys: String, CodingKey {
        case path, verdict, checks
        case blackSegments = "black_segments"
        case frozenSegments = "frozen_segments"
    }
}

/// The checks, in the order they are reported.
public enum CheckName: String, Sendable, Codable, Hashable, CaseIterable {
    case readable, decodes, duration, aspect, resolution, fps, codec, audio, black, frozen
    /// For a joined chain: no abrupt jump at a seam (read from the chain's sidecar).
    case seams
}

/// A check's outcome; ordered from best to worst.
public enum CheckStatus: String, Sendable, Codable, Hashable, Comparable {
    case pass, warn, fail

    private var rank: Int {
        switch self {
        case .pass: 0
        case .warn: 1
        case .fail: 2
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// One check: what was expected, what was measured, and a one-line message.
public struct CheckResult: Sendable, Codable, Hashable {
    public var name: CheckName
    public var status: CheckStatus
    /// What the expectation asked for, for people ("5.042 s ± 0.100 s"); nil when nothing was asked.
    public var expected: String?
    /// What the file holds, for people ("5.042 s"); nil when it could not be measured.
    public var actual: String?
    public var message: String

    public init(_ name: CheckName, _ status: CheckStatus, expected: String?, actual: String?, _ message: String) {
        self.name = name
        self.status = status
        self.expected = expected
        self.actual = actual
        self.message = message
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(expected, forKey: .expected)
        try c.encode(actual, forKey: .actual)
        try c.encode(message, forKey: .message)
    }
}

/// A stretch of the clip, in seconds from the start of the file.
public struct TimeSegment: Sendable, Codable, Hashable {
    public var start: Double
    public var end: Double

    public init(start: Double, end: Double) {
        self.start = start
        self.end = end
    }

    public var duration: Double { end - start }

    enum CodingKeys: String, CodingKey {
        case start = "start_s"
        case end = "end_s"
    }

    /// Times rounded to the millisecond, so reports read cleanly.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode((start * 1000).rounded() / 1000, forKey: .start)
        try c.encode((end * 1000).rounded() / 1000, forKey: .end)
    }
}
