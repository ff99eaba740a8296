/// How far a download has got, reported through the downloader's progress closure.
public struct DownloadProgress: Hashable, Sendable {
    /// The destination file name (not the path).
    public var fileName: String
    /// Bytes on disk so far (including bytes kept from an earlier, interrupted attempt).
    public var bytesReceived: Int64
    /// The full size, when the server announced it.
    public var totalBytes: Int64?
    /// Whether the download has finished (verified and renamed).
    public var isComplete: Bool

    public init(fileName: String, bytesReceived: Int64, totalBytes: Int64?, isComplete: Bool = false) {
        self.fileName = fileName
        self.bytesReceived = bytesReceived
        self.totalBytes = totalBytes
        self.isComplete = isComplete
    }

    /// `bytesReceived / totalBytes` in 0...1, when the size is known.
    public var fraction: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(1, Double(bytesReceived) / Double(totalBytes))
    }
}
