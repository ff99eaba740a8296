import Foundation
import Testing

@testable import ClipSandbox

/// The text-to-video example of the Pixwith seed.
let pixwithSeedBody: JSONValue = [
    "prompt": "A cat walking in the garden", "model_id": "2-4",
    "options": [
        "prompt_optimization": true, "aspect_ratio": "16:9", "resolution": "540p", "duration": 5, "loop": false,
    ],
]

struct PixwithWireTests {
    @Test func createThenGetReportsIntegerStatusesAndResultURLs() async throws {
        try await withSandbox { _, client in
            let created = try await client.send(
                .POST, "/api/task/create", headers: client.pixwith, json: pixwithSeedBody)
            #expect(created.status == 200)
            #expect(created.json["code"]?.intValue == 1)
            #expect(created.json["message"]?.stringValue == "success")
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            #expect(id.count == 32)
            #expect(created.json["data"]?["estimated_time"]?.intValue != nil)

            let done = try await client.pixwithTask(id).json
            #expect(done["code"]?.intValue == 1)
            #expect(done["data"]?["task_id"]?.stringValue == id)
            #expect(done["data"]?["status"]?.intValue == 2)
            let url = try #require(done["data"]?["result_urls"]?.arrayValue?.first?.stringValue)
            let path = try await client.download(url)
            let probe = try MediaOracle.probe(path)
            #expect(probe.width == 240 && probe.height == 136, "960x540 x 0.25 → 240x135, rounded to even 240x136")
        }
    }

    @Test func aBadKeyAnswersCodeTwo() async throws {
        try await withSandbox { _, client in
            let response = try await client.send(
                .POST, "/api/task/create", headers: [("Api-Key", "key_00000000000000000000000000000000")],
                json: pixwithSeedBody)
            #expect(response.json["code"]?.intValue == 2)
            #expect(response.json["message"]?.stringValue == PixwithWire.invalidKeyMessage)
        }
    }

    @Test(arguments: [("duration", JSONValue.int(10)), ("resolution", "1080p"), ("aspect_ratio", "2:1")])
    func rejectsValuesPixwithDoesNotTake(field: String, value: JSONValue) async throws {
        try await withSandbox { server, client in
            var options = pixwithSeedBody["options"]!.objectValue!
            options[field] = value
            var body = pixwithSeedBody.objectValue!
            body["options"] = .object(options)
            let response = try await client.send(
                .POST, "/api/task/create", headers: client.pixwith, json: .object(body))
            #expect(response.json["code"]?.intValue == 0)
            #expect(response.json["message"]?.stringValue?.contains("options.\(field)") == true)
            #expect(await server.inspect().createCalls(for: .pixwith) == 1)
            #expect(await server.inspect().tasks.isEmpty)
        }
    }

    @Test func unknownTaskAnswersCodeZero() async throws {
        try await withSandbox { _, client in
            let response = try await client.send(
                .POST, "/api/task/get", headers: client.pixwith, json: ["task_id": "nope"])
            #expect(response.json["code"]?.intValue == 0)
        }
    }
}
