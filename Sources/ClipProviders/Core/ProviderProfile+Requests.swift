import Foundation

extension ProviderProfile {
    /// The request with every default filled in explicitly (model, resolution), then validated: what
    /// this returns is exactly what the create call sends, so the journal and the sidecar can record it.
    /// - Throws: ``ProviderError`` of kind ``ProviderError/Kind/invalidRequest``.
    public func resolve(_ request: GenerationRequest) throws -> GenerationRequest {
        var resolved = request
        let withImages = request.startImage != nil || request.endImage != nil
        resolved.model = request.model ?? defaultModel(withImages: withImages)
        if let resolutions {
            resolved.resolution = request.resolution?.lowercased() ?? resolutions.sentByDefault
        }
        if provider == .luma && resolved.model == "ray-1-6" && request.resolution == nil {
            // Ray 1.6 takes neither duration nor resolution.
            resolved.resolution = nil
        }
        if request.extend != nil, let nativeExtend, nativeExtend.inheritsShape {
            // The continuation inherits the shape of the task it continues; nothing else is sent.
            resolved.model = nil
        }
        try validate(resolved)
        return resolved
    }

    /// Checks a request against what the provider documents, without any network access.
    /// - Throws: ``ProviderError`` of kind ``ProviderError/Kind/invalidRequest`` naming the field, the value
    ///   and what is accepted.
    public func validate(_ request: GenerationRequest) throws {
        func fail(_ field: String, _ value: String, _ accepted: String) -> ProviderError {
            .invalidRequest(field: field, value: value, accepted: accepted, provider: provider)
        }
        let list = RequestValidation.list
        let quoted = RequestValidation.quoted
        let withImages = request.startImage != nil || request.endImage != nil
        let keyframed = withImages || request.extend != nil

        let prompt = request.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        if prompt.isEmpty {
            if promptRequiredWithImages || !keyframed { throw fail("prompt", "\"\"", "a non-empty prompt") }
        } else if !promptLength.contains(prompt.count) {
            throw fail(
                "prompt", "of \(prompt.count) characters",
                "\(promptLength.lowerBound) to \(promptLength.upperBound) characters")
        }

        if !durations.accepted.contains(request.duration) {
            throw fail("duration", "\(request.duration) s", list(durations.accepted.map { "\($0)" }) + " s")
        }
        if withImages, let narrower = durationsWithImages, !narrower.contains(request.duration) {
            throw fail(
                "duration", "\(request.duration) s with a start or end image",
                list(narrower.map { "\($0)" }) + " s when images are given")
        }
        if let aspectRatios, !aspectRatios.accepted.contains(request.aspectRatio) {
            throw fail("aspect ratio", quoted(request.aspectRatio), list(aspectRatios.accepted))
        }
        if let resolution = request.resolution {
            guard let resolutions else {
                throw fail(
                    "resolution", quoted(resolution),
                    "no resolution option; \(provider.displayName) chooses the output size, leave it unset")
            }
            if !resolutions.accepted.contains(resolution.lowercased()) {
                throw fail("resolution", quoted(resolution), list(resolutions.accepted))
            }
        }
        if let id = request.model {
            guard let model = model(id) else { throw fail("model", quoted(id), list(models.map(\.id))) }
            if withImages && !model.imageToVideo {
                let other = models.filter(\.imageToVideo).map(\.id)
                throw fail(
                    "model", "\(quoted(id)) with a start or end image",
                    "an image-to-video model (\(list(other))); a text-to-video model may ignore the image")
            }
            if !withImages && request.extend == nil && !model.textToVideo {
                let other = models.filter(\.textToVideo).map(\.id)
                throw fail("model", "\(quoted(id)) without an image", "a text-to-video model (\(list(other)))")
            }
            if provider == .luma && id == "ray-1-6" && (request.duration != 5 || request.resolution != nil) {
                throw fail("duration/resolution", "with ray-1-6", "duration and resolution only with ray-2 or ray-flash-2")
            }
        }

        for (field, image) in [("start image", request.startImage), ("end image", request.endImage)] {
            switch image {
            case .dataURI(let uri):
                if !imageDelivery.contains(.dataURI) {
                    throw fail(
                        field, "given as a data URI",
                        imageDelivery.contains(.upload)
                            ? "an http(s) URL; upload the file first" : "an http(s) URL the provider can fetch")
                }
                if !uri.hasPrefix("data:image/") || !uri.contains(";base64,") {
                    throw fail(field, "data URI \(uri.prefix(24))...", "data:image/<type>;base64,<data>")
                }
            case .url(let url):
                if !RequestValidation.isHTTP(url) { throw fail(field, quoted(url.absoluteString), "an http(s) URL") }
            case nil: break
            }
        }
        if endImageNeedsStartImage && request.endImage != nil && request.startImage == nil && request.extend == nil {
            throw fail("end image", "without a start image", "an end image only after a start image")
        }
        if request.loop {
            if !loop { throw fail("loop", "true", "no loop option") }
            if request.endImage != nil { throw fail("loop", "with an end image", "loop only without an end image") }
        }
        if let extend = request.extend {
            guard let nativeExtend else {
                throw fail(
                    "extend", quoted(extend.taskID),
                    "no native extend; start the next clip from the previous clip's last frame instead")
            }
            if extend.taskID.trimmingCharacters(in: .whitespaces).isEmpty {
                throw fail("extend", "with an empty task id", "the id of a previous task")
            }
            if request.startImage != nil {
                throw fail("start image", "together with extend", "either extend or a start image")
            }
            if request.loop && !nativeExtend.loop {
                throw fail("loop", "with extend", "no loop option when extending")
            }
            if request.endImage != nil && !nativeExtend.endImage {
                throw fail("end image", "with extend", "no end image when extending")
            }
        }
        if let url = request.webhookURL {
            if webhooks == .none {
                throw fail("webhook URL", quoted(url.absoluteString), "none; this provider sends no callbacks, it is polled")
            }
            if !RequestValidation.isHTTP(url) { throw fail("webhook URL", quoted(url.absoluteString), "an http(s) URL") }
        }
        if request.webhookSecret != nil && webhooks != .sharedSecretHeader {
            throw fail(
                "webhook secret", "<set>", "none; this provider signs nothing, put an unguessable token in the webhook URL instead")
        }
        if request.webhookSecret != nil && request.webhookURL == nil {
            throw fail("webhook secret", "<set>", "a secret only together with a webhook URL")
        }
    }
}
