import ClipMedia
import Foundation
import Testing

@testable import ClipSandbox

/// The seed body of /work/shared/seeds (PiAPI create task), with the images replaced by data URIs.
func piapiSeedBody(
    startImage: String? = nil, endImage: String? = nil, webhook: String = "", secret: String = "", duration: Int = 5
) -> JSONValue {
    var input: JSONObject = [
        "model": "ray-v2",
        "prompt":
            "A cinematic anime character intimate closeup, she is sitting at a cafe on a busy city street in the morning",
        "duration": .int(duration),
        "aspect_ratio": "16:9",
    ]
    if let startImage { input["start_image"] = .string(startImage) }
    if let endImage { input["end_image"] = .string(endImage) }
    input["loop"] = false
    return [
        "model": "luma",
        "task_type": "video_generation",
        "input": .object(input),
        "config": ["webhook_config": ["endpoint": .string(webhook), "secret": .string(secret)]],
    ]
}

struct PiAPIWireTests {
    @Test func createAnswersTheDocumentedPendingEnvelope() async throws {
        try await withSandbox(.init(stepDelay: 30, renderScale: 0.25)) { _, client in
            let response = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody())
            #expect(response.status == 200)
            let json = response.json
            #expect(json["code"]?.intValue == 200)
            #expect(json["message"]?.stringValue == "success")
            let data = try #require(json["data"])
            #expect(data["task_id"]?.stringValue?.count == 36)
            #expect(data["model"]?.stringValue == "luma")
            #expect(data["task_type"]?.stringValue == "video_generation")
            #expect(data["status"]?.stringValue == "pending")
            #expect(data["output"] == .null)
            #expect(data["input"]?["model"]?.stringValue == "ray-v2")
            #expect(data["input"]?["duration"]?.intValue == 5)
            #expect(data["config"]?["webhook_config"]?["endpoint"]?.stringValue == "")
            #expect(data["meta"]?["started_at"]?.stringValue == "0001-01-01T00:00:00Z")
            #expect(data["error"]?["code"]?.intValue == 0)
            #expect(data["logs"] == .array([]))
            #expect(data["detail"] == .null)
        }
    }

    @Test func completedTaskCarriesVideoRawThumbnailAndLastFrame() async throws {
        try await withSandbox { _, client in
            let created = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody())
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            let done = try await client.piapiTask(id).json["data"]
            #expect(done?["status"]?.stringValue == "completed")
            let output = try #require(done?["output"])
            #expect(output["internal_state"]?.stringValue == "completed")
            for key in ["video", "video_raw", "thumbnail", "last_frame"] {
                #expect(output[key]?["url"]?.stringValue?.hasPrefix(client.baseURL + "/files/") == true, "\(key)")
                #expect(output[key]?["width"]?.intValue == 340, "\(key): 1360 x 0.25")
                #expect(output[key]?["height"]?.intValue == 188, "\(key): 752 x 0.25")
            }
            #expect(output["video"]?["url"] != output["video_raw"]?["url"])
            #expect(done?["meta"]?["usage"]?["consume"]?.intValue == 2_000_000)
            #expect(done?["meta"]?["ended_at"]?.stringValue != "0001-01-01T00:00:00Z")
        }
    }

    @Test func refusesAMissingOrWrongKey() async throws {
        try await withSandbox { server, client in
            let missing = try await client.send(.POST, "/api/v1/task", json: piapiSeedBody())
            #expect(missing.status == 401)
            #expect(missing.json["code"]?.intValue == 401)
            let wrong = try await client.send(.GET, "/api/v1/task/x", headers: [("x-api-key", "nope")])
            #expect(wrong.status == 401)
            #expect(!wrong.text.contains(SandboxConfiguration.defaultAPIKey))
            #expect(await server.inspect().tasks.isEmpty)
        }
    }

    @Test(arguments: [9, 3])
    func rejectsADurationOtherThanFiveOrTen(seconds: Int) async throws {
        try await withSandbox { _, client in
            let response = try await client.send(
                .POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody(duration: seconds))
            #expect(response.status == 400)
            #expect(response.json["code"]?.intValue == 400)
            #expect(response.json["message"]?.stringValue?.contains("5 or 10") == true)
        }
    }

    @Test func acceptsDialectBKeyFrames() async throws {
        try await withSandbox { server, client in
            let image = try TestImages.dataURI(TestImages.pattern(width: 64, height: 36, seed: 1))
            let body: JSONValue = [
                "model": "luma", "task_type": "video_generation",
                "input": [
                    "prompt": "dolly forward", "model_name": "ray-v2", "duration": 5, "aspect_ratio": "4:3",
                    "key_frames": ["frame0": ["type": "image", "url": .string(image)]],
                ],
            ]
            let created = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: body)
            #expect(created.status == 200, "\(created.text)")
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            let done = try await client.piapiTask(id).json["data"]
            #expect(done?["output"]?["video_raw"]?["width"]?.intValue == 288, "1152 x 0.25")
            #expect(done?["output"]?["video_raw"]?["height"]?.intValue == 216, "864 x 0.25")
            #expect(await server.inspect().tasks.first?.startImageSHA256 != nil)
        }
    }

    @Test func extendVideoStartsOnTheSourceTasksLastFrame() async throws {
        try await withSandbox { server, client in
            let created = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody())
            let sourceID = try #require(created.json["data"]?["task_id"]?.stringValue)
            _ = try await client.piapiTask(sourceID)
            let body: JSONValue = [
                "model": "luma", "task_type": "extend_video",
                "input": [
                    "prompt": "she stands up", "model_name": "ray-v2", "duration": 5,
                    "key_frames": ["frame0": ["type": "generation", "id": .string(sourceID)]],
                ],
            ]
            let extended = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: body)
            #expect(extended.json["data"]?["task_type"]?.stringValue == "extend_video", "\(extended.text)")
            let id = try #require(extended.json["data"]?["task_id"]?.stringValue)
            #expect(try await client.piapiTask(id).json["data"]?["status"]?.stringValue == "completed")
            let record = try #require(await server.inspect().tasks.first { $0.id == id })
            let lastFrame = try ImageCodec.read(
                path: server.storageDirectory.appendingPathComponent("\(sourceID)_last_frame.png").path)
            #expect(record.startImageSHA256 == TestImages.sha256(lastFrame))

            let unknown: JSONValue = [
                "model": "luma", "task_type": "extend_video",
                "input": ["prompt": "x", "key_frames": ["frame0": ["type": "generation", "id": "missing"]]],
            ]
            let refused = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: unknown)
            #expect(refused.status == 400)
        }
    }

    @Test func cancelsOnlyWhilePending() async throws {
        try await withSandbox(.init(stepDelay: 30, renderScale: 0.25)) { server, client in
            let created = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody())
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            let cancelled = try await client.send(.DELETE, "/api/v1/task/\(id)", headers: client.piapi)
            #expect(cancelled.status == 200)
            #expect(cancelled.json["data"]?["status"]?.stringValue == "cancelled")
            let again = try await client.send(.DELETE, "/api/v1/task/\(id)", headers: client.piapi)
            #expect(again.status == 400)
            #expect(again.json["message"]?.stringValue?.contains("only a pending task") == true)
            #expect(await server.inspect().tasks.first?.state == .cancelled)
        }
    }

    @Test func unknownTaskIsNotFound() async throws {
        try await withSandbox { _, client in
            let response = try await client.send(
                .GET, "/api/v1/task/00000000-0000-0000-0000-000000000000", headers: client.piapi)
            #expect(response.status == 404)
            #expect(response.json["code"]?.intValue == 404)
        }
    }

    @Test func ephemeralUploadReturnsAURLThatServesTheBytes() async throws {
        try await withSandbox { _, client in
            let bytes = Data((0..<1000).map { UInt8($0 % 251) })
            let response = try await client.send(
                .POST, "/api/ephemeral_resource", headers: client.piapi,
                json: ["file_name": "frame.png", "file_data": .string(bytes.base64EncodedString())])
            #expect(response.json["code"]?.intValue == 200)
            let url = try #require(response.json["data"]?["url"]?.stringValue)
            let fetched = try await client.send(.GET, url)
            #expect(fetched.status == 200)
            #expect(fetched.data == bytes)

            let bad = try await client.send(
                .POST, "/api/ephemeral_resource", headers: client.piapi,
                json: ["file_name": "x.exe", "file_data": "AAAA"])
            #expect(bad.status == 400)
            #expect(bad.json["message"]?.stringValue?.hasPrefix("Invalid request parameters") == true)
        }
    }
}
