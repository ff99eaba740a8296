import Foundation
import HTTPTypes
import Hummingbird

/// The sandbox's own endpoints for tests: `GET /_sandbox/tasks` (every task and the create-call counts),
/// `GET /_sandbox/creates[?provider=kkiai]` (every create call with its body as received, its task id and
/// status), `GET /_sandbox/faults` and `POST /_sandbox/faults` (add faults at run time).
enum AdminRoutes {
    static func register(on router: Router<BasicRequestContext>, engine: SandboxEngine) {
        router.get("/_sandbox/tasks") { _, _ in
            let inspection = await engine.store.inspection()
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = try encoder.encode(inspection)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
        }
        router.get("/_sandbox/creates") { request, _ in
            var provider: SandboxProvider?
            if let name = request.uri.queryParameters.get("provider") {
                guard let known = SandboxProvider(rawValue: name) else {
                    return WireSupport.json(
                        ["error": .string("unknown provider '\(name)'; known: piapi, kkiai, pixwith, luma")],
                        status: .badRequest)
                }
                provider = known
            }
            let calls = await engine.store.createCalls(of: provider)
            return WireSupport.json(["creates": .array(calls.map(createJSON))])
        }
        router.get("/_sandbox/faults") { _, _ in
            WireSupport.json(["faults": .string(await engine.faults.remaining.description)])
        }
        router.post("/_sandbox/faults") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 64 * 1024)
            do {
                let faults = try parse(String(buffer: body))
                await engine.faults.add(faults)
                return WireSupport.json(["faults": .string(await engine.faults.remaining.description)])
            } catch let error as SandboxError {
                return WireSupport.json(["error": .string(error.message)], status: .badRequest)
            }
        }
    }

    /// One create call as JSON: the body embedded as parsed JSON (or as text when it is not JSON).
    static func createJSON(_ call: SandboxCreateCall) -> JSONValue {
        [
            "sequence": .int(call.sequence), "provider": .string(call.provider.rawValue), "path": .string(call.path),
            "received_at": WireSupport.timestamp(call.receivedAt),
            "body": (try? JSONValue.parse(Data(call.body.utf8))) ?? .string(call.body),
            "task_id": .string(call.taskID), "status": call.status.map { .int($0) } ?? .null,
        ]
    }

    /// Accepts a JSON object of counts (`{"fail-task": 1}`), `{"spec": "fail-task:1"}`, or the bare spec text.
    static func parse(_ text: String) throws -> SandboxFaults {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{") else { return try SandboxFaults(spec: trimmed) }
        guard let object = (try? JSONValue.parse(Data(trimmed.utf8)))?.objectValue else {
            throw SandboxError.invalidFaultSpec("the faults body is not a JSON object")
        }
        if let spec = object["spec"]?.stringValue { return try SandboxFaults(spec: spec) }
        var counts: [SandboxFault: Int] = [:]
        for key in object.keys {
            guard let fault = SandboxFault(rawValue: key) else {
                throw SandboxError.invalidFaultSpec(
                    "unknown fault '\(key)'; known faults: \(SandboxFault.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            guard let count = object[key]?.intValue, count >= 0 else {
                throw SandboxError.invalidFaultSpec("fault '\(key)' needs a count ≥ 0")
            }
            counts[fault] = count
        }
        return SandboxFaults(counts)
    }
}
