import Foundation

extension LumaClient {
    /// Luma lists generations (`GET /generations`) and echoes each one's request, so a create whose
    /// answer was lost can be found: same prompt, model, duration, aspect, resolution, loop, keyframes and
    /// callback URL, created at or after `since` (less a minute for clock skew).
    public func findSubmittedTask(for request: GenerationRequest, since: Date) async throws -> TaskLookup {
        let sent = try JSONValue.parse(createBody(for: request))
        let response = try await http.send(
            .GET, try http.url(Self.generationsPath + "?limit=100&offset=0"), headers: try headers(), kind: .read,
            operation: "list generations")
        try http.checkStatus(response)
        let answer = try http.parseJSON(response.body, what: "generation list")
        let rows: [JSONValue]
        if case .array(let list)? = answer["generations"] {
            rows = list
        } else if case .array(let list) = answer {
            rows = list
        } else {
            throw ProviderError.decoding("generation list", detail: "no generations array", provider: kind)
        }
        let earliest = since.addingTimeInterval(-60)
        let fields = ["prompt", "model", "duration", "aspect_ratio", "resolution", "loop", "keyframes", "callback_url"]
        var matches: [String] = []
        for row in rows {
            guard let id = row.string(at: "id"), let echoed = row["request"] else { continue }
            if let created = row.string(at: "created_at").flatMap(Self.parseDate), created < earliest { continue }
            let same = fields.allSatisfy { field in
                let a = sent[field], b = echoed[field]
                if field == "loop" { return (a ?? .bool(false)) == (b ?? .bool(false)) }
                return a == b
            }
            if same { matches.append(id) }
        }
        switch matches.count {
        case 0: return .notFound
        case 1: return .found(taskID: matches[0])
        default: return .ambiguous(taskIDs: matches)
        }
    }

    static func parseDate(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}
