import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// ``HTTPTransport`` over AsyncHTTPClient.
public struct AsyncHTTPTransport: HTTPTransport {
    private let client: HTTPClient
    /// Responses larger than this are refused (API bodies are small JSON documents).
    public var maximumResponseBytes: Int

    /// - Parameters:
    ///   - client: the client to use; ``defaultClient`` unless given.
    ///   - maximumResponseBytes: the largest response body accepted.
    public init(client: HTTPClient = AsyncHTTPTransport.defaultClient, maximumResponseBytes: Int = 16 << 20) {
        self.client = client
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// A process-wide client for provider calls and downloads, never shut down (like `HTTPClient.shared`),
    /// configured so that failures are classifiable:
    /// - connection attempts are not retried inside AsyncHTTPClient, so "connection refused" surfaces at once
    ///   as a failure that provably sent nothing, and ``RetryPolicy`` decides what to do;
    /// - no transparent decompression, so byte counts match `Content-Length` and `Range` offsets.
    public static let defaultClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 10, allowCycles: false),
            timeout: .init(connect: .seconds(15), read: .seconds(120)),
            decompression: .disabled
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    public func send(
        _ request: ProviderHTTPRequest, timeout: Duration, logger: Logger?
    ) async throws -> ProviderHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url.absoluteString)
        outgoing.method = request.method
        outgoing.headers = request.headers
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        let deadline = NIODeadline.now() + .nanoseconds(Int64(timeout.seconds * 1e9))
        do {
            let response = try await client.execute(outgoing, deadline: deadline, logger: logger)
            let buffer = try await response.body.collect(upTo: maximumResponseBytes)
            return ProviderHTTPResponse(
                status: Int(response.status.code),
                headers: response.headers,
                body: Data(buffer.readableBytesView)
            )
        } catch let error as CancellationError {
            throw error
        } catch {
            throw Self.classify(error)
        }
    }

    /// Maps an AsyncHTTPClient/NIO error to a ``TransportError``, deciding whether anything was sent.
    static func classify(_ error: any Error) -> TransportError {
        if let error = error as? HTTPClientError {
            let notSent: [HTTPClientError] = [
                .connectTimeout, .getConnectionFromPoolTimeout, .invalidURL, .emptyHost, .emptyScheme,
                .socksHandshakeTimeout, .tlsHandshakeTimeout, .httpProxyHandshakeTimeout,
            ]
            if notSent.contains(error) {
                return TransportError(nothingSent: true, detail: "could not connect (\(error))")
            }
            if [.deadlineExceeded, .readTimeout, .writeTimeout].contains(error) {
                return TransportError(nothingSent: false, detail: "timed out waiting for the answer")
            }
            if error == .remoteConnectionClosed {
                return TransportError(nothingSent: false, detail: "the server closed the connection")
            }
            return TransportError(nothingSent: false, detail: "\(error)")
        }
        if error is NIOTooManyBytesError {
            return TransportError(nothingSent: false, detail: "the response body is too large")
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return TransportError(nothingSent: true, detail: "connect timed out")
        }
        if let error = error as? IOError, Self.connectErrnos.contains(error.errnoCode) {
            return TransportError(nothingSent: true, detail: "could not connect (errno \(error.errnoCode))")
        }
        if error is SocketAddressError {
            return TransportError(nothingSent: true, detail: "could not resolve the host")
        }
        // NIOPosix's NIOConnectionError (all connection attempts failed) is not importable from here.
        let typeName = String(describing: type(of: error))
        if typeName == "NIOConnectionError" {
            return TransportError(nothingSent: true, detail: "could not connect")
        }
        if typeName.hasPrefix("NIOSSL") {
            return TransportError(nothingSent: true, detail: "TLS failed (\(typeName))")
        }
        return TransportError(nothingSent: false, detail: "\(typeName)")
    }

    private static let connectErrnos: Set<Int32> = [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL]
}
