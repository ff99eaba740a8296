import ClipProviders
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// The fleet's webhook callbacks: a submit's URL names the step's client reference and carries
/// `base64url(HMAC-SHA256(fleetKey, "fleet:PROVIDER:REFERENCE"))`, so any worker that shares the queue's key
/// can check a callback, whichever worker sent the task, and a URL opens one reference of one provider only.
///
/// A verified callback only wakes the segment's waiting `await` step: its body changes nothing, and the
/// step still polls the provider for the truth. A lost callback costs only the poll back-off.
public struct FleetWebhooks: Sendable {
    /// How providers reach the workers' webhook port (a tunnel or load balancer), e.g. `https://hooks.example.com`.
    public var publicURL: URL
    private let token: WebhookToken

    /// - Parameter key: the fleet's key (``PostgresJobQueue/webhookKey()``, base64url).
    public init?(key: String, publicURL: URL) {
        guard let token = WebhookToken(encodedSecret: key) else { return nil }
        self.token = token
        self.publicURL = publicURL
    }

    /// The callback for one submit: its URL, and for PiAPI the secret it sends back in `x-webhook-secret`.
    public func callback(for provider: ProviderKind, clientRef: UUID) -> (url: URL, secret: String?) {
        let reference = clientRef.uuidString.lowercased()
        let url = publicURL.appendingPathComponent("hooks").appendingPathComponent(provider.rawValue)
            .appendingPathComponent(reference).appendingPathComponent(token.token(for: Self.urlKey(provider, reference)))
        let secret = provider.profile.webhooks == .sharedSecretHeader ? token.token(for: "fleet-secret:\(reference)") : nil
        return (url, secret)
    }

    /// Whether a callback posted to `/hooks/PROVIDER/REFERENCE/TOKEN` (with PiAPI's secret header) is one
    /// this fleet issued.
    public func isValid(provider: ProviderKind, clientRef: UUID, token received: String, secretHeader: String?) -> Bool {
        let reference = clientRef.uuidString.lowercased()
        guard token.isValid(received, for: Self.urlKey(provider, reference)) else { return false }
        if provider.profile.webhooks == .sharedSecretHeader {
            guard let secretHeader else { return false }
            return WebhookVerifier(secret: token.token(for: "fleet-secret:\(reference)")).isValid(headerValue: secretHeader)
        }
        return true
    }

    private static func urlKey(_ provider: ProviderKind, _ reference: String) -> String {
        "fleet:\(provider.rawValue):\(reference)"
    }
}

/// A worker's webhook listener: `POST /hooks/PROVIDER/REFERENCE/TOKEN`. A verified callback wakes the
/// segment's waiting steps through `wake` (the reference and the task id the callback names); anything
/// else is refused with a 4xx and wakes nothing. Each callback's outcome is reported once to `observe`.
public final class FleetWebhookServer: Sendable {
    /// What became of one callback.
    public enum Outcome: String, Sendable, CaseIterable {
        /// Verified, and it made its segment's waiting step claimable.
        case woke
        /// Verified, but no step was waiting for it, even after the retries (a late or repeated callback).
        case noWaitingStep = "no_waiting_step"
        /// Verified, but the queue could not be reached to wake the step (the poll will find the render).
        case wakeFailed = "wake_failed"
        /// Not a callback this fleet issued: a wrong token, or a reference or provider it was not signed for.
        case rejected
        /// Not a callback at all: an unknown provider, a reference that is not a UUID, an unreadable body.
        case malformed
    }

    /// Reports a callback's outcome: the provider its path names (`unknown` when it names none ClipKit has),
    /// and the seconds from its arrival to that outcome.
    public typealias Observe = @Sendable (_ provider: String, _ outcome: Outcome, _ seconds: Double) -> Void

    /// The address it listens on, e.g. `http://127.0.0.1:8710`.
    public let localURL: URL
    public let port: Int
    private let serverTask: Task<Void, any Error>

    /// Wakes the steps of the segment whose submit had `clientRef` and recorded `taskID`; returns how many.
    public typealias Wake = @Sendable (_ clientRef: UUID, _ taskID: String) async throws -> Int

    private init(localURL: URL, port: Int, serverTask: Task<Void, any Error>) {
        self.localURL = localURL
        self.port = port
        self.serverTask = serverTask
    }

    /// Binds and starts the listener; returns once it accepts connections.
    /// - Parameter retryDelays: when a callback wakes nothing, it is tried again after these pauses (the
    ///   callback may come before the submit's outcome, and so its `await` step, is recorded).
    /// - Parameter observe: told each callback's outcome once (for a verified one, when its wake is done).
    public static func start(
        host: String = "127.0.0.1", port: Int, webhooks: FleetWebhooks, logger: Logger,
        retryDelays: [Double] = [0.5, 1, 2, 4, 8, 15, 30], observe: @escaping Observe = { _, _, _ in },
        wake: @escaping Wake
    ) async throws -> FleetWebhookServer {
        let router = Router(context: BasicRequestContext.self)
        router.post("/hooks/{provider}/{reference}/{token}") { request, context -> Response in
            let arrived = ContinuousClock.now
            let report: @Sendable (String, Outcome) -> Void = { provider, outcome in
                observe(provider, outcome, (ContinuousClock.now - arrived) / .seconds(1))
            }
            guard let provider = ProviderKind(rawValue: try context.parameters.require("provider")) else {
                report("unknown", .malformed)
                return Response(status: .notFound)
            }
            guard let reference = UUID(uuidString: try context.parameters.require("reference")) else {
                report(provider.rawValue, .malformed)
                return Response(status: .notFound)
            }
            let token = try context.parameters.require("token")
            let secretHeader = request.headers[HTTPField.Name(WebhookVerifier.piapiSecretHeader)!]
            guard webhooks.isValid(provider: provider, clientRef: reference, token: token, secretHeader: secretHeader) else {
                logger.warning("webhook refused: not a callback this fleet issued", metadata: ["provider": "\(provider.rawValue)"])
                report(provider.rawValue, .rejected)
                return Response(status: .notFound)
            }
            let body: ByteBuffer
            do {
                guard let collected = try await BodyReader.collect(request.body, upTo: 4 << 20, within: .seconds(30)) else {
                    report(provider.rawValue, .malformed)
                    return Response(status: .requestTimeout, headers: [.connection: "close"])
                }
                body = collected
            } catch {
                report(provider.rawValue, .malformed)
                throw error
            }
            guard let event = try? WebhookEvent.parse(Data(buffer: body), provider: provider), !event.taskID.isEmpty else {
                report(provider.rawValue, .malformed)
                return Response(status: .badRequest)
            }
            let taskID = event.taskID
            Task {
                var failed = false
                for delay in [0] + retryDelays {
                    if delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
                    do {
                        let woken = try await wake(reference, taskID)
                        failed = false
                        logger.info("webhook woke \(woken) step(s)", metadata: [
                            "provider": "\(provider.rawValue)", "task": "\(taskID)", "reference": "\(reference)"])
                        if woken > 0 {
                            report(provider.rawValue, .woke)
                            return
                        }
                    } catch {
                        failed = true
                        logger.warning("webhook: cannot wake the steps of task \(taskID): \(error)")
                    }
                }
                report(provider.rawValue, failed ? .wakeFailed : .noWaitingStep)
            }
            return Response(status: .accepted)
        }
        let (boundPort, task) = try await HTTPListener.start(
            router, host: host, port: port, idleTimeout: .seconds(30), what: "webhooks", logger: logger)
        return FleetWebhookServer(localURL: HTTPListener.url(host: host, port: boundPort), port: boundPort, serverTask: task)
    }

    public func stop() async {
        serverTask.cancel()
        _ = await serverTask.result
    }
}
