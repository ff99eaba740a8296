/// Why a media operation could not give an answer, in words a user can act on.
///
/// FFmpeg's own failures are kept as the ``underlying`` ``FFmpegError`` (call and code).
public struct MediaError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Codable {
        case fileNotFound
        case notAFile
        case emptyFile
        case notAMediaFile
        case noVideoStream
        case noDecodableFrame
        case unsupported
        case invalidArgument
        case ioFailure
        case ffmpeg
    }

    public let kind: Kind
    /// The file the operation was reading or writing, when there is one.
    public let path: String?
    /// One line: what failed and why.
    public let reason: String
    public let underlying: FFmpegError?

    public init(_ kind: Kind, path: String? = nil, _ reason: String, underlying: FFmpegError? = nil) {
        self.kind = kind
        self.path = path
        self.reason = reason
        self.underlying = underlying
    }

    public var description: String {
        let base = path.map { "\($0): \(reason)" } ?? reason
        guard let underlying, !reason.contains(underlying.message) else { return base }
        return "\(base) (\(underlying))"
    }
}
