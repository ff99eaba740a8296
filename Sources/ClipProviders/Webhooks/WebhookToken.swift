import Crypto
import Foundation

/// Unguessable per-task tokens for callback URLs, for providers that sign nothing (Luma, KKIAI).
///
/// The callback URL is fixed before the provider assigns a task id, so tokens are derived from a local
/// task key (a job id): `token = base64url(HMAC-SHA256(localSecret, taskKey))`. The receiver recomputes it
/// and compares in constant time; no token table is needed, and a leaked token opens only one task's hint.
public struct WebhookToken: Sendable {
    private let secret: Data
    private var key: SymmetricKey { SymmetricKey(data: secret) }

    /// - Parameter secret: at least 32 bytes of local secret (see ``generateSecret()``).
    public init(secret: Data) {
        self.secret = secret
    }

    /// 32 random bytes, base64url-encoded; store it locally (e.g. in the journal's settings).
    public static func generateSecret() -> String {
        base64URL(Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }))
    }

    /// Decodes a secret made by ``generateSecret()``.
    public init?(encodedSecret: String) {
        guard let data = Self.decodeBase64URL(encodedSecret), data.count >= 16 else { return nil }
        self.init(secret: data)
    }

    /// A random single-use token (32 bytes, base64url) for callers that prefer to store tokens.
    public static func random() -> String {
        generateSecret()
    }

    /// The token for a local task key.
    public func token(for taskKey: String) -> String {
        Self.base64URL(Data(HMAC<SHA256>.authenticationCode(for: Data(taskKey.utf8), using: key)))
    }

    /// Whether `token` is the one issued for `taskKey` (constant-time).
    public func isValid(_ token: String, for taskKey: String) -> Bool {
        guard let received = Self.decodeBase64URL(token) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(received, authenticating: Data(taskKey.utf8), using: key)
    }

    /// `base` with `?key=<taskKey>&token=<token>` appended (keeping any existing query).
    public func callbackURL(base: URL, taskKey: String) -> URL {
        var components = URLComponents(url: base, resolvingAgainstBaseURL: false)!
        var items = components.queryItems ?? []
        items.append(URLQueryItem(name: "key", value: taskKey))
        items.append(URLQueryItem(name: "token", value: token(for: taskKey)))
        components.queryItems = items
        return components.url!
    }

    /// Checks a callback URL built by ``callbackURL(base:taskKey:)``; returns its task key when valid.
    public func verifiedTaskKey(in url: URL) -> String? {
        let items = URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []
        guard let key = items.first(where: { $0.name == "key" })?.value,
            let token = items.first(where: { $0.name == "token" })?.value,
            isValid(token, for: key)
        else { return nil }
        return key
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decodeBase64URL(_ string: String) -> Data? {
        var s = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s)
    }
}
