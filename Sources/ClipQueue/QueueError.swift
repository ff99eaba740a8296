/// Failures of the work queue, each saying what failed and why.
public struct QueueError: Error, Sendable, CustomStringConvertible, Equatable {
    enum Kind: Sendable, Equatable { case invalidURL, leaseLost, notFound, invalidState, database, invalidInput }
    let kind: Kind
    public let description: String

    public static func invalidURL(_ message: String) -> QueueError { QueueError(kind: .invalidURL, description: message) }
    /// The step's lease token no longer matches: another worker owns it or it was rescued. Write nothing more.
    public static func leaseLost(step: Int) -> QueueError {
        QueueError(kind: .leaseLost, description: "step \(step): the lease was lost (expired and rescued, or taken by another worker); nothing was written")
    }
    public static func notFound(_ message: String) -> QueueError { QueueError(kind: .notFound, description: message) }
    public static func invalidState(_ message: String) -> QueueError { QueueError(kind: .invalidState, description: message) }
    public static func database(_ operation: String, _ error: any Error) -> QueueError {
        QueueError(kind: .database, description: "\(operation): \(DatabaseErrorSummary.describe(error))")
    }
    public static func invalidInput(_ message: String) -> QueueError { QueueError(kind: .invalidInput, description: message) }

    public var isLeaseLost: Bool { kind == .leaseLost }

    public static func ~= (lhs: QueueError, rhs: any Error) -> Bool { (rhs as? QueueError)?.kind == lhs.kind }
}
