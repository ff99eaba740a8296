/// One `Range: bytes=...` request resolved against a file size (RFC 9110 §14.1.2).
enum ByteRange: Equatable {
    /// Serve the whole file (no header, an unparsable one, or several ranges).
    case whole
    /// Serve `lower...upper` (inclusive) with 206.
    case partial(lower: Int, upper: Int)
    /// No byte of the file is in range: 416.
    case unsatisfiable

    /// Resolves the header value `header` against a file of `size` bytes.
    init(header: String?, size: Int) {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else {
            self = .whole
            return
        }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else {
            self = .whole
            return
        }
        if parts[0].isEmpty {
            // suffix: the last N bytes
            guard let suffix = Int(parts[1]), suffix >= 0 else {
                self = .whole
                return
            }
            self = suffix == 0 || size == 0 ? .unsatisfiable : .partial(lower: max(0, size - suffix), upper: size - 1)
            return
        }
        guard let lower = Int(parts[0]), lower >= 0 else {
            self = .whole
            return
        }
        var upper = size - 1
        if !parts[1].isEmpty {
            guard let last = Int(parts[1]), last >= lower else {
                self = .whole
                return
            }
            upper = min(last, size - 1)
        }
        self = lower >= size ? .unsatisfiable : .partial(lower: lower, upper: upper)
    }
}
