import Foundation

/// A batch file: one JSON job a line (`{"id": "c1", "kind": "extend", "provider": "kkiai", "prompts": [...],
/// "segments": 3, ...}`, `"kind": "generate"`, `"kind": "check"` with a `"path"`). Every line is parsed and
/// checked before anything is enqueued; the first bad line refuses the whole file, naming its line number.
public struct BatchFile: Sendable {
    public struct Line: Sendable, Hashable {
        public var number: Int
        public var id: String
        public var kind: String
        public var provider: String?
        /// The line's JSON object, re-serialized (sorted keys).
        public var spec: String
    }

    public static let kinds: Set<String> = ["extend", "generate", "check"]

    public let name: String
    public let lines: [Line]

    /// `name` is the batch's name in the queue (the file's name); `rewrite` may adjust a line's object
    /// (for example make relative paths absolute) after it was checked.
    public init(name: String, text: String, rewrite: (inout [String: Any]) -> Void = { _ in }) throws(QueueError) {
        self.name = name
        var lines: [Line] = []
        var seen: [String: Int] = [:]
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let number = offset + 1
            let trimmed = raw.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            func bad(_ message: String) -> QueueError { QueueError.invalidInput("\(name):\(number): \(message)") }
            guard let data = trimmed.data(using: .utf8),
                  let parsed = try? JSONSerialization.jsonObject(with: data), var object = parsed as? [String: Any]
            else { throw bad("not a JSON object") }
            guard let id = object["id"] as? String, !id.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw bad("\"id\" must be a non-empty string")
            }
            if let first = seen[id] { throw bad("job id '\(id)' is already used on line \(first)") }
            seen[id] = number
            guard let kind = object["kind"] as? String, Self.kinds.contains(kind) else {
                throw bad("\"kind\" must be one of \(Self.kinds.sorted().joined(separator: ", "))")
            }
            if let problem = Self.problem(in: object, kind: kind) { throw bad(problem) }
            rewrite(&object)
            guard let encoded = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]),
                  let spec = String(data: encoded, encoding: .utf8)
            else { throw bad("cannot re-encode the line") }
            lines.append(Line(number: number, id: id, kind: kind, provider: object["provider"] as? String, spec: spec))
        }
        guard !lines.isEmpty else { throw QueueError.invalidInput("\(name): no jobs (one JSON object a line)") }
        self.lines = lines
    }

    /// What is wrong with a line of this kind, if anything.
    static func problem(in object: [String: Any], kind: String) -> String? {
        func positiveNumber(_ key: String) -> String? {
            guard let value = object[key] else { return nil }
            guard let number = value as? NSNumber, !(value is Bool), number.doubleValue > 0 else {
                return "\"\(key)\" must be a positive number"
            }
            return nil
        }
        func string(_ key: String, required: Bool) -> String? {
            guard let value = object[key] else { return required ? "a \(kind) job needs \"\(key)\"" : nil }
            guard let text = value as? String, !text.isEmpty else { return "\"\(key)\" must be a non-empty string" }
            return nil
        }
        switch kind {
        case "check":
            return string("path", required: true) ?? string("preset", required: false)
        case "extend", "generate":
            if let problem = string("provider", required: true) ?? string("output", required: false)
                ?? string("aspect", required: false) ?? string("resolution", required: false)
                ?? positiveNumber("duration") { return problem }
            if let segments = object["segments"] {
                guard let number = segments as? NSNumber, !(segments is Bool), number.doubleValue >= 1,
                      number.doubleValue == number.doubleValue.rounded()
                else { return "\"segments\" must be a whole number of at least 1" }
            } else if kind == "extend" {
                return "an extend job needs \"segments\""
            }
            let prompts = object["prompts"] as? [Any] ?? (object["prompt"].map { [$0] } ?? [])
            if prompts.isEmpty { return "a \(kind) job needs \"prompts\" (a list) or \"prompt\"" }
            if !prompts.allSatisfy({ ($0 as? String).map { !$0.isEmpty } ?? false }) {
                return "every prompt must be a non-empty string"
            }
            return nil
        default:
            return "unknown kind \(kind)"
        }
    }

    /// The jobs to enqueue: a `check` job starts with its `check` step; `extend` and `generate` jobs with the
    /// `submit` of segment 0, which uses its provider's capacity.
    public var jobs: [NewJob] {
        lines.map { line in
            let first: NewStep = line.kind == "check"
                ? NewStep(segment: 0, kind: "check", maxAttempts: 2)
                : NewStep(segment: 0, kind: "submit", provider: line.provider)
            return NewJob(id: line.id, batch: name, kind: line.kind, spec: line.spec, firstSteps: [first])
        }
    }
}
