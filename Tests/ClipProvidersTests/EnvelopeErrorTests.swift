import ClipProviders
import Foundation
import Testing

/// A provider that answers a create (or a poll) with an error inside a 2xx envelope has refused it: that is a
/// clear error carrying the provider's message, never "outcome unknown" (which would stop a run for nothing)
/// and never a task.
struct EnvelopeErrorTests {
    func client(_ kind: ProviderKind, answering body: Data, status: Int = 200) -> (
        any VideoGenerationProvider, ScriptedTransport
    ) {
        let transport = ScriptedTransport(status: status, json: body)
        let client = ProviderClients.make(
            ProviderConfiguration(kind: kind, apiKey: APIKey("test-key")),
            options: ProviderClientOptions(transport: transport, retryPolicy: .none))
        return (client, transport)
    }

    @Test func piapiInsufficientCreditsOnCreateIsAnAPIErrorWithTheMessage() async throws {
        let (piapi, transport) = client(.piapi, answering: try Samples.data("piapi/create-insufficient-credits.json"))
        let error = await #expect(throws: ProviderError.self) { try await piapi.submit(GenerationRequest(prompt: "a")) }
        #expect(error?.kind == .apiError)
        #expect(error?.kind != .mayHaveBeenSubmitted)
        #expect(error?.description.contains("insufficient credits") == true)
        #expect(error?.description.contains("10002") == true)
        #expect(transport.requests.count == 1)
    }

    @Test func piapiInsufficientCreditsOnGetTaskIsAnAPIError() async throws {
        let (piapi, _) = client(.piapi, answering: try Samples.data("piapi/create-insufficient-credits.json"))
        let error = await #expect(throws: ProviderError.self) { try await piapi.fetch(taskID: "t1") }
        #expect(error?.kind == .apiError)
        #expect(error?.description.contains("insufficient credits") == true)
    }

    @Test func piapiNonOKCodeWinsEvenWhenDataLooksLikeATask() async throws {
        let body = #"{"code": 500, "message": "task service unavailable", "data": {"task_id": "", "status": ""}}"#
        let (piapi, _) = client(.piapi, answering: Data(body.utf8))
        let error = await #expect(throws: ProviderError.self) { try await piapi.submit(GenerationRequest(prompt: "a")) }
        #expect(error?.kind == .apiError)
        #expect(error?.description.contains("task service unavailable") == true)
    }

    @Test func piapiOKCodeWithUnreadableDataIsStillOutcomeUnknownOnCreate() async throws {
        let (piapi, _) = client(.piapi, answering: Data(#"{"code": 200, "message": "success", "data": {}}"#.utf8))
        let error = await #expect(throws: ProviderError.self) { try await piapi.submit(GenerationRequest(prompt: "a")) }
        #expect(error?.kind == .mayHaveBeenSubmitted)
    }

    @Test func pixwithCreateWithCode0IsAnAPIErrorWithTheMessage() async throws {
        let (pixwith, _) = client(.pixwith, answering: try Samples.data("pixwith/error.json"))
        let error = await #expect(throws: ProviderError.self) {
            try await pixwith.submit(GenerationRequest(prompt: "a cat"))
        }
        #expect(error?.kind == .apiError)
        #expect(error?.description.contains("Insufficient credits") == true)
    }

    @Test func pixwithCreateWithCode2IsAnAuthenticationError() async throws {
        let (pixwith, _) = client(.pixwith, answering: try Samples.data("pixwith/auth-error.json"))
        let error = await #expect(throws: ProviderError.self) {
            try await pixwith.submit(GenerationRequest(prompt: "a cat"))
        }
        #expect(error?.kind == .authentication)
        #expect(error?.description.contains("Invalid API key") == true)
    }

    @Test func kkiaiCreateEnvelopeErrorIsAnAPIError() async throws {
        let (kkiai, _) = client(.kkiai, answering: try Samples.data("kkiai/error-envelope.json"))
        let error = await #expect(throws: ProviderError.self) { try await kkiai.submit(GenerationRequest(prompt: "a")) }
        #expect(error?.kind == .apiError)
        #expect(error?.description.contains("invalid token") == true)
    }

    @Test func kkiaiSuccessCodeWithoutATaskIsOutcomeUnknownAndQuotesTheAnswer() async throws {
        let body = #"{"code": 0, "message": "queued upstream", "data": null}"#
        let (kkiai, _) = client(.kkiai, answering: Data(body.utf8))
        let error = await #expect(throws: ProviderError.self) { try await kkiai.submit(GenerationRequest(prompt: "a")) }
        #expect(error?.kind == .mayHaveBeenSubmitted)
        #expect(error?.description.contains("queued upstream") == true)
    }

    @Test func piapiUploadRefusedInsideA200EnvelopeIsAnAPIError() async throws {
        let transport = ScriptedTransport(
            status: 200, json: Data(#"{"code": 403, "message": "Insufficient plan level", "data": null}"#.utf8))
        let piapi = PiAPIClient(
            configuration: ProviderConfiguration(kind: .piapi, apiKey: APIKey("test-key")),
            options: ProviderClientOptions(transport: transport, retryPolicy: .none))
        let error = await #expect(throws: ProviderError.self) {
            try await piapi.uploadImage(Data([0x89, 0x50]), fileName: "probe.png")
        }
        #expect(error?.kind == .apiError)
        #expect(error?.description.contains("Insufficient plan level") == true)
    }
}
