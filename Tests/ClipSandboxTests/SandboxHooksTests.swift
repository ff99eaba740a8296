import ClipMedia
import Foundation
import Testing

@testable import ClipSandbox

/// The hooks money-safety tests need: a create answered late, the list of creates with their bodies,
/// Luma's generation list, KKIAI's envelope answers and aspect ratios, PiAPI's insufficient credits, and the
/// seeds' literal requests.
struct SandboxHooksTests {
    @Test func aDelayedCreateAnswerLeavesTheTaskAliveWhileTheAnswerIsInFlight() async throws {
        var configuration = SandboxConfiguration.forTesting(faults: SandboxFaults([.delayCreateAnswer: 1]))
        configuration.createAnswerDelay = 3
        try await withSandbox(configuration) { server, client in
            let answer = Task { try await client.send(.POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody) }
            // Wait (generously) until the sandbox has made the task while the answer is still held back.
            var inFlight: SandboxCreateCall?
            for _ in 0..<400 where inFlight == nil {
                try await Task.sleep(for: .milliseconds(25))
                inFlight = await server.creates(of: .kkiai).first { $0.taskID != nil && $0.status == nil }
            }
            let call = try #require(inFlight, "the task exists before its create is answered")
            #expect(await server.inspect().tasks.map(\.id) == [call.taskID!])
            let response = try await answer.value
            #expect(response.status == 200)
            #expect(response.json["id"]?.stringValue == call.taskID)
            #expect(await server.creates(of: .kkiai).first?.status == 200)
            // The fault fired once: the next create is answered at once (its status is known as soon as it returns).
            _ = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            #expect(await server.creates(of: .kkiai).count == 2)
        }
    }

    @Test func theCreatesListShowsEachBodyAsSentItsTaskAndItsStatus() async throws {
        try await withSandbox(.init(stepDelay: 30, renderScale: 0.25)) { server, client in
            let good = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody())
            var portrait = kkiaiSeedBody.objectValue!
            portrait["aspect_ratio"] = "21:9"  // not a web-app shape: refused
            let refused = try await client.send(
                .POST, "/luma/generations", headers: client.bearer, json: .object(portrait))
            #expect(refused.status == 400)

            let all = try await client.send(.GET, "/_sandbox/creates").json["creates"]?.arrayValue ?? []
            #expect(all.count == 2)
            let piapi = try #require(all.first)
            #expect(piapi["provider"]?.stringValue == "piapi" && piapi["status"]?.intValue == 200)
            #expect(piapi["task_id"]?.stringValue == good.json["data"]?["task_id"]?.stringValue)
            func dictionary(_ value: JSONValue?) -> NSDictionary? {
                value.flatMap { try? JSONSerialization.jsonObject(with: $0.serialized()) as? NSDictionary }
            }
            #expect(dictionary(piapi["body"]) == dictionary(piapiSeedBody()), "the body as sent, as JSON")

            let kkiai = try await client.send(.GET, "/_sandbox/creates?provider=kkiai").json["creates"]?.arrayValue
            #expect(kkiai?.count == 1)
            #expect(kkiai?.first?["body"]?["aspect_ratio"]?.stringValue == "21:9")
            #expect(kkiai?.first?["status"]?.intValue == 400 && kkiai?.first?["task_id"]?.isNull == true)
            #expect(await server.creates(of: .kkiai).first?.json?["aspect_ratio"] as? String == "21:9")
            #expect(try await client.send(.GET, "/_sandbox/creates?provider=nope").status == 400)
        }
    }

    @Test func lumasGenerationListEchoesEachRequestNewestFirst() async throws {
        try await withSandbox(.init(stepDelay: 30, renderScale: 0.25)) { _, client in
            var ids: [String] = []
            for prompt in ["a paper boat", "a red kite"] {
                let body: JSONValue = ["prompt": .string(prompt), "model": "ray-2", "duration": "5s"]
                let created = try await client.send(
                    .POST, "/dream-machine/v1/generations", headers: client.bearer, json: body)
                ids.append(try #require(created.json["id"]?.stringValue))
            }
            let list = try await client.send(.GET, "/dream-machine/v1/generations", headers: client.bearer)
            #expect(list.status == 200)
            let generations = try #require(list.json["generations"]?.arrayValue)
            #expect(generations.map { $0["id"]?.stringValue } == [ids[1], ids[0]])
            #expect(generations.first?["request"]?["prompt"]?.stringValue == "a red kite")
            #expect(list.json["has_more"]?.boolValue == false)
            let page = try await client.send(
                .GET, "/dream-machine/v1/generations?limit=1&offset=1", headers: client.bearer)
            #expect(page.json["generations"]?.arrayValue?.map { $0["id"]?.stringValue } == [ids[0]])
            #expect(try await client.send(.GET, "/dream-machine/v1/generations").status == 401)
            #expect(
                try await client.send(.GET, "/dream-machine/v1/generations?limit=0", headers: client.bearer).status
                    == 400)
        }
    }

    @Test func kkiaisTaskStatusFamilyAnswersCodeDataAndHonoursThePortraitAspect() async throws {
        var configuration = SandboxConfiguration.forTesting(renderScale: 0.25)
        configuration.kkiaiAnswers = .taskStatus
        try await withSandbox(configuration) { _, client in
            var body = kkiaiSeedBody.objectValue!
            body["aspect_ratio"] = "9:16"
            let created = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: .object(body))
            #expect(created.status == 200)
            #expect(created.json["code"]?.intValue == 200)
            #expect(created.json["id"] == nil, "only the envelope family")
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            #expect(["submitted", "processing"].contains(created.json["data"]?["task_status"]?.stringValue ?? ""))
            let done = try await client.poll(
                { try await client.send(.GET, "/luma/generations/\(id)", headers: client.bearer) },
                until: { ["succeed", "failed"].contains($0.json["data"]?["task_status"]?.stringValue ?? "") })
            #expect(done.json["data"]?["task_status"]?.stringValue == "succeed")
            #expect(done.json["data"]?["task_status_msg"]?.stringValue == "")
            let url = try #require(done.json["data"]?["task_result"]?["videos"]?.arrayValue?.first?["url"]?.stringValue)
            let probe = try MediaOracle.probe(try await client.download(url))
            #expect(probe.width == 188 && probe.height == 340, "752x1360 x 0.25, the web app's 9:16")
        }
    }

    @Test func kkiaisFailedTaskCarriesTheReasonInTaskStatusMsg() async throws {
        var configuration = SandboxConfiguration.forTesting(faults: SandboxFaults([.failTask: 1]))
        configuration.kkiaiAnswers = .merged
        try await withSandbox(configuration) { _, client in
            let created = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: kkiaiSeedBody)
            let id = try #require(created.json["id"]?.stringValue, "merged: the generation's id is there")
            #expect(created.json["data"]?["task_id"]?.stringValue == id, "and the envelope's")
            let done = try await client.kkiaiTask(id)
            #expect(done.json["data"]?["task_status"]?.stringValue == "failed")
            #expect(done.json["data"]?["task_status_msg"]?.stringValue?.contains("moderation") == true)
        }
    }

    @Test func piapisInsufficientCreditsIsAnEnvelopeWithANon200CodeAndNoTask() async throws {
        try await withSandbox(.forTesting(faults: SandboxFaults([.insufficientCredits: 1]))) { server, client in
            let refused = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody())
            #expect(refused.json["code"]?.intValue == 402)
            #expect(refused.json["message"]?.stringValue?.contains("insufficient credits") == true)
            #expect(await server.inspect().tasks.isEmpty)
            let accepted = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody())
            #expect(accepted.json["code"]?.intValue == 200)
            #expect(await server.inspect().tasks.count == 1)
        }
    }

    /// The seeds' literal request examples, committed for the clients' contract tests.
    static let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("ClipProvidersTests/Samples")

    @Test func theSandboxAcceptsEverySeedRequestExample() async throws {
        let routes: [String: (path: String, headers: (SandboxClient) -> [(String, String)])] = [
            "piapi": ("/api/v1/task", { $0.piapi }), "kkiai": ("/luma/generations", { $0.bearer }),
            "pixwith": ("/api/task/create", { $0.pixwith }),
        ]
        var checked = 0
        // A long step delay: the tasks never start, so the examples' remote image URLs are never fetched.
        try await withSandbox(.init(stepDelay: 30, renderScale: 0.25)) { server, client in
            for (provider, route) in routes.sorted(by: { $0.key < $1.key }) {
                let folder = Self.samples.appendingPathComponent(provider)
                let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                    .filter { $0.hasPrefix("create-request") && $0.hasSuffix(".json") }.sorted()
                #expect(!names.isEmpty, "no create-request sample for \(provider)")
                for name in names {
                    let data = try Data(contentsOf: folder.appendingPathComponent(name))
                    let response = try await client.send(
                        .POST, route.path, headers: route.headers(client), body: data)
                    #expect(response.status == 200, "\(provider)/\(name): \(response.text)")
                    checked += 1
                }
            }
            #expect(await server.inspect().tasks.count == checked)
        }
        #expect(checked >= 4)
    }
}
