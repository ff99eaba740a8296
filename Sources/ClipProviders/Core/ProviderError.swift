import Foundation

/// Why a provider call failed.
///
/// A struct around a private enum, so cases can be added without breaking callers. Match on ``kind``.
/// Descriptions are one line, name the provider and the failing step, and never contain an API key.
public struct ProviderError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The failure category, for `switch`ing.
    public enum Kind: String, Hashable, Sendable {
        /// The request was refused locally, before anything was sent (no money spent).
        case invalidRequest
        /// The provider answered with an unexpected HTTP status.
        case httpStatus
        /// The provider answered 2xx but its envelope reported an error (`code != 200`, `code: 0`, ...).
        case apiError
        /// The task reached the `failed` state; ``reason`` holds the provider's reason.
        case taskFailed
        /// The task was cancelled.
        case cancelled
        /// The task did not finish before the polling deadline.
        case pollTimeout
        /// The provider rejected the API key (401/403, Pixwith code 2), or no key was configured.
        case authentication
        /// The provider asked us to slow down (429); see ``retryAfter``.
        case rateLimited
        /// A response could not be understood.
        case decoding
        /// The request did not complete at the network level and provably created nothing.
        case transport
        /// A create request may have reached the provider but its outcome is unknown. Do NOT resubmit
        /// blindly: a duplicate costs money. Reconcile (poll, list, or ask the user) first.
        case mayHaveBeenSubmitted
        /// The provider has no such operation (cancel, upload, native extend ...).
        case unsupported
    }

    private enum Base: Hashable, Sendable {
        case invalidRequest(field: String, value: String, accepted: String)
        case httpStatus(code: Int, bodySnippet: String)
        case apiError(code: String, message: String)
        case taskFailed(reason: String)
        case cancelled(taskID: String)
        case pollTimeout(taskID: String, waitedSeconds: Int)
        case authentication(detail: String)
        case rateLimited(retryAfterSeconds: Double?)
        case decoding(what: String, detail: String)
        case transport(detail: String)
        case mayHaveBeenSubmitted(detail: String)
        case unsupported(operation: String)
    }

    private let base: Base
    /// The provider involved, when known.
    public let provider: ProviderKind?

    private init(_ base: Base, provider: ProviderKind?) {
        self.base = base
        self.provider = provider
    }

    /// The category of this failure.
    public var kind: Kind {
        switch base {
        case .invalidRequest: .invalidRequest
        case .httpStatus: .httpStatus
        case .apiError: .apiError
        case .taskFailed: .taskFailed
        case .cancelled: .cancelled
        case .pollTimeout: .pollTimeout
        case .authentication: .authentication
        case .rateLimited: .rateLimited
        case .decoding: .decoding
        case .transport: .transport
        case .mayHaveBeenSubmitted: .mayHaveBeenSubmitted
        case .unsupported: .unsupported
        }
    }

    /// The HTTP status, for ``Kind/httpStatus``.
    public var statusCode: Int? {
        if case .httpStatus(let code, _) = base { return code }
        return nil
    }

    /// The delay the provider asked for, for ``Kind/rateLimited``.
    public var retryAfter: Duration? {
        if case .rateLimited(let seconds?) = base { return .milliseconds(Int64(seconds * 1000)) }
        return nil
    }

    /// The provider's failure reason, for ``Kind/taskFailed``.
    public var reason: String? {
        if case .taskFailed(let reason) = base { return reason }
        return nil
    }

    /// The request field that failed validation, for ``Kind/invalidRequest``.
    public var field: String? {
        if case .invalidRequest(let field, _, _) = base { return field }
        return nil
    }

    /// Whether retrying the same call later may succeed (and cannot create a duplicate task).
    public var isTransient: Bool {
        switch base {
        case .rateLimited, .transport: true
        case .httpStatus(let code, _): code == 408 || code >= 500
        default: false
        }
    }

    public var description: String {
        let who = provider?.displayName ?? "provider"
        switch base {
        case .invalidRequest(let field, let value, let accepted):
            return "\(who) does not accept \(field) \(value) (accepted: \(accepted))"
        case .httpStatus(let code, let snippet):
            return snippet.isEmpty
                ? "\(who) answered HTTP \(code)"
                : "\(who) answered HTTP \(code): \(snippet)"
        case .apiError(let code, let message):
            return "\(who) reported error \(code): \(message.isEmpty ? "no message" : message)"
        case .taskFailed(let reason):
            return "\(who) task failed: \(reason.isEmpty ? "no reason given" : reason)"
        case .cancelled(let taskID):
            return "\(who) task \(taskID) was cancelled"
        case .pollTimeout(let taskID, let waited):
            return "\(who) task \(taskID) did not finish within \(waited) s"
        case .authentication(let detail):
            return "\(who) rejected the credentials: \(detail)"
        case .rateLimited(let seconds?):
            return "\(who) is rate limiting requests; retry after \(Int(seconds.rounded(.up))) s"
        case .rateLimited(nil):
            return "\(who) is rate limiting requests"
        case .decoding(let what, let detail):
            return "could not read \(who)'s \(what): \(detail)"
        case .transport(let detail):
            return "could not reach \(who): \(detail)"
        case .mayHaveBeenSubmitted(let detail):
            return
                "\(who) may have received the create request but its outcome is unknown (\(detail)); "
                + "not resubmitting automatically, check the provider's task list before retrying"
        case .unsupported(let operation):
            return "\(who) does not support \(operation)"
        }
    }

    // MARK: Factories

    /// A request value the provider does not accept.
    public static func invalidRequest(
        field: String, value: String, accepted: String, provider: ProviderKind? = nil
    ) -> ProviderError {
        ProviderError(.invalidRequest(field: field, value: value, accepted: accepted), provider: provider)
    }

    /// An unexpected HTTP status; `bodySnippet` must already be redacted and shortened.
    public static func httpStatus(_ code: Int, bodySnippet: String, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.httpStatus(code: code, bodySnippet: bodySnippet), provider: provider)
    }

    /// An error reported inside a 2xx envelope.
    public static func apiError(code: String, message: String, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.apiError(code: code, message: message), provider: provider)
    }

    /// A task that ended in the failed state.
    public static func taskFailed(reason: String, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.taskFailed(reason: reason), provider: provider)
    }

    /// A task that ended cancelled.
    public static func cancelled(taskID: String, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.cancelled(taskID: taskID), provider: provider)
    }

    /// Polling gave up at its deadline.
    public static func pollTimeout(taskID: String, waited: Duration, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.pollTimeout(taskID: taskID, waitedSeconds: Int(waited.components.seconds)), provider: provider)
    }

    /// Missing or rejected credentials.
    public static func authentication(_ detail: String, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.authentication(detail: detail), provider: provider)
    }

    /// HTTP 429 (or an equivalent envelope code).
    public static func rateLimited(retryAfter: Duration?, provider: ProviderKind? = nil) -> ProviderError {
        let seconds = retryAfter.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
        return ProviderError(.rateLimited(retryAfterSeconds: seconds), provider: provider)
    }

    /// A response that could not be decoded.
    public static func decoding(_ what: String, detail: String, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.decoding(what: what, detail: detail), provider: provider)
    }

    /// A network failure that provably created nothing (or an idempotent call that failed).
    public static func transport(_ detail: String, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.transport(detail: detail), provider: provider)
    }

    /// A create request whose outcome is unknown.
    public static func mayHaveBeenSubmitted(_ detail: String, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.mayHaveBeenSubmitted(detail: detail), provider: provider)
    }

    /// An operation the provider does not offer.
    public static func unsupported(_ operation: String, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(.unsupported(operation: operation), provider: provider)
    }

}

extension ProviderError.Kind {
    /// Whether `rhs` is a ``ProviderError`` of this kind: `if ProviderError.Kind.rateLimited ~= error { ... }`.
    /// (In `catch` clauses, prefer `catch let error as ProviderError where error.kind == .rateLimited`.)
    public static func ~= (lhs: Self, rhs: any Error) -> Bool {
        (rhs as? ProviderError)?.kind == lhs
    }
}
