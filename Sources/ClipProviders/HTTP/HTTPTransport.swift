import Foundation
import Logging
import NIOHTTP1

/// One HTTP request as the provider clients build it.
public struct ProviderHTTPRequest: Sendable {
    public var method: HTTPMethod
    public var url: URL
    public var headers: HTTPHeaders
    public var body: Data?

    public init(method: HTTPMethod, url: URL, headers: HTTPHeaders = [:], body: Data? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
    }
}

/// One complete HTTP response.
public struct ProviderHTTPResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: Data

    public init(status: Int, headers: HTTPHeaders = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A request that did not produce a response.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    /// `true` when the request provably never left this machine (connection refused, DNS failure,
    /// connect timeout): repeating it cannot create a duplicate task.
    public var nothingSent: Bool
    /// What went wrong, without URLs' secrets or headers.
    public var detail: String

    public init(nothingSent: Bool, detail: String) {
        self.nothingSent = nothingSent
        self.detail = detail
    }

    public var description: String { detail }
}

/// Sends one HTTP request and returns the complete response.
///
/// The live implementation is ``AsyncHTTPTransport``; tests use a scripted one. Implementations throw
/// ``TransportError`` for network failures (or `CancellationError`), never for HTTP statuses.
public protocol HTTPTransport: Sendable {
    func send(_ request: ProviderHTTPRequest, timeout: Duration, logger: Logger?) async throws -> ProviderHTTPResponse
}
