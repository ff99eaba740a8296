import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One updating line on standard error for long commands (`check` of a folder, `gallery`, `thumbs`),
/// drawn only when standard error is a terminal: piped or redirected, the command stays quiet.
final class ProgressLine: @unchecked Sendable {
    private let label: String
    private var total: Int
    private let enabled: Bool
    private let lock = NSLock()
    private var done = 0
    private var lastDraw = Date.distantPast
    private var drawn = false

    /// - Parameters:
    ///   - enabled: nil decides from `isatty(2)`; tests pass false or true to force it.
    init(_ label: String, total: Int, enabled: Bool? = nil) {
        self.label = label
        self.total = max(0, total)
        self.enabled = enabled ?? Self.standardErrorIsTerminal
    }

    /// Whether standard error is a terminal; `CLIPKIT_PROGRESS=0` turns the line off, `=1` on.
    static var standardErrorIsTerminal: Bool {
        switch ProcessInfo.processInfo.environment["CLIPKIT_PROGRESS"] {
        case "0": return false
        case "1": return true
        default: return isatty(2) == 1
        }
    }

    /// Counts one more unit done and redraws (at most ten times a second, always at the end).
    func advance(_ item: String? = nil) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        done += 1
        let now = Date()
        guard done >= total || now.timeIntervalSince(lastDraw) >= 0.1 else { return }
        lastDraw = now
        var text = "\(label) \(done)/\(total)"
        if total > 0 { text += String(format: " (%d%%)", done * 100 / total) }
        if let item { text += "  " + (item as NSString).lastPathComponent }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
        drawn = true
    }

    /// Sets how far the work is (for work counted elsewhere, e.g. the gallery builder's callback).
    func advance(done: Int, total: Int, item: String? = nil) {
        lock.lock()
        self.done = done - 1
        self.total = total
        lock.unlock()
        advance(item)
    }

    /// Shows `text` as the line (for work that reports no steps).
    func note(_ text: String) {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
        drawn = true
    }

    /// Clears the line, so what follows on the terminal starts clean.
    func finish() {
        guard enabled else { return }
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
        drawn = false
    }
}
