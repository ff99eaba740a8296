import Foundation

extension JSONEncoder {
    /// Sorted keys, unescaped slashes: the journal's and the sidecars' JSON, stable byte for byte.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
