/// A task's cost as the provider states it (PiAPI `meta.usage.consume` in its `meta.usage.type` unit).
public struct TaskCost: Codable, Sendable, Hashable {
    public var amount: Double
    public var unit: String

    public init(amount: Double, unit: String) {
        self.amount = amount
        self.unit = unit
    }
}
