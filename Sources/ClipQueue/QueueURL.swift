import Foundation
import PostgresNIO

/// A `postgres://user:password@host:port/database` address, parsed into a client configuration.
/// The password never appears in `description`, errors or logs.
public struct QueueURL: Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String?
    /// `?schema=NAME`: the PostgreSQL schema ClipKit's tables live in (default `public`).
    public var schema: String?

    public init(parsing text: String) throws(QueueError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme.lowercased())
        else { throw QueueError.invalidURL("the queue address must look like postgres://user@host:5432/database") }
        guard let host = components.host, !host.isEmpty else {
            throw QueueError.invalidURL("the queue address has no host (postgres://user@HOST:5432/database)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user.map { $0.removingPercentEncoding ?? $0 } ?? "postgres"
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        self.database = path.isEmpty ? nil : path
        if let schema = components.queryItems?.first(where: { $0.name == "schema" })?.value {
            guard !schema.isEmpty, schema.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw QueueError.invalidURL("the queue address's schema '\(schema)' must be letters, digits and _")
            }
            self.schema = schema
        }
    }

    /// The address without its password.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database ?? "")\(schema.map { "?schema=\($0)" } ?? "")"
    }

    public var configuration: PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: .disable)
        configuration.options.maximumConnections = 8
        if let schema { configuration.options.additionalStartupParameters = [("options", "-c search_path=\(schema)")] }
        return configuration
    }
}
