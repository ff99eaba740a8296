import ClipProviders
import Foundation
import Testing

/// Create bodies, field by field, against the seed documents in `Samples/`.
struct RequestBodyTests {
    static let seedPrompt =
        "A cinematic anime character intimate closeup, she is sitting at a cafe on a busy city street in the morning, drinking coffee, it is cold, a dynamic scene"

    func client(_ kind: ProviderKind) -> any VideoGenerationProvider {
        ProviderClients.make(
            ProviderConfiguration(kind: kind, apiKey: APIKey("test-key")),
            options: ProviderClientOptions(transport: ScriptedTransport([])))
    }

    @Test func piapiBodyMatchesTheSeedDocumentExactly() throws {
        let image = ImageSource.url(URL(string: "https://i.ibb.co/wbw9GLY/girl.webp")!)
        let request = GenerationRequest(
            prompt: Self.seedPrompt, startImage: image, endImage: image, duration: 5, aspectRatio: "16:9",
            model: "ray-v2", webhookURL: URL(string: "https://webhook.site/64e7e8fa-a47a-4d30-b00a-8746d2d04590"))
        let body = try JSONValue.parse(client(.piapi).createBody(for: request))
        let seed = try Samples.json("piapi/create-request.json")
        #expect(body == seed)
        #expect(body.string(at: "model") == "luma")
        #expect(body.string(at: "task_type") == "video_generation")
        #expect(body.value(at: "input.duration") == .number(5))
        #expect(body.value(at: "input.loop") == .bool(false))
        #expect(body.string(at: "config.webhook_config.secret") == "")
    }

    @Test func piapiBodyCarriesTheWebhookSecretOnlyInTheWireBody() throws {
        let request = GenerationRequest(
            prompt: "a cat", webhookURL: URL(string: "https://hooks.example/piapi"), webhookSecret: "s3cr3t-value")
        let body = try JSONValue.parse(client(.piapi).createBody(for: request))
        #expect(body.string(at: "config.webhook_config.secret") == "s3cr3t-value")
        #expect(body.string(at: "config.webhook_config.endpoint") == "https://hooks.example/piapi")
        let sidecar = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        #expect(!sidecar.contains("s3cr3t-value"))
    }

    @Test func piapiBodyOmitsImagesAndConfigWhenNotGiven() throws {
        let body = try JSONValue.parse(client(.piapi).createBody(for: GenerationRequest(prompt: "a cat", duration: 10)))
        #expect(body["config"] == nil)
        #expect(body.value(at: "input.start_image") == nil)
        #expect(body.value(at: "input.end_image") == nil)
        #expect(body.value(at: "input.duration") == .number(10))
        #expect(body.string(at: "input.model") == "ray-v2")
    }

    @Test func kkiaiBodyMatchesTheSeedExampleFieldByField() throws {
        let seed = try Samples.json("kkiai/create-request.json")
        let request = GenerationRequest(
            prompt: try #require(seed.string(at: "user_prompt")), duration: 5, resolution: "720p", model: "ray-v2")
        let body = try JSONValue.parse(client(.kkiai).createBody(for: request))
        guard case .object(let seedFields) = seed else { Issue.record("seed is not an object"); return }
        for (key, value) in seedFields {
            #expect(body[key] == value, "field \(key)")
        }
        #expect(body.string(at: "duration") == "5s")
        #expect(body["expand_prompt"] == .bool(false))
        #expect(body["loop"] == .bool(false))
        #expect(body["image_url"] == nil)
        #expect(body["notify_hook"] == nil)
    }

    @Test func kkiaiBodyPassesImagesInlineAndTheNotifyHook() throws {
        let request = GenerationRequest(
            prompt: "wind", startImage: .dataURI("data:image/png;base64,iVBORw0KGgo="),
            endImage: .url(URL(string: "https://img.example/end.png")!), resolution: "1080p", enhancePrompt: true,
            webhookURL: URL(string: "https://hooks.example/k?token=abc"))
        let body = try JSONValue.parse(client(.kkiai).createBody(for: request))
        #expect(body.string(at: "image_url") == "data:image/png;base64,iVBORw0KGgo=")
        #expect(body.string(at: "image_end_url") == "https://img.example/end.png")
        #expect(body.string(at: "notify_hook") == "https://hooks.example/k?token=abc")
        #expect(body.string(at: "resolution") == "1080p")
        #expect(body["expand_prompt"] == .bool(true))
    }

    @Test func kkiaiExtendBodyHasOnlyTheExtendFields() throws {
        let request = GenerationRequest(prompt: "keep going", extend: ExtendSource(taskID: "4665a07c"))
        let body = try JSONValue.parse(client(.kkiai).createBody(for: request))
        #expect(body.string(at: "user_prompt") == "keep going")
        #expect(body["duration"] == nil)
        #expect(body["model_name"] == nil)
        #expect(body["aspect_ratio"] == nil)
        #expect(body["expand_prompt"] == .bool(false))
    }

    @Test func kkiaiSendsTheAspectRatioAlways() throws {
        let plain = try JSONValue.parse(client(.kkiai).createBody(for: GenerationRequest(prompt: "wind")))
        #expect(plain.string(at: "aspect_ratio") == "16:9")
        let textPortrait = try JSONValue.parse(
            client(.kkiai).createBody(for: GenerationRequest(prompt: "wind", aspectRatio: "9:16")))
        #expect(textPortrait.string(at: "aspect_ratio") == "9:16")
        let portrait = GenerationRequest(
            prompt: "wind", startImage: .dataURI("data:image/png;base64,iVBORw0KGgo="), aspectRatio: "9:16")
        let body = try JSONValue.parse(client(.kkiai).createBody(for: portrait))
        #expect(body.string(at: "aspect_ratio") == "9:16")
    }

    @Test func enhancePromptSetsKKIAIExpandPromptAndPixwithPromptOptimizationBothWays() throws {
        for enhance in [true, false] {
            let request = GenerationRequest(prompt: "a cat", enhancePrompt: enhance)
            let kkiai = try JSONValue.parse(client(.kkiai).createBody(for: request))
            #expect(kkiai["expand_prompt"] == .bool(enhance))
            let pixwith = try JSONValue.parse(client(.pixwith).createBody(for: request))
            #expect(pixwith.value(at: "options.prompt_optimization") == .bool(enhance))
        }
    }

    @Test func piapiDialectAHasNoPromptEnhancementField() throws {
        let plain = try client(.piapi).createBody(for: GenerationRequest(prompt: "a cat"))
        let enhanced = try client(.piapi).createBody(for: GenerationRequest(prompt: "a cat", enhancePrompt: true))
        #expect(try JSONValue.parse(plain) == (try JSONValue.parse(enhanced)))
        #expect(try JSONValue.parse(enhanced).value(at: "input.expand_prompt") == nil)
    }

    @Test func pixwithTextBodyMatchesTheSeedExample() throws {
        let request = GenerationRequest(
            prompt: "A cat walking in the garden", duration: 5, aspectRatio: "16:9", resolution: "540p",
            enhancePrompt: true)
        let body = try JSONValue.parse(client(.pixwith).createBody(for: request))
        #expect(body == (try Samples.json("pixwith/create-request-text.json")))
    }

    @Test func pixwithImageBodyMatchesTheSeedExample() throws {
        let seed = try Samples.json("pixwith/create-request-image.json")
        let request = GenerationRequest(
            prompt: "A cat walking in the garden",
            startImage: .url(try #require(seed.httpURL(at: "image_urls.0"))),
            endImage: .url(try #require(seed.httpURL(at: "image_urls.1"))),
            resolution: "540p", enhancePrompt: true)
        let body = try JSONValue.parse(client(.pixwith).createBody(for: request))
        #expect(body == seed)
    }

    @Test func pixwithContinuationFromAStartImageUsesTheImageToVideoModel() throws {
        let request = GenerationRequest(
            prompt: "keep walking", startImage: .url(URL(string: "https://img.example/last-frame.png")!))
        let body = try JSONValue.parse(client(.pixwith).createBody(for: request))
        #expect(body.string(at: "model_id") == "3-4")
        #expect(body.value(at: "image_urls") == .array([.string("https://img.example/last-frame.png")]))
    }

    @Test func pixwithRefusesATextToVideoModelForAContinuation() throws {
        let request = GenerationRequest(
            prompt: "keep walking", startImage: .url(URL(string: "https://img.example/last-frame.png")!), model: "2-4")
        let error = #expect(throws: ProviderError.self) { try client(.pixwith).createBody(for: request) }
        #expect(error?.kind == .invalidRequest)
        #expect(error?.field == "model")
    }

    @Test func pixwithDefaultsTheRequiredResolutionAndModel() throws {
        let body = try JSONValue.parse(
            client(.pixwith).createBody(for: GenerationRequest(prompt: "a cat", duration: 9)))
        #expect(body.string(at: "options.resolution") == "720p")
        #expect(body.string(at: "model_id") == "2-4")
        #expect(body.value(at: "options.duration") == .number(9))
        #expect(body["image_urls"] == nil)
    }

    @Test func lumaBodyUsesStringDurationsAndImageKeyframes() throws {
        let request = GenerationRequest(
            prompt: "A tiger walking in snow", startImage: .url(URL(string: "https://cdn.example/a.jpg")!),
            endImage: .url(URL(string: "https://cdn.example/b.jpg")!), duration: 9, aspectRatio: "9:16",
            resolution: "720p", webhookURL: URL(string: "https://hooks.example/luma?token=t"))
        let body = try JSONValue.parse(client(.luma).createBody(for: request))
        #expect(body.string(at: "model") == "ray-2")
        #expect(body.string(at: "duration") == "9s")
        #expect(body.string(at: "resolution") == "720p")
        #expect(body.string(at: "aspect_ratio") == "9:16")
        #expect(body["loop"] == .bool(false))
        #expect(
            body.value(at: "keyframes.frame0")
                == .object(["type": .string("image"), "url": .string("https://cdn.example/a.jpg")]))
        #expect(
            body.value(at: "keyframes.frame1")
                == .object(["type": .string("image"), "url": .string("https://cdn.example/b.jpg")]))
        #expect(body.string(at: "callback_url") == "https://hooks.example/luma?token=t")
    }

    @Test func lumaExtendPutsThePreviousGenerationInFrame0() throws {
        let request = GenerationRequest(prompt: "", extend: ExtendSource(taskID: "d1968551"))
        let body = try JSONValue.parse(client(.luma).createBody(for: request))
        #expect(
            body.value(at: "keyframes.frame0") == .object(["type": .string("generation"), "id": .string("d1968551")]))
        #expect(body["prompt"] == nil)
        #expect(body.value(at: "keyframes.frame1") == nil)
    }

    @Test func lumaOmitsDurationAndResolutionForRay16() throws {
        let body = try JSONValue.parse(
            client(.luma).createBody(for: GenerationRequest(prompt: "a cat", model: "ray-1-6")))
        #expect(body["duration"] == nil)
        #expect(body["resolution"] == nil)
    }
}
