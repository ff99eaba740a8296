import Foundation

/// Keeps the suite's heavy end-to-end work from piling up on a busy machine.
///
/// Every `clipkit` process the tests start is multi-threaded media work (or a whole chain against the
/// sandbox); Swift Testing runs suites in parallel, so on two shared cores several at once starve each other
/// and the test's own in-process servers. The gate lets one CLI process run at a time, and a test's deadline
/// starts when its process starts, not while it waits for the gate.
enum HeavyWork {
    private static let gate = DispatchSemaphore(value: 1)

    /// Runs `body` while holding the gate.
    static func exclusively<T>(_ body: () throws -> T) rethrows -> T {
        gate.wait()
        defer { gate.signal() }
        return try body()
    }

    /// How much slower than an idle machine this one is now: the 1-minute load average per core, at least 1.
    static var loadFactor: Double {
        let cores = Double(max(1, ProcessInfo.processInfo.activeProcessorCount))
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8),
            let load = text.split(separator: " ").first.flatMap({ Double($0) })
        else { return 1 }
        return max(1, load / cores)
    }

    /// A generous deadline for one `clipkit` run, from the work it asks for: seconds an idle 2-core machine
    /// needs at most for that command (several times what it takes), per segment for chains, times the
    /// load factor. Probe and the like are quick; a chain renders, downloads, checks and joins per segment.
    static func timeout(for arguments: [String]) -> TimeInterval {
        let command = arguments.first ?? ""
        let idle: Double
        switch command {
        case "probe", "jobs": idle = 60
        case "last-frame", "thumbs": idle = 120
        case "check", "join": idle = 240
        case "gallery": idle = 300
        case "generate": idle = 300
        case "extend":
            let prompts = arguments.filter { $0 == "--prompt" }.count
            let segments = arguments.firstIndex(of: "--segments").flatMap { Int(arguments[safe: $0 + 1] ?? "") }
            idle = 300 * Double(max(1, segments ?? prompts))
        default: idle = 120
        }
        return idle * loadFactor
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
