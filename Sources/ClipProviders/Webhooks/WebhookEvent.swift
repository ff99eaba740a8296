import Foundation

/// What a provider callback says: which task, and a state hint.
///
/// A callback is only a hint: it is unauthenticated (Luma, KKIAI) or only carries a shared secret (PiAPI),
/// and may be retried or arrive out of order. Callers re-fetch the task before acting.
public struct WebhookEvent: Hashable, Sendable {
    public var provider: ProviderKind
    public var taskID: String
    /// The state the callback claims.
    public var stateHint: TaskState
    /// PiAPI's `timestamp` (changes on each retry), when present.
    public var timestamp: Int?
    /// The snapshot decoded from the body, where the body is a full task object.
    public var snapshot: TaskSnapshot?

    public init(
        provider: ProviderKind, taskID: String, stateHint: TaskState, timestamp: Int? = nil,
        snapshot: TaskSnapshot? = nil
    ) {
        self.provider = provider
        self.taskID = taskID
        self.stateHint = stateHint
        self.timestamp = timestamp
        self.snapshot = snapshot
    }

    /// Parses a callback body.
    ///
    /// - PiAPI: `{"timestamp": ..., "data": <task object as in GET /api/v1/task>}`.
    /// - Luma: the Generation object.
    /// - KKIAI: undocumented; read like its poll answers (`id/state`, `data.task_id/task_status`, relay rows).
    /// - Pixwith: sends none; parsed best effort like its poll answer.
    /// - Throws: ``ProviderError/Kind/decoding`` when no task id can be found.
    public static func parse(_ body: Data, provider: ProviderKind) throws -> WebhookEvent {
        guard let json = try? JSONValue.parse(body) else {
            throw ProviderError.decoding("callback body", detail: "not JSON", provider: provider)
        }
        let raw = SnapshotRedaction.redact(json, apiKey: nil)
        switch provider {
        case .piapi:
            let dataJSON = json["data"] ?? json
            guard let task = try? JSONDecoder().decode(PiAPIWire.TaskData.self, from: dataJSON.encoded()) else {
                throw ProviderError.decoding("callback body", detail: "missing data.task_id", provider: provider)
            }
            let snapshot = PiAPIClient.snapshot(task: task, raw: raw)
            return WebhookEvent(
                provider: provider, taskID: task.taskID, stateHint: snapshot.state,
                timestamp: json.number(at: "timestamp").map { Int($0) }, snapshot: snapshot)
        case .luma:
            guard let generation = try? JSONDecoder().decode(LumaWire.Generation.self, from: body) else {
                throw ProviderError.decoding("callback body", detail: "missing id", provider: provider)
            }
            let snapshot = LumaClient.snapshot(generation, raw: raw)
            return WebhookEvent(
                provider: provider, taskID: generation.id, stateHint: snapshot.state, snapshot: snapshot)
        case .kkiai:
            let answer = KKIAIWire.Answer(json: json)
            guard let id = answer.taskID else {
                throw ProviderError.decoding("callback body", detail: "no id or task_id", provider: provider)
            }
            let snapshot = KKIAIClient.snapshot(answer, fallbackID: id, raw: raw)
            return WebhookEvent(provider: provider, taskID: id, stateHint: snapshot.state, snapshot: snapshot)
        case .pixwith:
            let data = json["data"] ?? json
            guard let id = data.string(at: "task_id"), !id.isEmpty else {
                throw ProviderError.decoding("callback body", detail: "missing task_id", provider: provider)
            }
            let snapshot = PixwithClient.snapshot(data: data, fallbackID: id, raw: raw)
            return WebhookEvent(provider: provider, taskID: id, stateHint: snapshot.state, snapshot: snapshot)
        }
    }
}
