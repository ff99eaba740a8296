import ClipProviders
import Foundation
import Logging
import NIOHTTP1

/// An ``HTTPTransport`` that answers from a script and records every request.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    typealias Step = Result<ProviderHTTPResponse, TransportError>

    private let lock = NSLock()
    private var steps: [Step]
    private var _requests: [ProviderHTTPRequest] = []

    init(_ steps: [Step]) {
        self.steps = steps
    }

    /// A transport answering every request with the same JSON body.
    convenience init(status: Int = 200, json: Data, headers: HTTPHeaders = [:]) {
        self.init(
            Array(repeating: .success(ProviderHTTPResponse(status: status, headers: headers, body: json)), count: 50))
    }

    var requests: [ProviderHTTPRequest] {
        lock.lock()
        defer { lock.unlock() }
        return _requests
    }

    func send(_ request: ProviderHTTPRequest, timeout: Duration, logger: Logger?) async throws -> ProviderHTTPResponse {
        let step: Step = {
            lock.lock()
            defer { lock.unlock() }
            _requests.append(request)
            return steps.isEmpty
                ? .failure(TransportError(nothingSent: true, detail: "script exhausted")) : steps.removeFirst()
        }()
        return try step.get()
    }

    static func response(_ status: Int, _ body: String = "{}", headers: HTTPHeaders = [:]) -> Step {
        .success(ProviderHTTPResponse(status: status, headers: headers, body: Data(body.utf8)))
    }

    static func response(_ status: Int, data: Data) -> Step {
        .success(ProviderHTTPResponse(status: status, body: data))
    }
}
