import Foundation

/// What a task cost, as the provider states it, in the provider's own unit (PiAPI `meta.usage.consume`
/// in `meta.usage.type` units such as `"point"`). Not converted: units differ per provider and plan.
public struct TaskCost: Codable, Sendable, Hashable {
    /// The amount charged.
    public var amount: Double
    /// The provider's unit for ``amount``.
    public var unit: String

    public init(amount: Double, unit: String) {
        self.amount = amount
        self.unit = unit
    }
}
