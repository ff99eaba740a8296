import ClipMedia
import Foundation
import Testing

@testable import ClipSandbox

struct LumaWireTests {
    static let body: JSONValue = [
        "model": "ray-2", "prompt": "a lighthouse at dusk, waves rolling", "aspect_ratio": "16:9",
        "duration": "5s", "resolution": "720p",
    ]

    @Test(arguments: ["/dream-machine/v1/generations", "/dream-machine/v1/generations/video"])
    func createAnswers201WithAQueuedGeneration(path: String) async throws {
        try await withSandbox(.init(stepDelay: 30, renderScale: 0.25)) { _, client in
            let response = try await client.send(.POST, path, headers: client.bearer, json: Self.body)
            #expect(response.status == 201)
            let json = response.json
            #expect(json["state"]?.stringValue == "queued")
            #expect(json["assets"] == .null)
            #expect(json["failure_reason"] == .null)
            #expect(json["model"]?.stringValue == "ray-2")
            #expect(json["request"]?["duration"]?.stringValue == "5s")
            #expect(json["generation_type"]?.stringValue == "video")
        }
    }

    @Test func completedGenerationHasVideoAndImageAssets() async throws {
        try await withSandbox { _, client in
            let created = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: Self.body)
            let id = try #require(created.json["id"]?.stringValue)
            let done = try await client.lumaGeneration(id).json
            #expect(done["state"]?.stringValue == "completed")
            let video = try #require(done["assets"]?["video"]?.stringValue)
            let image = try await client.send(.GET, try #require(done["assets"]?["image"]?.stringValue))
            #expect(image.headers.first(name: "Content-Type") == "image/jpeg")
            #expect(try ImageCodec.decode(image.data).width == 320)
            let probe = try MediaOracle.probe(try await client.download(video))
            #expect(probe.width == 320 && probe.height == 180, "1280x720 x 0.25")
        }
    }

    @Test func errorsUseTheDetailShape() async throws {
        try await withSandbox { _, client in
            let unauthorized = try await client.send(.POST, "/dream-machine/v1/generations", json: Self.body)
            #expect(unauthorized.status == 401)
            #expect(unauthorized.json["detail"]?.stringValue != nil)

            var body = Self.body.objectValue!
            body["duration"] = "10s"
            let duration = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: .object(body))
            #expect(duration.status == 400)
            #expect(duration.json["detail"]?.stringValue?.contains("5s, 9s") == true)

            body["duration"] = "5s"
            body["prompt"] = "ab"
            let short = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: .object(body))
            #expect(short.json["detail"]?.stringValue == "Prompt is too short, minimum length is 3 characters")

            body["prompt"] = "a long enough prompt"
            body["loop"] = true
            body["keyframes"] = ["frame1": ["type": "image", "url": "https://example.invalid/x.png"]]
            let loop = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: .object(body))
            #expect(loop.json["detail"]?.stringValue == "Loop is not supported for end frame")
        }
    }

    @Test func extendByGenerationIDStartsOnItsExactLastFrame() async throws {
        try await withSandbox { server, client in
            let first = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: Self.body)
            let firstID = try #require(first.json["id"]?.stringValue)
            _ = try await client.lumaGeneration(firstID)
            let body: JSONValue = [
                "model": "ray-2", "prompt": "the light turns on",
                "keyframes": ["frame0": ["type": "generation", "id": .string(firstID)]],
            ]
            let second = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: body)
            #expect(second.status == 201, "\(second.text)")
            let secondID = try #require(second.json["id"]?.stringValue)
            #expect(try await client.lumaGeneration(secondID).json["state"]?.stringValue == "completed")
            let record = try #require(await server.inspect().tasks.first { $0.id == secondID })
            let lastFrame = try ImageCodec.read(
                path: server.storageDirectory.appendingPathComponent("\(firstID)_last_frame.png").path)
            #expect(record.startImageSHA256 == TestImages.sha256(lastFrame))
        }
    }

    @Test func anUnreadableImageFailsTheGenerationWithLumasReason() async throws {
        try await withSandbox { _, client in
            let body: JSONValue = [
                "model": "ray-2", "prompt": "a boat",
                "keyframes": ["frame0": ["type": "image", "url": .string(client.baseURL + "/nothing-here.png")]],
            ]
            let created = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: body)
            let id = try #require(created.json["id"]?.stringValue)
            let done = try await client.lumaGeneration(id).json
            #expect(done["state"]?.stringValue == "failed")
            #expect(done["failure_reason"]?.stringValue == "Failed to read user input frames")
        }
    }
}
