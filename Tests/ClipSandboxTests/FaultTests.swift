import AsyncHTTPClient
import Foundation
import Testing

@testable import ClipSandbox

struct FaultSpecTests {
    @Test func parsesCountsAndBareNames() throws {
        let faults = try SandboxFaults(spec: "rate-limit-create:2, fail-task,cut-download:1")
        #expect(faults.counts == [.rateLimitCreate: 2, .failTask: 1, .cutDownload: 1])
        #expect(faults.description == "rate-limit-create:2,fail-task:1,cut-download:1")
    }

    @Test func namesAnUnknownFault() {
        #expect(throws: SandboxError.self) { try SandboxFaults(spec: "explode:1") }
        do {
            _ = try SandboxFaults(spec: "explode:1")
        } catch {
            #expect("\(error)".contains("unknown fault 'explode'"))
        }
    }

    @Test func eachFaultFiresForTheNextNTimesOnly() async {
        let board = FaultBoard(SandboxFaults([.failTask: 2]))
        #expect(await board.consume(.failTask))
        #expect(await board.consume(.failTask))
        #expect(await !board.consume(.failTask))
        #expect(await !board.consume(.expireLink))
    }

    @Test func adminBodyAcceptsJSONCountsOrASpec() throws {
        #expect(try AdminRoutes.parse(#"{"fail-task": 2}"#).counts == [.failTask: 2])
        #expect(try AdminRoutes.parse(#"{"spec": "expire-link:1"}"#).counts == [.expireLink: 1])
        #expect(try AdminRoutes.parse("wrong-duration:3").counts == [.wrongDuration: 3])
        #expect(throws: SandboxError.self) { try AdminRoutes.parse(#"{"nope": 1}"#) }
    }
}

struct FaultTests {
    @Test func rateLimitedCreateAnswers429WithRetryAfterThenAccepts() async throws {
        try await withSandbox(.forTesting(faults: SandboxFaults([.rateLimitCreate: 1]))) { server, client in
            let limited = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            #expect(limited.status == 429)
            #expect(limited.headers.first(name: "Retry-After") == "1")
            let accepted = try await client.send(
                .POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            #expect(accepted.status == 200)
            let inspection = await server.inspect()
            #expect(inspection.createCalls(for: .kkiai) == 2)
            #expect(inspection.tasks.count == 1)
        }
    }

    @Test func failTaskEndsInAProviderStyleModerationFailure() async throws {
        try await withSandbox(.forTesting(faults: SandboxFaults([.failTask: 1]))) { _, client in
            let created = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody())
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            let data = try await client.piapiTask(id).json["data"]
            #expect(data?["status"]?.stringValue == "failed")
            #expect(data?["output"] == .null)
            #expect(data?["error"]?["raw_message"]?.stringValue == "Advanced prompt moderation failed")
            #expect(data?["meta"]?["usage"]?["consume"]?.intValue == 0)
        }
    }

    @Test func wrongDurationRendersAThreeSecondClip() async throws {
        try await withSandbox(.forTesting(faults: SandboxFaults([.wrongDuration: 1]))) { _, client in
            let created = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            let id = try #require(created.json["id"]?.stringValue)
            let done = try await client.kkiaiTask(id).json
            #expect(done["video_raw"]?["duration"] == .double(3.041667))
            let probe = try MediaOracle.probe(
                try await client.download(try #require(done["video_raw"]?["url"]?.stringValue)))
            #expect(probe.frames == 73)
        }
    }

    @Test func expiredLinkAnswers403AndARefetchedTaskGivesAFreshWorkingLink() async throws {
        try await withSandbox { server, client in
            let created = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody())
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            let first = try #require(
                try await client.piapiTask(id).json["data"]?["output"]?["video_raw"]?["url"]?.stringValue)
            await server.inject(SandboxFaults([.expireLink: 1]))
            let refused = try await client.send(.GET, first)
            #expect(refused.status == 403)
            let fresh = try #require(
                try await client.piapiTask(id).json["data"]?["output"]?["video_raw"]?["url"]?.stringValue)
            #expect(fresh != first)
            let retried = try await client.send(.GET, fresh)
            #expect(retried.status == 200)
            #expect(retried.data.count > 1000)
        }
    }

    @Test func cutDownloadClosesTheConnectionAfterHalfTheBytes() async throws {
        try await withSandbox { _, client in
            let created = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            let id = try #require(created.json["id"]?.stringValue)
            let url = try #require(try await client.kkiaiTask(id).json["video_raw"]?["url"]?.stringValue)
            let full = try await client.send(.GET, url)

            // Arm the fault through the admin endpoint, as a CLI user would.
            let armed = try await client.send(.POST, "/_sandbox/faults", body: Data("cut-download:1".utf8))
            #expect(armed.json["faults"]?.stringValue == "cut-download:1")

            let response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .seconds(30))
            #expect(response.headers.first(name: "Content-Length") == String(full.data.count))
            var received = 0
            await #expect(throws: (any Error).self) {
                for try await chunk in response.body { received += chunk.readableBytes }
            }
            #expect(received == full.data.count / 2)

            // The next download is whole again, and a Range request resumes where the cut happened.
            let resumed = try await client.send(.GET, url, headers: [("Range", "bytes=\(received)-")])
            #expect(resumed.status == 206)
            #expect(full.data.prefix(received) + resumed.data == full.data)
        }
    }
}
