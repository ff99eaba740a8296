import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Renders ``DownloadProgress`` as a one-line terminal bar. The CLI uses it only when stderr is a TTY.
public struct ProgressBar: Sendable {
    /// Width of the bar in characters.
    public var width: Int

    public init(width: Int = 30) {
        self.width = max(5, width)
    }

    /// Whether standard error is a terminal (the only case in which a bar should be drawn).
    public static var standardErrorIsTerminal: Bool { isatty(2) == 1 }

    /// The line for a progress value, e.g. `clip.mp4 [#########.....]  64%  12.3/19.2 MB`.
    public func line(for progress: DownloadProgress) -> String {
        let received = Self.megabytes(progress.bytesReceived)
        guard let fraction = progress.fraction, let total = progress.totalBytes else {
            return "\(progress.fileName) \(received) MB"
        }
        let filled = Int((fraction * Double(width)).rounded(.down))
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        let percent = String(Int((fraction * 100).rounded(.down))).leftPadded(to: 3)
        return "\(progress.fileName) [\(bar)] \(percent)%  \(received)/\(Self.megabytes(total)) MB"
    }

    /// Writes the line to standard error, overwriting the previous one; ends it with a newline when complete.
    public func draw(_ progress: DownloadProgress) {
        let text = "\r\u{1B}[2K" + line(for: progress) + (progress.isComplete ? "\n" : "")
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f", Double(bytes) / 1_000_000)
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
