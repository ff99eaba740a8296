import Foundation

extension SandboxEngine {
    /// Sends the provider's callback for `task`'s current state, where the provider sends one:
    /// PiAPI on processing and on completion/failure, Luma on dreaming/completed/failed, KKIAI on completion.
    func notify(_ task: SandboxTask) async {
        guard let url = task.spec.callbackURL, !url.isEmpty else { return }
        let links = if let clip = task.clip { await links(for: clip) } else { ClipLinks?.none }
        switch task.provider {
        case .piapi:
            var headers: [(String, String)] = []
            if let secret = task.spec.webhookSecret, !secret.isEmpty { headers.append(("x-webhook-secret", secret)) }
            let body: JSONValue = [
                "timestamp": .int(Int(Date().timeIntervalSince1970)), "data": PiAPIWire.data(of: task, links: links),
            ]
            if await webhooks.deliver(body, to: url, headers: headers) { await store.noteWebhookDelivered(task.id) }
        case .luma:
            if await webhooks.deliver(LumaWire.generation(task, links: links), to: url) { await store.noteWebhookDelivered(task.id) }
        case .kkiai:
            guard task.state.isTerminal else { return }
            if await webhooks.deliver(KKIAIWire.answer(task, links: links, family: configuration.kkiaiAnswers), to: url) {
                await store.noteWebhookDelivered(task.id)
            }
        case .pixwith:
            return  // no documented webhook
        }
    }
}
