import Foundation

/// Helpers for the request checks in ``ProviderProfile/validate(_:)``.
enum RequestValidation {
    /// Luma's documented prompt limit; the resellers forward to the same backend.
    static let maximumPromptLength = 5000

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
