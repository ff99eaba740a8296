import Foundation

/// Where a client sends its requests and with which key.
///
/// ``resolve(_:apiKey:baseURL:uploadBaseURL:environment:configFile:)`` takes each value from the first source
/// that has it: explicit values (command-line flags), then the environment (`PIAPI_API_KEY`,
/// `CLIPKIT_PIAPI_BASE_URL`, ...), then the configuration file, then the provider's public default URL.
public struct ProviderConfiguration: Sendable, CustomStringConvertible {
    /// Where a value came from.
    public enum Source: Hashable, Sendable, CustomStringConvertible {
        case explicit
        case environment(String)
        case configFile(String)
        case builtInDefault
        case missing

        public var description: String {
            switch self {
            case .explicit: "command line"
            case .environment(let name): "environment variable \(name)"
            case .configFile(let path): "config file \(path)"
            case .builtInDefault: "built-in default"
            case .missing: "not set"
            }
        }
    }

    public var kind: ProviderKind
    public var baseURL: URL
    public var apiKey: APIKey?
    /// PiAPI's ephemeral-upload service, which lives on its own host.
    public var uploadBaseURL: URL?
    public var baseURLSource: Source
    public var apiKeySource: Source

    public init(
        kind: ProviderKind,
        baseURL: URL? = nil,
        apiKey: APIKey? = nil,
        uploadBaseURL: URL? = nil
    ) {
        self.kind = kind
        self.baseURL = baseURL ?? URL(string: kind.defaultBaseURL)!
        self.apiKey = apiKey
        self.uploadBaseURL = uploadBaseURL ?? (kind == .piapi ? URL(string: Self.piapiUploadBaseURL)! : nil)
        self.baseURLSource = baseURL == nil ? .builtInDefault : .explicit
        self.apiKeySource = apiKey == nil ? .missing : .explicit
    }

    /// PiAPI's default upload host.
    public static let piapiUploadBaseURL = "https://upload.theapi.app"

    /// The environment variable naming the configuration file.
    public static let configFileEnvironmentVariable = "CLIPKIT_CONFIG"

    /// `$CLIPKIT_CONFIG`, else `$XDG_CONFIG_HOME/clipkit/config.json`, else `~/.config/clipkit/config.json`.
    public static func defaultConfigFile(environment: [String: String]) -> URL {
        if let path = environment[configFileEnvironmentVariable], !path.isEmpty {
            return URL(fileURLWithPath: path)
        }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("clipkit/config.json")
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return URL(fileURLWithPath: home).appendingPathComponent(".config/clipkit/config.json")
    }

    /// Resolves a provider's configuration from explicit values, the environment and the config file.
    ///
    /// The config file is JSON:
    /// ```json
    /// { "providers": { "piapi": { "apiKey": "...", "baseURL": "https://api.piapi.ai",
    ///                             "uploadBaseURL": "https://upload.theapi.app" } } }
    /// ```
    /// - Parameters:
    ///   - kind: the provider.
    ///   - apiKey: an explicit key (a flag); wins over everything.
    ///   - baseURL: an explicit base URL; wins over everything.
    ///   - uploadBaseURL: an explicit upload base URL (PiAPI).
    ///   - environment: the process environment.
    ///   - configFile: the file to read; `nil` uses ``defaultConfigFile(environment:)``, where a missing
    ///     file is fine. An explicitly named file must exist.
    /// - Throws: ``ConfigurationError`` for an unreadable or malformed file or an invalid URL.
    public static func resolve(
        _ kind: ProviderKind,
        apiKey: String? = nil,
        baseURL: String? = nil,
        uploadBaseURL: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        configFile: URL? = nil
    ) throws -> ProviderConfiguration {
        let explicitFile = configFile != nil || environment[configFileEnvironmentVariable].map { !$0.isEmpty } == true
        let file = configFile ?? defaultConfigFile(environment: environment)
        let entry = try ConfigFile.load(file, required: explicitFile)?.providers[kind.rawValue]

        var configuration = ProviderConfiguration(kind: kind)

        let keyCandidates: [(String?, Source)] = [
            (apiKey, .explicit),
            (environment[kind.apiKeyEnvironmentVariable], .environment(kind.apiKeyEnvironmentVariable)),
            (entry?.apiKey, .configFile(file.path)),
        ]
        if let (value, source) = firstNonEmpty(keyCandidates) {
            configuration.apiKey = APIKey(value)
            configuration.apiKeySource = source
        }

        let urlCandidates: [(String?, Source)] = [
            (baseURL, .explicit),
            (environment[kind.baseURLEnvironmentVariable], .environment(kind.baseURLEnvironmentVariable)),
            (entry?.baseURL, .configFile(file.path)),
        ]
        if let (value, source) = firstNonEmpty(urlCandidates) {
            configuration.baseURL = try parseURL(value, what: "\(kind.displayName) base URL", source: source)
            configuration.baseURLSource = source
        }

        let uploadVariable = "CLIPKIT_\(kind.rawValue.uppercased())_UPLOAD_BASE_URL"
        let uploadCandidates: [(String?, Source)] = [
            (uploadBaseURL, .explicit),
            (environment[uploadVariable], .environment(uploadVariable)),
            (entry?.uploadBaseURL, .configFile(file.path)),
        ]
        if let (value, source) = firstNonEmpty(uploadCandidates) {
            configuration.uploadBaseURL = try parseURL(value, what: "\(kind.displayName) upload URL", source: source)
        }
        return configuration
    }

    public var description: String {
        "\(kind.displayName) at \(baseURL.absoluteString) (base URL from \(baseURLSource), key from \(apiKeySource))"
    }

    private static func firstNonEmpty(_ candidates: [(String?, Source)]) -> (String, Source)? {
        for (value, source) in candidates {
            if let value = value?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
                return (value, source)
            }
        }
        return nil
    }

    private static func parseURL(_ value: String, what: String, source: Source) throws -> URL {
        guard let url = URL(string: value), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", url.host != nil
        else {
            throw ConfigurationError("\(what) \"\(value)\" from \(source) is not an http(s) URL")
        }
        return url
    }
}

/// The on-disk configuration file.
struct ConfigFile: Decodable {
    struct Entry: Decodable {
        var apiKey: String?
        var baseURL: String?
        var uploadBaseURL: String?
    }

    var providers: [String: Entry]

    private enum CodingKeys: String, CodingKey { case providers }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        providers = try c.decodeIfPresent([String: Entry].self, forKey: .providers) ?? [:]
    }

    static func load(_ url: URL, required: Bool) throws -> ConfigFile? {
        guard FileManager.default.fileExists(atPath: url.path) else {
            if required { throw ConfigurationError("config file \(url.path) does not exist") }
            return nil
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ConfigurationError("cannot read config file \(url.path)")
        }
        do {
            return try JSONDecoder().decode(ConfigFile.self, from: data)
        } catch {
            // The decoder's message is safe (paths and types only, never values).
            throw ConfigurationError(
                "config file \(url.path) is not valid: \(ProviderHTTPClient.describe(error))")
        }
    }
}

/// A problem with the configuration (file, environment, flags).
public struct ConfigurationError: Error, CustomStringConvertible, Hashable, Sendable {
    public let description: String

    init(_ description: String) {
        self.description = description
    }
}
