import Foundation

/// A provider API key whose value never leaves the clients.
///
/// `description`, `debugDescription`, reflection and `Encodable` all print `<redacted>`; only the
/// clients in this module read the value, to put it into the one header that needs it.
/// Decoding reads the plain string, so keys can come from a configuration file.
public struct APIKey: Hashable, Sendable, Codable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    let value: String

    /// Wraps a key; surrounding whitespace (a trailing newline from a file) is removed.
    public init(_ value: String) {
        self.value = value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Whether the key is empty after trimming.
    public var isEmpty: Bool { value.isEmpty }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "APIKey(<redacted>)" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode("<redacted>")
    }

    /// `text` with every occurrence of the key replaced by `<redacted>` (for error bodies a server echoes).
    func redact(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        return text.replacingOccurrences(of: value, with: "<redacted>")
    }
}
