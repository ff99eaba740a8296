/// What a `Range` header asks of a representation of a known length, as RFC 9110 §14 reads it.
///
/// - A single `bytes` range (`a-b`, `a-`, or the suffix `-N`: the last N bytes) that overlaps the
///   representation is ``satisfiable(_:)``, clamped to the representation: 206.
/// - A range starting at or past the end, or a suffix of zero bytes, is ``unsatisfiable``: 416 with
///   `Content-Range: bytes */LENGTH`.
/// - Anything else is ``ignored`` and the whole representation is served (200), as §14.2 allows: another
///   unit, a malformed or invalid specifier (`bytes=5-2`, `bytes=x`), several ranges (ClipKit does not
///   send multipart/byteranges; browsers and players ask for one range), or any range of an empty file.
public enum ByteRangeRequest: Equatable, Sendable {
    case ignored
    case satisfiable(ClosedRange<Int>)
    case unsatisfiable

    public init(header: String, length: Int) {
        self = Self.parse(header, length: length)
    }

    private enum Spec {
        case from(first: Int?, last: Int?)  // nil first: too large to represent, so past any end
        case suffix(Int)
    }

    private static func parse(_ header: String, length: Int) -> ByteRangeRequest {
        guard let equals = header.firstIndex(of: "=") else { return .ignored }
        let unit = header[..<equals].trimmingCharacters(in: .whitespaces)
        guard unit.lowercased() == "bytes" else { return .ignored }
        let specs = header[header.index(after: equals)...].split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard specs.count == 1, let spec = parseSpec(specs[0]) else { return .ignored }
        guard length > 0 else { return .ignored }
        switch spec {
        case .suffix(let count):
            guard count > 0 else { return .unsatisfiable }
            return .satisfiable(max(0, length - count)...(length - 1))
        case .from(let first, let last):
            guard let first, first < length else { return .unsatisfiable }
            return .satisfiable(first...min(last ?? Int.max, length - 1))
        }
    }

    /// One `int-range` or `suffix-range`; nil when it is malformed or invalid (last before first).
    private static func parseSpec(_ text: String) -> Spec? {
        guard let dash = text.firstIndex(of: "-") else { return nil }
        let firstText = text[..<dash]
        let lastText = text[text.index(after: dash)...]
        guard firstText.allSatisfy(\.isASCIIDigit), lastText.allSatisfy(\.isASCIIDigit) else { return nil }
        if firstText.isEmpty {
            guard !lastText.isEmpty else { return nil }
            return .suffix(Int(lastText) ?? Int.max)  // more digits than Int holds: the whole file
        }
        let first = Int(firstText)
        if lastText.isEmpty { return .from(first: first, last: nil) }
        let last = Int(lastText) ?? Int.max
        if let first, last < first { return nil }
        if first == nil, Int(lastText) != nil { return nil }  // a huge first position before a smaller last
        return .from(first: first, last: last)
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
