import ClipMedia
import Foundation
import Testing

@testable import ClipSandbox

/// The request example of the KKIAI seed.
let kkiaiSeedBody: JSONValue = [
    "user_prompt": "A gust of wind passes through the woods, causing the woman's veil to flutter gently.",
    "model_name": "ray-v2",
    "duration": "5s",
    "resolution": "720p",
]

struct KKIAIWireTests {
    @Test func createAnswersTheLumaLikeGenerationObject() async throws {
        try await withSandbox(.init(stepDelay: 30, renderScale: 0.25)) { _, client in
            let response = try await client.send(
                .POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            #expect(response.status == 200)
            let json = response.json
            #expect(json["id"]?.stringValue?.count == 36)
            #expect(json["state"]?.stringValue == "pending")
            #expect(json["prompt"]?.stringValue?.hasPrefix("A gust of wind") == true)
            for key in [
                "queue_state", "video", "video_raw", "liked", "estimate_wait_seconds", "thumbnail", "last_frame",
            ] {
                #expect(json[key] == .null, "\(key) is null while pending")
            }
            #expect(json["batch_id"]?.stringValue == "")
        }
    }

    @Test func completedGenerationHasVideoRawWithRay2Duration() async throws {
        try await withSandbox { _, client in
            let created = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            let id = try #require(created.json["id"]?.stringValue)
            let done = try await client.kkiaiTask(id).json
            #expect(done["state"]?.stringValue == "completed")
            #expect(done["video_raw"]?["duration"] == .double(5.041667))
            #expect(done["video_raw"]?["media_type"]?.stringValue == "video")
            #expect(done["video_raw"]?["width"]?.intValue == 340)
            #expect(done["video"]?["download_url"]?.stringValue != nil)
            #expect(done["last_frame"]?["url"]?.stringValue?.contains("_last_frame.jpg") == true)
            #expect(done["artifact"]?["video_raw"]?["url"] == done["video_raw"]?["url"])
            #expect(done["request"]?["aspect_ratio"]?.stringValue == "16:9")
        }
    }

    @Test func rejectsAnIntegerDurationAndAn540pResolution() async throws {
        try await withSandbox { _, client in
            var body = kkiaiSeedBody.objectValue!
            body["duration"] = 5
            let integer = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: .object(body))
            #expect(integer.status == 400)
            #expect(integer.json["message"]?.stringValue?.contains("\"5s\"") == true)
            body["duration"] = "5s"
            body["resolution"] = "540p"
            let resolution = try await client.send(
                .POST, "/luma/generations", headers: client.bearer, json: .object(body))
            #expect(resolution.status == 400)
            #expect(resolution.json["message"]?.stringValue?.contains("720p, 1080p") == true)
        }
    }

    @Test func requiresABearerToken() async throws {
        try await withSandbox { _, client in
            let response = try await client.send(
                .POST, "/luma/generations", headers: [("Authorization", "Bearer wrong")], json: kkiaiSeedBody)
            #expect(response.status == 401)
            #expect(response.json["code"]?.intValue == 401)
        }
    }

    @Test func acceptsABareBase64ImageURL() async throws {
        let image = TestImages.pattern(width: 80, height: 45, seed: 4)
        try await withSandbox { server, client in
            var body = kkiaiSeedBody.objectValue!
            body["image_url"] = .string(try ImageCodec.encode(image, as: .png).base64EncodedString())
            let created = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: .object(body))
            let id = try #require(created.json["id"]?.stringValue)
            #expect(try await client.kkiaiTask(id).json["state"]?.stringValue == "completed")
            #expect(await server.inspect().tasks.first?.startImageSHA256 == TestImages.sha256(image))
        }
    }

    @Test func extendStartsFromTheSourceClipsLastFrame() async throws {
        try await withSandbox { server, client in
            let created = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            let id = try #require(created.json["id"]?.stringValue)
            _ = try await client.kkiaiTask(id)
            let extended = try await client.send(
                .POST, "/luma/generations/\(id)/extend", headers: client.bearer,
                json: ["user_prompt": "and the wind calms"])
            #expect(extended.status == 200, "\(extended.text)")
            let nextID = try #require(extended.json["id"]?.stringValue)
            #expect(try await client.kkiaiTask(nextID).json["state"]?.stringValue == "completed")
            let record = try #require(await server.inspect().tasks.first { $0.id == nextID })
            #expect(record.taskType == "extend_video")
            #expect(record.startImage == "generation:\(id)")
            let lastFrame = try ImageCodec.read(
                path: server.storageDirectory.appendingPathComponent("\(id)_last_frame.png").path)
            #expect(record.startImageSHA256 == TestImages.sha256(lastFrame))
        }
    }
}
