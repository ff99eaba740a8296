import Foundation

/// A misbehaviour the sandbox can inject so clients prove they handle it.
public enum SandboxFault: String, Sendable, Codable, CaseIterable, Hashable {
    /// The next create call (any provider) answers 429 with `Retry-After`.
    case rateLimitCreate = "rate-limit-create"
    /// The next task fails with a provider-style moderation reason.
    case failTask = "fail-task"
    /// The next video download sends its headers and half the bytes, then closes the connection.
    case cutDownload = "cut-download"
    /// The next video download answers 403, as an expired link does.
    case expireLink = "expire-link"
    /// The next task renders a 3 s clip whatever duration was asked.
    case wrongDuration = "wrong-duration"
    /// The next create call is accepted (the task exists and runs) but its answer is held back for
    /// ``SandboxConfiguration/createAnswerDelay`` seconds: a client killed meanwhile never learns the task id.
    case delayCreateAnswer = "delay-create-answer"
    /// The next PiAPI create answers PiAPI's envelope with a non-200 `code` and an "insufficient credits"
    /// message (HTTP 200, as PiAPI's envelope errors may come); no task is created.
    case insufficientCredits = "insufficient-credits"
}

/// How many more times each fault fires: `rate-limit-create:1,fail-task:2`.
public struct SandboxFaults: Sendable, Hashable, CustomStringConvertible {
    /// Remaining count per fault; absent means zero.
    public var counts: [SandboxFault: Int]

    public init(_ counts: [SandboxFault: Int] = [:]) {
        self.counts = counts.filter { $0.value > 0 }
    }

    /// Parses a specification such as `rate-limit-create:1,fail-task:1` (a bare name means 1).
    /// - Throws: ``SandboxError`` naming the unknown fault or bad count.
    public init(spec: String) throws {
        var counts: [SandboxFault: Int] = [:]
        for item in spec.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            let parts = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let fault = SandboxFault(rawValue: parts[0]) else {
                let known = SandboxFault.allCases.map(\.rawValue).joined(separator: ", ")
                throw SandboxError.invalidFaultSpec("unknown fault '\(parts[0])' in '\(spec)'; known faults: \(known)")
            }
            let count: Int
            if parts.count == 2 {
                guard let parsed = Int(parts[1]), parsed >= 0 else {
                    throw SandboxError.invalidFaultSpec("fault '\(parts[0])' needs a count ≥ 0, got '\(parts[1])'")
                }
                count = parsed
            } else {
                count = 1
            }
            counts[fault, default: 0] += count
        }
        self.init(counts)
    }

    /// The specification form, faults in declaration order: `rate-limit-create:1,fail-task:1`.
    public var description: String {
        SandboxFault.allCases.compactMap { fault in counts[fault].map { "\(fault.rawValue):\($0)" } }
            .joined(separator: ",")
    }
}
