import Foundation

/// Members removed from raw provider bodies before they are kept in a ``TaskSnapshot`` (and so in sidecars):
/// PiAPI echoes `config.webhook_config.secret` in every task answer.
enum SnapshotRedaction {
    static let keys: Set<String> = ["secret", "webhook_secret", "api_key", "apikey", "x-api-key", "authorization"]

    /// The body with secret members redacted and the key itself replaced anywhere it appears.
    static func redact(_ json: JSONValue, apiKey: APIKey?) -> Data {
        let data = json.redacting(keys: keys).encoded()
        guard let apiKey, !apiKey.isEmpty else { return data }
        let text = String(decoding: data, as: UTF8.self)
        return Data(apiKey.redact(text).utf8)
    }
}
