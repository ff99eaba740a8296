/// Why a download failed. URLs are shown as host and path only (presigned query strings are secrets).
public struct DownloadError: Error, CustomStringConvertible, Hashable, Sendable {
    /// The failure category, for `switch`ing.
    public enum Kind: String, Hashable, Sendable {
        case unsupportedScheme, httpStatus, tooLarge, contentLengthMismatch, incomplete, verificationFailed
        case fileSystem, linkExpired, forbiddenAddress
    }

    private enum Base: Hashable, Sendable {
        case unsupportedScheme(String)
        case httpStatus(Int, location: String)
        case tooLarge(limit: Int64, announced: Int64?)
        case contentLengthMismatch(expected: Int64, actual: Int64)
        case incomplete(received: Int64, expected: Int64?, attempts: Int, lastError: String)
        case verificationFailed(String)
        case fileSystem(String)
        case linkExpired(status: Int, location: String)
        case forbiddenAddress(location: String, address: String, kind: String)
    }

    private let base: Base

    private init(_ base: Base) { self.base = base }

    public var kind: Kind {
        switch base {
        case .unsupportedScheme: .unsupportedScheme
        case .httpStatus: .httpStatus
        case .tooLarge: .tooLarge
        case .contentLengthMismatch: .contentLengthMismatch
        case .incomplete: .incomplete
        case .verificationFailed: .verificationFailed
        case .fileSystem: .fileSystem
        case .linkExpired: .linkExpired
        case .forbiddenAddress: .forbiddenAddress
        }
    }

    public var description: String {
        switch base {
        case .unsupportedScheme(let scheme):
            return "refusing to download a \"\(scheme)\" URL: only http and https are allowed"
        case .httpStatus(let code, let location):
            return "download from \(location) failed with HTTP \(code)"
        case .tooLarge(let limit, let announced?):
            return "download refused: the server announced \(announced) bytes, above the \(limit)-byte limit"
        case .tooLarge(let limit, nil):
            return "download stopped: more than \(limit) bytes received"
        case .contentLengthMismatch(let expected, let actual):
            return "download is corrupt: expected \(expected) bytes but the server sent \(actual)"
        case .incomplete(let received, let expected, let attempts, let lastError):
            let of = expected.map { " of \($0)" } ?? ""
            return "download incomplete after \(attempts) attempts: \(received)\(of) bytes received (\(lastError))"
        case .verificationFailed(let message):
            return "downloaded file failed verification: \(message)"
        case .fileSystem(let message):
            return "cannot write the download: \(message)"
        case .linkExpired(let status, let location):
            return "the link to \(location) has expired (HTTP \(status)) and no fresh link could be obtained"
        case .forbiddenAddress(let location, let address, let kind):
            return "refusing to download from \(location): it resolves to \(address) (\(kind)); only public addresses and the provider's own kind of network are allowed"
        }
    }

    static func unsupportedScheme(_ scheme: String) -> Self { .init(.unsupportedScheme(scheme)) }
    static func httpStatus(_ code: Int, location: String) -> Self { .init(.httpStatus(code, location: location)) }
    static func tooLarge(limit: Int64, announced: Int64?) -> Self {
        .init(.tooLarge(limit: limit, announced: announced))
    }
    static func contentLengthMismatch(expected: Int64, actual: Int64) -> Self {
        .init(.contentLengthMismatch(expected: expected, actual: actual))
    }
    static func incomplete(received: Int64, expected: Int64?, attempts: Int, lastError: String) -> Self {
        .init(.incomplete(received: received, expected: expected, attempts: attempts, lastError: lastError))
    }
    static func verificationFailed(_ message: String) -> Self { .init(.verificationFailed(message)) }
    static func fileSystem(_ message: String) -> Self { .init(.fileSystem(message)) }
    static func forbiddenAddress(location: String, address: String, kind: String) -> Self {
        .init(.forbiddenAddress(location: location, address: address, kind: kind))
    }
    static func linkExpired(status: Int, location: String) -> Self {
        .init(.linkExpired(status: status, location: location))
    }
}
