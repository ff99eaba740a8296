import PostgresNIO

/// One line saying why a database call failed, without query parameters: the server's own message, the
/// connection error, or what a pool that keeps failing to connect means.
enum DatabaseErrorSummary {
    static func describe(_ error: any Error) -> String {
        if let error = error as? PostgresTransactionError {
            if let inner = error.closureError ?? error.beginError ?? error.commitError { return describe(inner) }
        }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
                return "PostgreSQL: \(message)\(detail)"
            }
            if let underlying = error.underlying { return "\(error.code): \(String(describing: underlying).prefix(300))" }
            return "\(error.code)"
        }
        let text = String(reflecting: error)
        if text.contains("CircuitBreakerTripped") {
            return "cannot connect: connections to the server keep failing (is PostgreSQL running, and is the address right?)"
        }
        return String(text.prefix(300))
    }
}
