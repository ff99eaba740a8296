import Foundation

/// Validates `--json` outputs against their schemas in docs/schemas (python3's jsonschema, draft 2020-12;
/// scripts/setup.sh installs it), and finds keys that are not snake_case. Shared by every test target that
/// runs a command with `--json`.
public enum JSONSchemaValidation {
    /// The repository this file belongs to.
    public static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// docs/schemas/`name`.schema.json.
    public static func schema(_ name: String) -> String {
        repository.appendingPathComponent("docs/schemas/\(name).schema.json").path
    }

    /// Validates `json` against the schema `name`; returns the validator's complaints (empty when valid).
    /// Blocks while python3 runs: from async code use ``violations(of:schema:)``.
    public static func violations(_ json: String, schema name: String) throws -> [String] {
        let script = """
            import json, sys
            import jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft202012Validator.check_schema(schema)
            document = json.loads(sys.stdin.read())
            errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.path))
            for e in errors:
                print("/".join(map(str, e.path)) + ": " + e.message)
            """
        let run = try ChildProcess.runBlocking("/usr/bin/env", ["python3", "-c", script, schema(name)], input: json, timeout: 120)
        let text = run.stdout
        guard run.status == 0 else {
            return ["the validator did not run (python3 with jsonschema >= 4 needed; scripts/setup.sh installs it): \(run.stderr)"]
        }
        return text.split(separator: "\n").map(String.init)
    }

    /// ``violations(_:schema:)`` for async tests: waits on its own thread, never on a cooperative one.
    public static func violations(of json: String, schema name: String) async throws -> [String] {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try violations(json, schema: name) })
            }
        }
    }

    /// Keys that are not snake_case, anywhere in the document.
    public static func nonSnakeKeys(_ json: String) throws -> [String] {
        var found: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                for (key, inner) in object {
                    if key.range(of: "^[a-z][a-z0-9_]*$", options: .regularExpression) == nil { found.append(key) }
                    walk(inner)
                }
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(json.utf8)))
        return found
    }
}
