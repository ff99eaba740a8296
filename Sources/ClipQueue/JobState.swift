/// A job's state, derived from its steps.
public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued, running, done, failed
    case needsAttention = "needs_attention"
}

/// A step's state. `submitting`: a paid request may be in flight; a lost lease there waits for a person.
public enum StepState: String, Sendable, Codable, CaseIterable {
    case available, running, submitting, done, failed
    case needsAttention = "needs_attention"
}
