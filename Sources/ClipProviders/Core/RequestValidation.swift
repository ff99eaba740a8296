import Foundation

/// The checks every client runs before sending anything: values against ``ProviderCapabilities``,
/// then the rules the providers share. Provider-specific rules follow in each client's `validate`.
enum RequestValidation {
    /// Luma's documented prompt limit; the resellers forward to the same backend.
    static let maximumPromptLength = 5000

    static func validateCommon(
        _ request: GenerationRequest,
        capabilities caps: ProviderCapabilities,
        provider: ProviderKind,
        promptRequired: Bool = true
    ) throws {
        func fail(_ field: String, _ value: String, _ accepted: String) -> ProviderError {
            .invalidRequest(field: field, value: value, accepted: accepted, provider: provider)
        }
        let prompt = request.prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        if prompt.isEmpty && promptRequired {
            throw fail("prompt", "\"\"", "a non-empty prompt")
        }
        if request.prompt.count > maximumPromptLength {
            throw fail("prompt", "of \(request.prompt.count) characters", "at most \(maximumPromptLength) characters")
        }
        if !caps.durations.contains(request.duration) {
            throw fail("duration", "\(request.duration) s", list(caps.durations.map { "\($0)" }) + " s")
        }
        if !caps.aspectRatios.contains(request.aspectRatio) {
            throw fail("aspect ratio", quoted(request.aspectRatio), list(caps.aspectRatios))
        }
        if let resolution = request.resolution {
            if caps.resolutions.isEmpty {
                throw fail(
                    "resolution", quoted(resolution),
                    "no resolution option; \(provider.displayName) chooses the output size, leave it unset")
            }
            if !caps.resolutions.contains(resolution.lowercased()) {
                throw fail("resolution", quoted(resolution), list(caps.resolutions))
            }
        }
        if let model = request.model, !caps.models.contains(model) {
            throw fail("model", quoted(model), list(caps.models))
        }
        for (field, image) in [("start image", request.startImage), ("end image", request.endImage)] {
            switch image {
            case .dataURI(let uri):
                if !caps.acceptsDataURI {
                    throw fail(
                        field, "given as a data URI",
                        caps.uploadsImages
                            ? "an http(s) URL; upload the file first" : "an http(s) URL the provider can fetch")
                }
                if !uri.hasPrefix("data:image/") || !uri.contains(";base64,") {
                    throw fail(field, "data URI \(uri.prefix(24))...", "data:image/<type>;base64,<data>")
                }
            case .url(let url):
                if !isHTTP(url) {
                    throw fail(field, quoted(url.absoluteString), "an http(s) URL")
                }
            case nil: break
            }
        }
        if request.loop && request.endImage != nil {
            throw fail("loop", "with an end image", "loop only without an end image")
        }
        if let extend = request.extend {
            if !caps.nativeExtend {
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
        }
        if let url = request.webhookURL {
            if caps.webhooks == .none {
                throw fail(
                    "webhook URL", quoted(url.absoluteString), "none; this provider sends no callbacks, it is polled")
            }
            if !isHTTP(url) {
                throw fail("webhook URL", quoted(url.absoluteString), "an http(s) URL")
            }
        }
        if request.webhookSecret != nil && caps.webhooks != .sharedSecretHeader {
            throw fail(
                "webhook secret", "<set>",
                "none; this provider signs nothing, put an unguessable token in the webhook URL instead")
        }
        if request.webhookSecret != nil && request.webhookURL == nil {
            throw fail("webhook secret", "<set>", "a secret only together with a webhook URL")
        }
    }

    static func isHTTP(_ url: URL) -> Bool {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil
        else { return false }
        return true
    }

    static func quoted(_ s: String) -> String { "\"\(s)\"" }

    /// `"5 or 10"`, `"540p, 720p or 1080p"`.
    static func list(_ values: [String]) -> String {
        switch values.count {
        case 0: return "none"
        case 1: return values[0]
        default: return values.dropLast().joined(separator: ", ") + " or " + values.last!
        }
    }
}
