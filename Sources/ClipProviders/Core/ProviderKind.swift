/// The video-generation services ClipKit can talk to.
///
/// The raw value is the name used on the command line, in environment variable names
/// (`PIAPI_API_KEY`, `CLIPKIT_PIAPI_BASE_URL`) and in the configuration file.
public enum ProviderKind: String, Codable, CaseIterable, Sendable {
    /// PiAPI (`api.piapi.ai`), a reseller in front of the Dream Machine web app.
    case piapi
    /// KKIAI (`www.kkiai.com`), a reseller speaking the web app's generation format.
    case kkiai
    /// Pixwith (`api.pixwith.ai`), an aggregator with integer status codes.
    case pixwith
    /// Luma's own Dream Machine API (`api.lumalabs.ai`).
    case luma

    /// A human-readable name for messages.
    public var displayName: String {
        switch self {
        case .piapi: "PiAPI"
        case .kkiai: "KKIAI"
        case .pixwith: "Pixwith"
        case .luma: "Luma"
        }
    }

    /// The provider's public base URL (scheme and host; the clients add the API paths).
    public var defaultBaseURL: String {
        switch self {
        case .piapi: "https://api.piapi.ai"
        case .kkiai: "https://www.kkiai.com"
        case .pixwith: "https://api.pixwith.ai"
        case .luma: "https://api.lumalabs.ai"
        }
    }

    /// The environment variable that holds the provider's API key.
    public var apiKeyEnvironmentVariable: String { "\(rawValue.uppercased())_API_KEY" }

    /// The environment variable that overrides the provider's base URL.
    public var baseURLEnvironmentVariable: String { "CLIPKIT_\(rawValue.uppercased())_BASE_URL" }
}
