import ClipProviders
import Foundation
import Testing

/// The committed provider bodies in `Samples/` (see each provider's folder).
enum Samples {
    static func url(_ name: String) throws -> URL {
        let root = try #require(Bundle.module.url(forResource: "Samples", withExtension: nil))
        return root.appendingPathComponent(name)
    }

    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: url(name))
    }

    static func json(_ name: String) throws -> JSONValue {
        try JSONValue.parse(data(name))
    }
}
