import ClipProviders
import Foundation

/// What `batch run` shows while it works, on standard error. On a terminal: one line rewritten in place
/// (jobs done, running, waiting on the provider, failed, spend so far, ETA), with each job's end printed
/// above it. Piped or redirected: plain lines, one per job event, never a carriage return.
final class BatchProgress: @unchecked Sendable {
    private let lock = NSLock()
    private let terminal: Bool
    private let jobs: Int
    private let segments: Int
    private let started = Date()
    private var running: Set<String> = []
    private var waiting: Set<String> = []
    private var done = 0
    private var failed = 0
    private var needsAttention = 0
    private var spend: [TaskCost] = []
    /// Segments finished by this process, and found finished from an earlier run.
    private var segmentsNow = 0
    private var segmentsEarlier = 0
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// - Parameter terminal: nil decides from standard error (``ProgressLine/standardErrorIsTerminal``).
    init(jobs: Int, segments: Int, terminal: Bool? = nil) {
        self.jobs = jobs
        self.segments = segments
        self.terminal = terminal ?? ProgressLine.standardErrorIsTerminal
    }

    func started(_ id: String) {
        locked {
            running.insert(id)
            if terminal { draw(force: false) } else { write("clipkit: \(id): started\n") }
        }
    }

    /// One progress line of a job's chain ("segment 1/3: submitting", "segment 1/3: pass (task t1)", ...).
    func event(_ id: String, _ line: String) {
        locked {
            if let state = Self.segmentState(line) {
                switch state {
                case .waiting: waiting.insert(id)
                case .finished: waiting.remove(id); segmentsNow += 1
                case .earlier: segmentsEarlier += 1
                case .working: waiting.remove(id)
                }
            }
            if terminal { draw(force: false) } else { write("clipkit: \(id): \(line)\n") }
        }
    }

    func finished(_ job: BatchRunJob) {
        locked {
            running.remove(job.id)
            waiting.remove(job.id)
            switch job.state {
            case .done: done += 1
            case .failed: failed += 1
            case .needsAttention: needsAttention += 1
            }
            spend = Spend.total(spend + job.cost)
            var text = "clipkit: \(job.id): \(job.state.rawValue.replacingOccurrences(of: "_", with: " "))"
            if job.alreadyDone { text += " (earlier; nothing paid now)" }
            if !job.cost.isEmpty { text += ", cost \(Spend.describe(job.cost))" }
            if let error = job.error { text += ": \(error.split(whereSeparator: \.isNewline).joined(separator: " "))" }
            if terminal {
                write("\r\u{1B}[2K" + text + "\n")
                draw(force: true)
            } else {
                write(text + "\n")
            }
        }
    }

    /// Clears the line, so what follows on the terminal starts clean.
    func finish() {
        locked {
            if terminal && drawn { write("\r\u{1B}[2K") }
            drawn = false
        }
    }

    enum SegmentState { case waiting, finished, earlier, working }

    /// What a chain engine's progress line says about its segment.
    static func segmentState(_ line: String) -> SegmentState? {
        guard line.hasPrefix("segment "), let colon = line.range(of: ": ") else { return nil }
        let rest = line[colon.upperBound...]
        if rest.hasPrefix("submitting") || rest.hasPrefix("polling task") || rest.hasPrefix("reconciling") { return .waiting }
        if rest.hasPrefix("done earlier") { return .earlier }
        for verdict in ["pass", "warn", "fail"] where rest.hasPrefix("\(verdict) (task") { return .finished }
        return .working
    }

    /// The line: "batch 3/12 done, 4 running (3 waiting on provider), 1 failed, spend 8000000 point, ETA 2m10s".
    private func draw(force: Bool) {
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        var text = "batch \(done)/\(jobs) done, \(running.count) running (\(waiting.count) waiting on provider)"
        if failed > 0 { text += ", \(failed) failed" }
        if needsAttention > 0 { text += ", \(needsAttention) need attention" }
        text += ", spend \(Spend.describe(spend))"
        let elapsed = now.timeIntervalSince(started)
        let remaining = segments - segmentsNow - segmentsEarlier
        if segmentsNow > 0, remaining > 0, elapsed > 0 {
            let seconds = Int((Double(remaining) * elapsed / Double(segmentsNow)).rounded())
            text += ", ETA " + (seconds >= 60 ? "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s" : "\(seconds)s")
        }
        write("\r\u{1B}[2K" + text)
        drawn = true
    }

    private func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    private func locked(_ body: () -> Void) {
        lock.lock()
        defer { lock.unlock() }
        body()
    }
}
