import CFFmpeg

/// An error returned by an FFmpeg call: the negative `AVERROR` code and the call that returned it.
///
/// Equality and pattern matching compare ``code`` only, so `catch FFmpegError.endOfFile` matches
/// whichever call reached the end of the file.
public struct FFmpegError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The negative `AVERROR` code.
    public let code: Int32
    /// The FFmpeg function (or ClipKit step) that failed.
    public let operation: String

    public init(code: Int32, operation: String) {
        self.code = code
        self.operation = operation
    }

    /// FFmpeg's own text for the code, from `av_strerror`.
    public var message: String {
        var buffer = [CChar](repeating: 0, count: Int(AV_ERROR_MAX_STRING_SIZE))
        if av_strerror(code, &buffer, buffer.count) < 0 {
            return "error \(code)"
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public var description: String { "\(operation): \(message)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Lets `catch FFmpegError.tryAgain` match any `FFmpegError` with the same code.
    public static func ~= (lhs: Self, rhs: any Error) -> Bool {
        (rhs as? FFmpegError)?.code == lhs.code
    }

    /// `AVERROR_EOF`: the end of the input, or a drained codec.
    public static let endOfFile = FFmpegError(code: cffmpeg_error_eof, operation: "")
    /// `AVERROR(EAGAIN)`: the codec needs the other side (send or receive) before it can go on.
    public static let tryAgain = FFmpegError(code: cffmpeg_error_again, operation: "")
    /// `AVERROR_INVALIDDATA`: the data is not what the format or codec expects.
    public static let invalidData = FFmpegError(code: cffmpeg_error_invalid_data, operation: "")
    /// `AVERROR_DECODER_NOT_FOUND`: this FFmpeg build has no decoder for the stream.
    public static let decoderNotFound = FFmpegError(code: cffmpeg_error_decoder_not_found, operation: "")
    /// `AVERROR_ENCODER_NOT_FOUND`: this FFmpeg build has no such encoder.
    public static let encoderNotFound = FFmpegError(code: cffmpeg_error_encoder_not_found, operation: "")
    /// `AVERROR_STREAM_NOT_FOUND`: the file has no stream of the kind asked for.
    public static let streamNotFound = FFmpegError(code: cffmpeg_error_stream_not_found, operation: "")
    /// `AVERROR(ENOMEM)`: an allocation failed.
    public static let outOfMemory = FFmpegError(code: cffmpeg_error_no_memory, operation: "")
}

/// Checks the result of an FFmpeg call and throws ``FFmpegError`` for a negative code.
/// - Returns: the non-negative result, for calls that return a count.
@discardableResult
func check(_ code: Int32, _ operation: StaticString = #function) throws(FFmpegError) -> Int32 {
    guard code >= 0 else { throw FFmpegError(code: code, operation: "\(operation)") }
    return code
}

/// Unwraps the result of an FFmpeg allocator, throwing ``FFmpegError/outOfMemory`` for NULL.
func allocated<T>(_ pointer: T?, _ operation: StaticString) throws(FFmpegError) -> T {
    guard let pointer else { throw FFmpegError(code: cffmpeg_error_no_memory, operation: "\(operation)") }
    return pointer
}
