import HTTPTypes

/// An error from the sandbox: a request it refuses (with the HTTP status it answers), a bad fault
/// specification, or a server that could not start.
public struct SandboxError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case badRequest
        case unauthorized
        case notFound
        case rateLimited(retryAfterSeconds: Int)
        case invalidFaultSpec
        case invalidConfiguration
        case startFailed
    }

    private let kind: Kind
    /// A one-line explanation naming what failed and why.
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// A request the provider would refuse as invalid (400).
    static func badRequest(_ message: String) -> SandboxError { SandboxError(.badRequest, message) }
    /// A missing or wrong API key (401).
    static func unauthorized(_ message: String) -> SandboxError { SandboxError(.unauthorized, message) }
    /// An unknown task, generation or file (404).
    static func notFound(_ message: String) -> SandboxError { SandboxError(.notFound, message) }
    /// An injected rate limit (429 with `Retry-After`).
    static func rateLimited(retryAfterSeconds: Int) -> SandboxError {
        SandboxError(
            .rateLimited(retryAfterSeconds: retryAfterSeconds),
            "rate limit exceeded; retry after \(retryAfterSeconds) s")
    }
    /// A fault specification such as `fail-task:x` that does not parse.
    public static func invalidFaultSpec(_ message: String) -> SandboxError { SandboxError(.invalidFaultSpec, message) }
    /// A configuration value out of range.
    public static func invalidConfiguration(_ message: String) -> SandboxError {
        SandboxError(.invalidConfiguration, message)
    }
    /// The server did not bind or start.
    public static func startFailed(_ message: String) -> SandboxError { SandboxError(.startFailed, message) }

    /// The HTTP status the sandbox answers this error with.
    var status: HTTPResponse.Status {
        switch kind {
        case .badRequest, .invalidFaultSpec, .invalidConfiguration: return .badRequest
        case .unauthorized: return .unauthorized
        case .notFound: return .notFound
        case .rateLimited: return .tooManyRequests
        case .startFailed: return .internalServerError
        }
    }

    /// The `Retry-After` seconds of a rate-limit answer.
    var retryAfterSeconds: Int? {
        if case .rateLimited(let seconds) = kind { return seconds }
        return nil
    }
}
