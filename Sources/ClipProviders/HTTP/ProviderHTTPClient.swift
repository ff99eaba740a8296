import Foundation
import Logging
import NIOHTTP1

/// What every client shares: base URL, key, transport, retry policy, clock, timeout and logger.
/// It sends one logical call (with retries as ``RetryPolicy`` allows) and maps failures to ``ProviderError``.
struct ProviderHTTPClient: Sendable {
    let provider: ProviderKind
    let baseURL: URL
    let apiKey: APIKey?
    let transport: any HTTPTransport
    let retryPolicy: RetryPolicy
    let clock: ProviderClock
    let timeout: Duration
    let logger: Logger?

    /// `baseURL` + `path`, keeping any path prefix of the base URL (`http://127.0.0.1:8080/piapi`).
    func url(_ path: String, base: URL? = nil) throws -> URL {
        var string = (base ?? baseURL).absoluteString
        while string.hasSuffix("/") { string.removeLast() }
        guard let url = URL(string: string + path) else {
            throw ProviderError.invalidRequest(
                field: "URL", value: "\"\(string + path)\"", accepted: "a valid URL", provider: provider)
        }
        return url
    }

    /// The key, or an authentication error naming where a key can be configured.
    func requireKey() throws -> APIKey {
        guard let apiKey, !apiKey.isEmpty else {
            throw ProviderError.authentication(
                "no API key configured (set \(provider.apiKeyEnvironmentVariable), pass --api-key, "
                    + "or add it to the config file)",
                provider: provider)
        }
        return apiKey
    }

    /// Sends a call, retrying what ``RetryPolicy`` allows, and returns the final response, whatever its status.
    /// - Throws: ``ProviderError`` for transport failures (``ProviderError/Kind/mayHaveBeenSubmitted`` for a
    ///   create that may have arrived) and for a create answered with 5xx.
    func send(
        _ method: HTTPMethod, _ url: URL, headers: HTTPHeaders, body: Data? = nil, kind: RequestKind, operation: String
    ) async throws -> ProviderHTTPResponse {
        var headers = headers
        if body != nil && !headers.contains(name: "Content-Type") {
            headers.add(name: "Content-Type", value: "application/json")
        }
        if !headers.contains(name: "Accept") {
            headers.add(name: "Accept", value: "application/json")
        }
        headers.replaceOrAdd(name: "User-Agent", value: "clipkit")
        let request = ProviderHTTPRequest(method: method, url: url, headers: headers, body: body)
        let where_ = "\(method) \(url.path)"
        var retry = 0
        while true {
            try Task.checkCancellation()
            let attempt = retry + 1
            logger?.debug(
                "\(provider.displayName) \(operation): sending",
                metadata: ["request": "\(where_)", "attempt": "\(attempt)"])
            let response: ProviderHTTPResponse
            do {
                response = try await transport.send(request, timeout: timeout, logger: logger)
            } catch let error as TransportError {
                let canRetry = attempt < retryPolicy.maxAttempts && (error.nothingSent || kind == .read)
                logger?.warning(
                    "\(provider.displayName) \(operation): \(redact(error.detail))",
                    metadata: ["request": "\(where_)", "attempt": "\(attempt)", "willRetry": "\(canRetry)"])
                if canRetry {
                    try await clock.sleep(retryPolicy.delay(forRetry: retry))
                    retry += 1
                    continue
                }
                if kind == .create && !error.nothingSent {
                    throw ProviderError.mayHaveBeenSubmitted(redact(error.detail), provider: provider)
                }
                throw ProviderError.transport("\(operation): \(redact(error.detail))", provider: provider)
            }
            logger?.debug(
                "\(provider.displayName) \(operation): HTTP \(response.status)",
                metadata: ["request": "\(where_)", "attempt": "\(attempt)"])
            if retryPolicy.shouldRetry(status: response.status, kind: kind) && attempt < retryPolicy.maxAttempts {
                let retryAfter = RetryAfter.parse(response.headers.first(name: "Retry-After"), now: clock.now())
                if let retryAfter, retryAfter > retryPolicy.maximumRetryAfter {
                    logger?.warning(
                        "\(provider.displayName) \(operation): Retry-After \(retryAfter) is too long; giving up",
                        metadata: ["request": "\(where_)"])
                    return try finish(response, kind: kind)
                }
                let delay = retryAfter ?? retryPolicy.delay(forRetry: retry)
                logger?.notice(
                    "\(provider.displayName) \(operation): HTTP \(response.status), retrying",
                    metadata: ["request": "\(where_)", "attempt": "\(attempt)", "delay": "\(delay)"])
                try await clock.sleep(delay)
                retry += 1
                continue
            }
            return try finish(response, kind: kind)
        }
    }

    private func finish(_ response: ProviderHTTPResponse, kind: RequestKind) throws -> ProviderHTTPResponse {
        if kind == .create && response.status >= 500 {
            throw ProviderError.mayHaveBeenSubmitted(
                "HTTP \(response.status)\(snippetSuffix(response.body))", provider: provider)
        }
        return response
    }

    /// Reads the task id from a create answer. A 2xx answer that cannot be read may still have created a
    /// (billed) task, so a decoding failure there becomes ``ProviderError/Kind/mayHaveBeenSubmitted``.
    func readCreatedTaskID(_ response: ProviderHTTPResponse, _ read: () throws -> String) throws -> String {
        do {
            return try read()
        } catch let error as ProviderError where error.kind == .decoding && (200..<300).contains(response.status) {
            throw ProviderError.mayHaveBeenSubmitted("its answer could not be read: \(error)", provider: provider)
        }
    }

    /// Throws the matching ``ProviderError`` unless the status is 2xx.
    func checkStatus(_ response: ProviderHTTPResponse) throws {
        guard !(200..<300).contains(response.status) else { return }
        throw statusError(response)
    }

    /// The ``ProviderError`` for a non-2xx response.
    func statusError(_ response: ProviderHTTPResponse) -> ProviderError {
        switch response.status {
        case 401, 403:
            let message = errorMessage(response.body)
            return .authentication(
                "HTTP \(response.status)\(message.isEmpty ? "" : ": \(message)")", provider: provider)
        case 429:
            return .rateLimited(
                retryAfter: RetryAfter.parse(response.headers.first(name: "Retry-After"), now: clock.now()),
                provider: provider)
        default:
            return .httpStatus(response.status, bodySnippet: errorMessage(response.body), provider: provider)
        }
    }

    /// The most useful message in an error body: `detail`, `message`, `error.message`, or the text itself,
    /// shortened to 200 characters and with the key redacted.
    func errorMessage(_ body: Data) -> String {
        var text: String
        if let json = try? JSONValue.parse(body),
            let message = json.string(at: "detail") ?? json.string(at: "data.error.message")
                ?? json.string(at: "error.message") ?? json.string(at: "message") ?? json.string(at: "error")
        {
            text = message
        } else {
            text = String(decoding: body.prefix(400), as: UTF8.self)
        }
        text = text.replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
        if text.count > 200 { text = String(text.prefix(200)) + "..." }
        return redact(text)
    }

    private func snippetSuffix(_ body: Data) -> String {
        let message = errorMessage(body)
        return message.isEmpty ? "" : ": \(message)"
    }

    /// Removes the key from text that might echo it.
    func redact(_ text: String) -> String {
        apiKey?.redact(text) ?? text
    }

    /// Decodes a JSON body, mapping failures to a one-line ``ProviderError/Kind/decoding`` error.
    func decode<T: Decodable>(_ type: T.Type, from body: Data, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: body)
        } catch {
            throw ProviderError.decoding(what, detail: Self.describe(error), provider: provider)
        }
    }

    /// Parses a JSON body as a ``JSONValue``.
    func parseJSON(_ body: Data, what: String) throws -> JSONValue {
        do {
            return try JSONValue.parse(body)
        } catch {
            let preview = redact(String(decoding: body.prefix(80), as: UTF8.self))
            throw ProviderError.decoding(what, detail: "not JSON (starts with \"\(preview)\")", provider: provider)
        }
    }

    static func describe(_ error: any Error) -> String {
        switch error as? DecodingError {
        case .keyNotFound(let key, let context)?:
            return "missing \"\(path(context.codingPath + [key]))\""
        case .typeMismatch(let type, let context)?:
            return "\"\(path(context.codingPath))\" is not \(type)"
        case .valueNotFound(let type, let context)?:
            return "\"\(path(context.codingPath))\" is null, expected \(type)"
        case .dataCorrupted(let context)?:
            return context.codingPath.isEmpty ? "not valid JSON" : "\"\(path(context.codingPath))\" is invalid"
        default:
            return "\(error)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// A task id made safe for one URL path segment.
    static func pathSegment(_ id: String) -> String {
        id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/")))
            ?? id
    }
}
