import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// POSTs a task's JSON to the caller's webhook / callback / notify hook, retrying on non-2xx answers and
/// connection errors (Luma documents 3 retries 100 ms apart and a 5 s timeout; we do the same for all).
struct WebhookSender: Sendable {
    let retries: Int
    let retryDelay: Double
    let logger: Logger

    /// Delivers `body` to `url` with `headers`; returns whether some attempt got a 2xx answer.
    @discardableResult
    func deliver(_ body: JSONValue, to url: String, headers: [(String, String)] = []) async -> Bool {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
            logger.warning("webhook not sent: the URL is not http(s)", metadata: ["url": "\(Self.redacted(url))"])
            return false
        }
        let bytes = body.serialized()
        for attempt in 0...retries {
            if attempt > 0, retryDelay > 0 { try? await Task.sleep(for: .seconds(retryDelay)) }
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(bytes: bytes))
            do {
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5), logger: logger)
                _ = try? await response.body.collect(upTo: 1 << 20)
                if (200..<300).contains(response.status.code) {
                    logger.debug(
                        "webhook delivered", metadata: ["url": "\(Self.redacted(url))", "attempt": "\(attempt + 1)"])
                    return true
                }
                logger.info(
                    "webhook answered HTTP \(response.status.code)",
                    metadata: ["url": "\(Self.redacted(url))", "attempt": "\(attempt + 1)"])
            } catch {
                logger.info(
                    "webhook failed: \(error)", metadata: ["url": "\(Self.redacted(url))", "attempt": "\(attempt + 1)"])
            }
        }
        return false
    }

    /// The URL without its query, which may carry a caller's token.
    static func redacted(_ url: String) -> String {
        String(url.prefix { $0 != "?" })
    }
}
