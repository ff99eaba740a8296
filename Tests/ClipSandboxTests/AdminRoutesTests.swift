import ClipMedia
import Foundation
import Hummingbird
import Testing

@testable import ClipSandbox

struct AdminRoutesTests {
    @Test func tasksEndpointListsEveryTaskAndTheCreateCalls() async throws {
        try await withSandbox { _, client in
            _ = try await client.send(.POST, "/api/task/create", headers: client.pixwith, json: pixwithSeedBody)
            _ = try await client.send(.POST, "/api/task/create", headers: [("Api-Key", "wrong")], json: pixwithSeedBody)
            let listing = try await client.send(.GET, "/_sandbox/tasks")
            #expect(listing.status == 200)
            let inspection = try JSONDecoder().decode(SandboxInspection.self, from: listing.data)
            #expect(inspection.createCalls(for: .pixwith) == 2)
            #expect(inspection.tasks.count == 1)
            #expect(inspection.tasks.first?.provider == .pixwith)
            #expect(inspection.tasks.first?.prompt == "A cat walking in the garden")
            #expect(inspection.tasks.first?.resolution == "540p")
        }
    }

    @Test func stopRemovesTheStorageItCreated() async throws {
        let server = try await SandboxServer.start(.forTesting())
        let directory = server.storageDirectory
        #expect(FileManager.default.fileExists(atPath: directory.path))
        await server.stop()
        #expect(!FileManager.default.fileExists(atPath: directory.path))
    }

    @Test func faultsEndpointArmsAndReportsFaults() async throws {
        try await withSandbox { server, client in
            let armed = try await client.send(.POST, "/_sandbox/faults", json: ["fail-task": 2, "expire-link": 1])
            #expect(armed.status == 200)
            #expect(await server.remainingFaults().counts == [.failTask: 2, .expireLink: 1])
            let refused = try await client.send(.POST, "/_sandbox/faults", body: Data("nonsense:1".utf8))
            #expect(refused.status == 400)
            #expect(refused.json["error"]?.stringValue?.contains("unknown fault 'nonsense'") == true)
        }
    }
}

struct ImageFetchTests {
    @Test func fetchesAnHTTPStartImageFromAnotherServer() async throws {
        let image = TestImages.pattern(width: 96, height: 54, seed: 7)
        let png = try ImageCodec.encode(image, as: .png)
        let router = Router()
        router.get("/girl.png") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "image/png"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: png)))
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: {
                continuation.yield($0.localAddress?.port ?? 0)
                continuation.finish()
            })
        let host = Task { try await app.run() }
        defer { host.cancel() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())

        try await withSandbox { server, client in
            let body = piapiSeedBody(
                startImage: "http://127.0.0.1:\(port)/girl.png", endImage: "http://127.0.0.1:\(port)/girl.png")
            let created = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: body)
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            #expect(try await client.piapiTask(id).json["data"]?["status"]?.stringValue == "completed")
            let record = try #require(await server.inspect().tasks.first)
            #expect(record.startImageSHA256 == TestImages.sha256(image))
            #expect(record.endImageSHA256 == TestImages.sha256(image))
            #expect(record.startImage == "http://127.0.0.1:\(port)/girl.png")
        }
    }
}
