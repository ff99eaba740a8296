import ClipProviders
import Foundation
import Hummingbird
import Logging

/// The server's mutable state: hosted files, callback tokens and whom each belongs to, seen events.
actor ServerState {
    /// Whom a callback token was issued to, and the provider task it carries once one was heard of.
    struct CallbackOwner {
        var provider: ProviderKind
        var reference: String
        var taskID: String?
    }

    private var files: [String: (name: String, path: String)] = [:]
    private var callbacks: [String: CallbackOwner] = [:]
    private let secret: String?
    private let onCallback: (@Sendable (ClipServer.Callback) async -> Void)?
    private let deduplicator = WebhookDeduplicator()
    private let logger: Logger

    init(secret: String?, onCallback: (@Sendable (ClipServer.Callback) async -> Void)?, logger: Logger) {
        self.secret = secret
        self.onCallback = onCallback
        self.logger = logger
    }

    func add(token: String, name: String, path: String) { files[token] = (name, path) }

    func allow(callbackToken: String, provider: ProviderKind, reference: String) {
        callbacks[callbackToken] = CallbackOwner(provider: provider, reference: reference)
    }

    func hostedFile(token: String, name: String) -> String? {
        guard let entry = files[token], entry.name == name else { return nil }
        return entry.path
    }

    /// Checks a callback posted to `/hooks/PROVIDER/TOKEN` and hands its event on.
    ///
    /// An unguessable token authenticates providers that sign nothing. It is only valid under the path
    /// of the provider it was issued for (404 otherwise, as for an unknown token, so a token cannot be
    /// probed across paths). When a PiAPI secret is configured, `x-webhook-secret` is checked whenever
    /// the token or the path is PiAPI's, before the body is parsed. A token carries one provider task:
    /// an event for another task under it is refused (409).
    func receive(provider: ProviderKind, token: String, secretHeader: String?, body: Data) async -> Response {
        guard var owner = callbacks[token], owner.provider == provider else {
            if callbacks[token] != nil {
                logger.warning("webhook token posted under another provider's path refused", metadata: ["path": "\(provider.rawValue)"])
            }
            return Response(status: .notFound)
        }
        if owner.provider == .piapi || provider == .piapi, let secret,
            !WebhookVerifier(secret: secret).isValid(headerValue: secretHeader)
        {
            logger.warning("webhook with a wrong or missing secret refused", metadata: ["provider": "\(provider.rawValue)"])
            return Response(status: .unauthorized)
        }
        guard let event = try? WebhookEvent.parse(body, provider: owner.provider) else {
            return Response(status: .badRequest)
        }
        if let taskID = owner.taskID, taskID != event.taskID {
            logger.warning("webhook for another task refused", metadata: ["provider": "\(provider.rawValue)", "reference": "\(owner.reference)"])
            return Response(status: .conflict)
        }
        owner.taskID = event.taskID
        callbacks[token] = owner
        if !(await deduplicator.shouldProcess(event)) { return Response(status: .ok) }
        logger.info("webhook", metadata: ["provider": "\(provider.rawValue)", "task": "\(event.taskID)", "reference": "\(owner.reference)"])
        await onCallback?(ClipServer.Callback(provider: owner.provider, reference: owner.reference, event: event))
        return Response(status: .ok)
    }
}
