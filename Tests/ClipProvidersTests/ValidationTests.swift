import ClipProviders
import Foundation
import Testing

/// Requests are refused locally, before any money is spent, with a message naming the accepted values.
struct ValidationTests {
    func client(_ kind: ProviderKind) -> any VideoGenerationProvider {
        ProviderClients.make(
            ProviderConfiguration(kind: kind, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: ScriptedTransport([])))
    }

    func message(_ kind: ProviderKind, _ request: GenerationRequest) -> String? {
        do {
            try client(kind).validate(request)
            return nil
        } catch let error as ProviderError {
            #expect(error.kind == .invalidRequest)
            return error.description
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func pixwithAcceptsFiveOrNineSecondsAndSays() {
        #expect(
            message(.pixwith, GenerationRequest(prompt: "a", duration: 10))
                == "Pixwith does not accept duration 10 s (accepted: 5 or 9 s)")
        #expect(message(.pixwith, GenerationRequest(prompt: "a", duration: 9)) == nil)
    }

    @Test func pixwithAccepts540pOr720p() {
        #expect(
            message(.pixwith, GenerationRequest(prompt: "a", resolution: "1080p"))
                == "Pixwith does not accept resolution \"1080p\" (accepted: 540p or 720p)")
    }

    @Test func kkiaiAcceptsOnlyFiveSecondsAnd720pOr1080p() {
        #expect(
            message(.kkiai, GenerationRequest(prompt: "a", duration: 9))
                == "KKIAI does not accept duration 9 s (accepted: 5 s)")
        #expect(
            message(.kkiai, GenerationRequest(prompt: "a", resolution: "540p"))
                == "KKIAI does not accept resolution \"540p\" (accepted: 720p or 1080p)")
        #expect(message(.kkiai, GenerationRequest(prompt: "a", resolution: "1080p")) == nil)
    }

    @Test func piapiAcceptsFiveOrTenSecondsAndTenOnlyWithoutImages() {
        #expect(
            message(.piapi, GenerationRequest(prompt: "a", duration: 9))
                == "PiAPI does not accept duration 9 s (accepted: 5 or 10 s)")
        #expect(message(.piapi, GenerationRequest(prompt: "a", duration: 10)) == nil)
        let withImage = GenerationRequest(
            prompt: "a", startImage: .url(URL(string: "https://x.example/a.png")!), duration: 10)
        #expect(message(.piapi, withImage)?.contains("accepted: 5 s when images are given") == true)
    }

    @Test func piapiHasNoResolutionOption() {
        #expect(
            message(.piapi, GenerationRequest(prompt: "a", resolution: "720p"))?.contains(
                "PiAPI chooses the output size") == true)
    }

    @Test func lumaAcceptsItsResolutionsAndDurations() {
        #expect(
            message(.luma, GenerationRequest(prompt: "a cat", duration: 10))
                == "Luma does not accept duration 10 s (accepted: 5 or 9 s)")
        #expect(
            message(.luma, GenerationRequest(prompt: "a cat", resolution: "8k"))
                == "Luma does not accept resolution \"8k\" (accepted: 540p, 720p, 1080p or 4k)")
        #expect(message(.luma, GenerationRequest(prompt: "a cat", resolution: "4k")) == nil)
    }

    @Test func loopWithAnEndImageIsRefused() {
        let request = GenerationRequest(
            prompt: "a cat", endImage: .url(URL(string: "https://x.example/b.png")!), loop: true)
        for kind in [ProviderKind.luma, .kkiai] {
            #expect(message(kind, request)?.contains("loop only without an end image") == true)
        }
    }

    @Test func lumaRequiresAPromptOnlyWithoutKeyframes() {
        #expect(
            message(.luma, GenerationRequest(prompt: ""))
                == "Luma does not accept prompt \"\" (accepted: a non-empty prompt)")
        #expect(
            message(.luma, GenerationRequest(prompt: "", startImage: .url(URL(string: "https://x.example/a.png")!)))
                == nil)
        #expect(message(.luma, GenerationRequest(prompt: "ab"))?.contains("3 to 5000 characters") == true)
    }

    @Test func dataURIsOnlyWhereAccepted() {
        let inline = GenerationRequest(prompt: "a cat", startImage: .dataURI("data:image/png;base64,AAAA"))
        #expect(message(.kkiai, inline) == nil)
        #expect(message(.piapi, inline)?.contains("upload the file first") == true)
        #expect(message(.luma, inline)?.contains("an http(s) URL the provider can fetch") == true)
    }

    @Test func nonHTTPImageURLsAreRefused() {
        let request = GenerationRequest(prompt: "a", startImage: .url(URL(string: "file:///tmp/a.png")!))
        #expect(message(.pixwith, request)?.contains("accepted: an http(s) URL") == true)
    }

    @Test func extendOnlyWhereNative() {
        let request = GenerationRequest(prompt: "more", extend: ExtendSource(taskID: "abc"))
        #expect(message(.pixwith, request)?.contains("no native extend") == true)
        #expect(message(.piapi, request)?.contains("no native extend") == true)
        #expect(message(.luma, request) == nil)
        #expect(message(.kkiai, request) == nil)
    }

    @Test func webhooksOnlyWhereSupportedAndSecretsOnlyOnPiAPI() {
        let hook = URL(string: "https://hooks.example/x")!
        #expect(
            message(.pixwith, GenerationRequest(prompt: "a", webhookURL: hook))?.contains("sends no callbacks") == true)
        #expect(
            message(.luma, GenerationRequest(prompt: "a cat", webhookURL: hook, webhookSecret: "s"))?.contains(
                "signs nothing") == true)
        #expect(message(.piapi, GenerationRequest(prompt: "a", webhookURL: hook, webhookSecret: "s")) == nil)
    }

    @Test func unknownModelsAndAspectRatiosNameTheAcceptedOnes() {
        #expect(
            message(.piapi, GenerationRequest(prompt: "a", model: "ray-2"))
                == "PiAPI does not accept model \"ray-2\" (accepted: ray-v2 or ray-v1)")
        #expect(
            message(.pixwith, GenerationRequest(prompt: "a", aspectRatio: "2:1"))?.contains(
                "16:9, 9:16, 1:1, 4:3, 3:4, 9:21 or 21:9") == true)
        #expect(
            message(.kkiai, GenerationRequest(prompt: "a", aspectRatio: "21:9"))?.contains(
                "accepted: 16:9, 9:16, 1:1, 4:3 or 3:4") == true)
        #expect(message(.kkiai, GenerationRequest(prompt: "a", aspectRatio: "9:16")) == nil)
    }

    @Test func submitValidatesBeforeSendingAnything() async throws {
        let transport = ScriptedTransport([])
        let client = PixwithClient(
            configuration: ProviderConfiguration(kind: .pixwith, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: transport))
        await #expect(throws: ProviderError.self) {
            try await client.submit(GenerationRequest(prompt: "a", duration: 10))
        }
        #expect(transport.requests.isEmpty)
    }

    @Test func aMissingKeyIsReportedBeforeSending() async throws {
        let transport = ScriptedTransport([])
        let client = LumaClient(
            configuration: ProviderConfiguration(kind: .luma), options: ProviderClientOptions(transport: transport))
        let error = await #expect(throws: ProviderError.self) {
            try await client.submit(GenerationRequest(prompt: "a cat"))
        }
        #expect(error?.kind == .authentication)
        #expect(error?.description.contains("LUMA_API_KEY") == true)
        #expect(transport.requests.isEmpty)
    }
}
