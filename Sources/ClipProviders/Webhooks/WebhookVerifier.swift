import Crypto
import Foundation

/// Checks PiAPI's `x-webhook-secret` header: a shared secret sent verbatim, compared in constant time.
public struct WebhookVerifier: Sendable {
    /// The header PiAPI puts the secret in.
    public static let piapiSecretHeader = "x-webhook-secret"

    private let expectedDigest: [UInt8]

    /// - Parameter secret: the secret sent as `config.webhook_config.secret` when the task was created.
    public init(secret: String) {
        expectedDigest = Array(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Whether the received header value equals the secret. A missing header never matches.
    ///
    /// Both sides are hashed first, so the comparison takes the same time whatever the length or content of
    /// the value received.
    public func isValid(headerValue: String?) -> Bool {
        guard let headerValue else { return false }
        let received = Array(SHA256.hash(data: Data(headerValue.utf8)))
        return Self.constantTimeEquals(received, expectedDigest)
    }

    /// Compares two byte arrays without an early exit.
    public static func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for i in a.indices { difference |= a[i] ^ b[i] }
        return difference == 0
    }
}
