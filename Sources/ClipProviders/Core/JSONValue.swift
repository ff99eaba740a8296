import Foundation

/// Any JSON value, for reading provider responses whose shape varies, and for keeping them raw.
public enum JSONValue: Codable, Hashable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let n = try? c.decode(Double.self) {
            self = .number(n)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n): try c.encode(n)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses JSON bytes.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The member `key` of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The value at a dotted path such as `output.video_raw.url` (array indices allowed: `result_urls.0`).
    public func value(at path: String) -> JSONValue? {
        var current: JSONValue? = self
        for component in path.split(separator: ".") {
            switch current {
            case .object(let o): current = o[String(component)]
            case .array(let a):
                guard let i = Int(component), a.indices.contains(i) else { return nil }
                current = a[i]
            default: return nil
            }
        }
        return current
    }

    /// The string at `path`, also accepting numbers (ids are sometimes sent as numbers).
    public func string(at path: String) -> String? {
        switch value(at: path) {
        case .string(let s): s
        case .number(let n): n.rounded() == n ? String(Int64(n)) : String(n)
        default: nil
        }
    }

    /// The number at `path`, also accepting numeric strings.
    public func number(at path: String) -> Double? {
        switch value(at: path) {
        case .number(let n): n
        case .string(let s): Double(s)
        default: nil
        }
    }

    /// The non-empty http(s) URL at `path`, or `nil`.
    public func httpURL(at path: String) -> URL? {
        guard let s = string(at: path)?.trimmingCharacters(in: .whitespaces), !s.isEmpty,
            let url = URL(string: s), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else { return nil }
        return url
    }

    /// All http(s) URL strings anywhere under this value, depth first, in key order.
    public func allHTTPURLs() -> [URL] {
        switch self {
        case .string(let s):
            guard let url = URL(string: s), let scheme = url.scheme?.lowercased(),
                scheme == "http" || scheme == "https"
            else { return [] }
            return [url]
        case .array(let a): return a.flatMap { $0.allHTTPURLs() }
        case .object(let o): return o.keys.sorted().flatMap { o[$0]!.allHTTPURLs() }
        default: return []
        }
    }

    /// A copy with every member named in `keys` (at any depth) replaced by `"<redacted>"` when non-empty.
    public func redacting(keys: Set<String>) -> JSONValue {
        switch self {
        case .array(let a): return .array(a.map { $0.redacting(keys: keys) })
        case .object(let o):
            var out: [String: JSONValue] = [:]
            for (k, v) in o {
                if keys.contains(k.lowercased()) {
                    if case .string(let s) = v, s.isEmpty {
                        out[k] = v
                    } else if case .null = v {
                        out[k] = v
                    } else {
                        out[k] = .string("<redacted>")
                    }
                } else {
                    out[k] = v.redacting(keys: keys)
                }
            }
            return .object(out)
        default: return self
        }
    }

    /// Compact JSON bytes with sorted keys.
    public func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }
}
