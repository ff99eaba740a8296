import Foundation

/// What a finished download produced.
public struct DownloadedFile: Hashable, Sendable {
    public var file: URL
    public var bytes: Int64
    /// HTTP requests made, including resumed and refreshed ones.
    public var attempts: Int
    /// Whether some bytes came from a resumed (`206`) request.
    public var resumed: Bool
    /// How many times ``Downloader/Item/refreshURL`` gave a new link.
    public var refreshes: Int
}
