import Crypto
import Foundation

/// The directory clips, thumbnails and uploads live in, and the signed, expiring links that reach them.
///
/// A link is `<base>/files/<name>?token=<nonce>.<expires>.<signature>`: the signature is an HMAC-SHA256 of
/// name, nonce and expiry under a key that lives only in this process; the nonce makes every minted link
/// distinct, so a re-fetched task always carries a fresh URL.
struct FileStore: Sendable {
    let directory: URL
    /// The HMAC key's bytes (SymmetricKey itself is not Sendable).
    private let signingKey: [UInt8]
    private let lifetime: Double

    init(directory: URL, lifetime: Double) {
        self.directory = directory
        self.signingKey = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        self.lifetime = lifetime
    }

    /// Creates `directory` (or a fresh temporary one).
    static func make(directory: URL?, lifetime: Double) throws -> FileStore {
        let url =
            directory
            ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("clipkit-sandbox-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return FileStore(directory: url, lifetime: lifetime)
    }

    /// The local path of stored file `name` (a flat name: no slashes).
    func path(of name: String) -> String { directory.appendingPathComponent(name).path }

    /// Whether `name` is a plain stored file name (letters, digits, `-_.`; no path traversal).
    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 200 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy {
                CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0)
            }
    }

    /// A fresh signed URL for `name`, valid for the configured lifetime (or `lifetime` seconds).
    func link(to name: String, baseURL: String, lifetime: Double? = nil, now: Date = Date()) -> String {
        let expires = Int(now.timeIntervalSince1970 + (lifetime ?? self.lifetime))
        let nonce = UUID().uuidString.prefix(8).lowercased()
        return
            "\(baseURL)/files/\(name)?token=\(nonce).\(expires).\(signature(name: name, nonce: nonce, expires: expires))"
    }

    /// Why `token` does not open `name`, or nil when it does.
    func refusal(name: String, token: String?, now: Date = Date()) -> String? {
        guard let token else { return "the link has no token" }
        let parts = token.split(separator: ".").map(String.init)
        guard parts.count == 3, let expires = Int(parts[1]),
            signature(name: name, nonce: parts[0], expires: expires) == parts[2]
        else { return "the link's token is invalid" }
        guard Double(expires) >= now.timeIntervalSince1970 else { return "the link expired" }
        return nil
    }

    private func signature(name: String, nonce: String, expires: Int) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(name)|\(nonce)|\(expires)".utf8), using: SymmetricKey(data: signingKey))
        return mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
