/// What the fuzz target (`clipkit-fuzz`) runs on each input: the bytes are opened in memory through
/// a custom AVIO context (no file) and go through probe, the last frame and the validator, the
/// three paths that read whatever a stranger's file holds.
///
/// `package`, not `public`: only targets of this package (the fuzz executable) call it.
package enum FuzzHarness {
    /// What one input did; the fuzzer only cares that it returns.
    package struct Outcome: Sendable {
        package var probed: Bool
        package var lastFrame: Bool
        package var verdict: String
        package var errors: [String]
    }

    @discardableResult
    package static func run(_ bytes: [UInt8], name: String = "fuzz-input") -> Outcome {
        var outcome = Outcome(probed: false, lastFrame: false, verdict: "", errors: [])
        do {
            _ = try MediaProbe.probe(source: .memory(bytes, name: name))
            outcome.probed = true
        } catch {
            outcome.errors.append("\(error)")
        }
        do {
            // A small width keeps the RGB conversion cheap; the decode path is the same.
            _ = try LastFrameExtractor.extract(source: .memory(bytes, name: name), width: 32)
            outcome.lastFrame = true
        } catch {
            outcome.errors.append("\(error)")
        }
        let report = ClipValidator(threads: 1).validate(source: .memory(bytes, name: name))
        outcome.verdict = report.verdict.rawValue
        return outcome
    }
}
