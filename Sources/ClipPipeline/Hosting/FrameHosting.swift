import ClipProviders
import Foundation

/// How a local image (a start image, or the last frame that starts the next segment) reaches a
/// provider that only reads URLs or inline data.
public enum FrameHosting: String, Sendable, Codable, CaseIterable {
    /// Pick what the provider supports: inline, else its upload endpoint, else ClipKit's own server.
    case auto
    /// Inline as a `data:` URI in the request.
    case dataURI = "data-uri"
    /// The provider's own upload endpoint (PiAPI's ephemeral upload, kept 24 h).
    case upload
    /// ClipKit's own HTTP server, at `--public-url` (a tunnel) or on loopback (the sandbox).
    case server
    /// An S3-compatible bucket, uploaded with a presigned PUT and read through a presigned GET.
    case s3

    /// The concrete strategy for `capabilities`.
    public func resolved(for capabilities: ProviderCapabilities) -> FrameHosting {
        guard self == .auto else { return self }
        switch capabilities.defaultLocalImageDelivery {
        case .dataURI: return .dataURI
        case .providerUpload: return .upload
        case .publicURL: return .server
        }
    }
}

/// Turns local image files into something the provider can read, by the chosen ``FrameHosting``.
public struct FrameHost: Sendable {
    public let strategy: FrameHosting
    private let provider: any VideoGenerationProvider
    private let server: ClipServer?
    private let bucket: S3Bucket?

    /// - Throws: when the strategy needs a server or a bucket that was not given, or the provider
    ///   cannot take it (e.g. a data URI for a provider that reads URLs only).
    public init(
        strategy: FrameHosting, provider: any VideoGenerationProvider, server: ClipServer? = nil, bucket: S3Bucket? = nil
    ) throws {
        let resolved = strategy.resolved(for: provider.capabilities)
        switch resolved {
        case .dataURI where !provider.capabilities.acceptsDataURI:
            throw PipelineError("\(provider.kind.displayName) does not take images inline; use --frame-hosting upload, server or s3")
        case .upload where !provider.capabilities.uploadsImages:
            throw PipelineError("\(provider.kind.displayName) has no upload endpoint; use --frame-hosting server or s3")
        case .server where server == nil:
            throw PipelineError("--frame-hosting server needs ClipKit's server (internal error)")
        case .s3 where bucket == nil:
            throw PipelineError("--frame-hosting s3 needs --s3-bucket (and credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)")
        default: break
        }
        self.strategy = resolved
        self.provider = provider
        self.server = server
        self.bucket = bucket
    }

    /// An image source for the file at `path`.
    public func source(for path: String) async throws -> ImageSource {
        let url = URL(fileURLWithPath: path)
        switch strategy {
        case .dataURI, .auto:
            return try ImageSource.dataURI(contentsOf: url)
        case .upload:
            let data = try Data(contentsOf: url)
            return .url(try await provider.uploadImage(data, fileName: url.lastPathComponent))
        case .server:
            return .url(await server!.host(file: path))
        case .s3:
            return .url(try await bucket!.upload(file: url))
        }
    }

    /// What the journal records about a hosted image (never a whole data URI).
    public static func describe(_ source: ImageSource) -> String {
        source.isDataURI ? "data-uri" : source.wireValue
    }
}
