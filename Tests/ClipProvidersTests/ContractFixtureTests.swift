import ClipProviders
import Foundation
import Testing

/// The seed documents' literal requests and responses (committed in `Samples/`), through the clients' real
/// submit and fetch paths: what goes out matches the seed field for field, and what comes back is read.
struct ContractFixtureTests {
    static let seedPrompt = RequestBodyTests.seedPrompt

    /// Submits `request` to a client whose transport answers `answer`, and returns the task id and the body sent.
    func submit(
        _ kind: ProviderKind, _ request: GenerationRequest, answer: String
    ) async throws -> (id: String, body: JSONValue, path: String) {
        let transport = ScriptedTransport([ScriptedTransport.response(200, data: try Samples.data(answer))])
        let client = ProviderClients.make(
            ProviderConfiguration(kind: kind, apiKey: APIKey("test-key")),
            options: ProviderClientOptions(transport: transport, retryPolicy: .none))
        let id = try await client.submit(request)
        let sent = try #require(transport.requests.first)
        #expect(transport.requests.count == 1)
        #expect(sent.method == .POST)
        return (id, try JSONValue.parse(try #require(sent.body)), sent.url.path)
    }

    @Test func piapiSendsTheSeedBodyAndReadsTheSeedAnswer() async throws {
        let image = ImageSource.url(URL(string: "https://i.ibb.co/wbw9GLY/girl.webp")!)
        let request = GenerationRequest(
            prompt: Self.seedPrompt, startImage: image, endImage: image, duration: 5, aspectRatio: "16:9",
            webhookURL: URL(string: "https://webhook.site/64e7e8fa-a47a-4d30-b00a-8746d2d04590"))
        let sent = try await submit(.piapi, request, answer: "piapi/create-response.json")
        #expect(sent.body == (try Samples.json("piapi/create-request.json")))
        #expect(sent.path == "/api/v1/task")
        #expect(sent.id == "c42f6ec7-36cd-45a3-981c-826b6d101f58")
    }

    @Test func piapiSeedAnswerIsAPendingTaskWithItsStatedCost() async throws {
        let transport = ScriptedTransport(status: 200, json: try Samples.data("piapi/create-response.json"))
        let client = PiAPIClient(
            configuration: ProviderConfiguration(kind: .piapi, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: transport))
        let snapshot = try await client.fetch(taskID: "c42f6ec7-36cd-45a3-981c-826b6d101f58")
        #expect(snapshot.taskID == "c42f6ec7-36cd-45a3-981c-826b6d101f58")
        #expect(snapshot.state == .queued)
        #expect(snapshot.cost == TaskCost(amount: 2_000_000, unit: "llm"))
    }

    @Test func kkiaiSendsEverySeedFieldPlusTheExplicitDefaults() async throws {
        let seed = try Samples.json("kkiai/create-request.json")
        let request = GenerationRequest(
            prompt: try #require(seed.string(at: "user_prompt")), duration: 5, resolution: "720p", model: "ray-v2")
        let sent = try await submit(.kkiai, request, answer: "kkiai/create-response-luma.json")
        guard case .object(let seedFields) = seed, case .object(let bodyFields) = sent.body else {
            Issue.record("seed or body is not an object")
            return
        }
        for (key, value) in seedFields {
            #expect(bodyFields[key] == value, "field \(key)")
        }
        // The only fields beyond the seed's are the ones the sample README lists.
        let extra = Set(bodyFields.keys).subtracting(seedFields.keys)
        #expect(extra == ["aspect_ratio", "expand_prompt", "loop"])
        #expect(bodyFields["aspect_ratio"] == .string("16:9"))
        #expect(bodyFields["expand_prompt"] == .bool(false))
        #expect(bodyFields["loop"] == .bool(false))
        #expect(sent.path == "/luma/generations")
        #expect(sent.id == "4665a07c-7641-4809-a133-10786201bb56")
    }

    @Test(arguments: ["kkiai/create-response-luma.json", "kkiai/create-response-envelope.json"])
    func kkiaiReadsTheTaskIDFromBothCreateAnswerFamilies(answer: String) async throws {
        let sent = try await submit(.kkiai, GenerationRequest(prompt: "wind"), answer: answer)
        #expect(sent.id == "4665a07c-7641-4809-a133-10786201bb56")
    }

    @Test func pixwithTextExampleGoesOutAsIsWithModel24() async throws {
        let request = GenerationRequest(
            prompt: "A cat walking in the garden", duration: 5, aspectRatio: "16:9", resolution: "540p",
            enhancePrompt: true)
        let sent = try await submit(.pixwith, request, answer: "pixwith/create-response.json")
        #expect(sent.body == (try Samples.json("pixwith/create-request-text.json")))
        #expect(sent.path == "/api/task/create")
        #expect(sent.id == "d425ab4dc256f0ebaa84862b9cea8a3d")
    }

    @Test func pixwithImageExampleGoesOutAsIsWithModel34PickedFromTheImages() async throws {
        let seed = try Samples.json("pixwith/create-request-image.json")
        let request = GenerationRequest(
            prompt: "A cat walking in the garden",
            startImage: .url(try #require(seed.httpURL(at: "image_urls.0"))),
            endImage: .url(try #require(seed.httpURL(at: "image_urls.1"))),
            resolution: "540p", enhancePrompt: true)
        #expect(request.model == nil)
        let sent = try await submit(.pixwith, request, answer: "pixwith/create-response.json")
        #expect(sent.body == seed)
        #expect(sent.id == "d425ab4dc256f0ebaa84862b9cea8a3d")
    }
}
