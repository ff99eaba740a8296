import Foundation
import HTTPTypes
import Hummingbird

/// Records every create (and extend) call before its route sees it: provider, path, the body as received,
/// then the task it made and the HTTP status it was answered with. Tests read the list through
/// ``SandboxServer/creates()`` or `GET /_sandbox/creates`, to assert "exactly one create per segment" and
/// "QA used the request that was sent".
struct CreateCallRecorder<Context: RequestContext>: RouterMiddleware {
    let store: TaskStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard request.method == .post, let provider = createProvider(path: request.uri.path) else {
            return try await next(request, context)
        }
        var request = request
        let body = (try? await request.collectBody(upTo: WireSupport.maximumBodyBytes)) ?? ByteBuffer()
        let call = await store.beginCreate(provider, path: request.uri.path, body: String(buffer: body))
        do {
            let response = try await CreateCallContext.$current.withValue(call) { try await next(request, context) }
            await store.finishCreate(call, status: Int(response.status.code))
            return response
        } catch {
            await store.finishCreate(call, status: (error as? any HTTPResponseError).map { Int($0.status.code) })
            throw error
        }
    }

    /// The provider whose create route `path` is, if it is one.
    func createProvider(path: String) -> SandboxProvider? {
        switch path {
        case "/api/v1/task": return .piapi
        case "/luma/generations": return .kkiai
        case "/api/task/create": return .pixwith
        case "/dream-machine/v1/generations", "/dream-machine/v1/generations/video": return .luma
        default:
            return path.hasPrefix("/luma/generations/") && path.hasSuffix("/extend") ? .kkiai : nil
        }
    }
}

/// The create call being answered by the current task, so ``SandboxEngine/accept(_:)`` can note its task id.
enum CreateCallContext {
    @TaskLocal static var current: Int?
}

/// One create (or extend) call as the sandbox received it.
public struct SandboxCreateCall: Sendable, Codable, Hashable {
    /// 1, 2, 3 ... in arrival order, across providers.
    public var sequence: Int
    public var provider: SandboxProvider
    public var path: String
    public var receivedAt: Date
    /// The request body exactly as received (JSON text for every documented route).
    public var body: String
    /// The task the call created, if it created one.
    public var taskID: String?
    /// The HTTP status it was answered with; nil while the answer is still pending.
    public var status: Int?

    /// The body parsed as a JSON object, if it is one.
    public var json: [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
    }
}
