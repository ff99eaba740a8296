/// The live fault counters: each ``consume(_:)`` that fires uses one up.
actor FaultBoard {
    private var faults: SandboxFaults

    init(_ faults: SandboxFaults) {
        self.faults = faults
    }

    /// Whether `fault` fires now; when it does, its remaining count drops by one.
    func consume(_ fault: SandboxFault) -> Bool {
        guard let remaining = faults.counts[fault], remaining > 0 else { return false }
        faults.counts[fault] = remaining > 1 ? remaining - 1 : nil
        return true
    }

    /// Adds `more` to the remaining counts.
    func add(_ more: SandboxFaults) {
        for (fault, count) in more.counts { faults.counts[fault, default: 0] += count }
        faults = SandboxFaults(faults.counts)
    }

    /// Replaces every count.
    func replace(with new: SandboxFaults) {
        faults = new
    }

    var remaining: SandboxFaults { faults }
}
