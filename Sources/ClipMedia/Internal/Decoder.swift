import CFFmpeg

/// An opened decoder (`AVCodecContext`) for one stream, freed with the wrapper.
///
/// ``decode(_:into:)`` wraps the send/receive dance: it sends a packet (or `nil` to flush),
/// hands every frame that comes out to a closure, and counts decoding errors instead of
/// stopping, so a damaged packet costs one frame, not the file.
final class Decoder {
    private let codec: CodecContext
    /// Borrowed from the ``CodecContext`` that owns it.
    var context: UnsafeMutablePointer<AVCodecContext> { codec.pointer }
    private let frame: Frame
    /// Packets or frames the decoder rejected as invalid.
    private(set) var errorCount = 0
    private(set) var lastError: FFmpegError?
    /// Frames that came out flagged as damaged (``Frame/isDamaged``): concealed, not clean.
    private(set) var damagedFrames = 0
    /// The best-effort timestamp of the first frame that was damaged or followed a logged error.
    private(set) var firstDamageTimestamp: Int64?
    private var errorsSeen = 0
    private var drained = false

    /// Opens a decoder for `stream`.
    /// - Parameter threads: 0 lets FFmpeg pick (frame threads on every core); 1 decodes in this thread.
    init(stream: UnsafeMutablePointer<AVStream>, threads: Int32 = 0) throws(FFmpegError) {
        guard let parameters = stream.pointee.codecpar else {
            throw FFmpegError(code: cffmpeg_error_invalid_data, operation: "AVStream.codecpar")
        }
        let codec = try CodecContext(decoding: parameters)
        codec.pointer.pointee.pkt_timebase = stream.pointee.time_base
        codec.pointer.pointee.thread_count = threads
        try codec.open()
        self.codec = codec
        frame = try Frame()
    }

    /// Which frames the decoder may skip: `AVDISCARD_NONREF` skips frames no other frame refers to,
    /// `AVDISCARD_NONKEY` everything but keyframes. Takes effect from the next packet sent.
    var skipFrame: AVDiscard {
        get { context.pointee.skip_frame }
        set { context.pointee.skip_frame = newValue }
    }

    /// Sends `packet` (nil flushes the decoder at the end of the input) and passes each decoded frame
    /// to `body`. The frame is only valid inside the call; take a ``Frame/reference()`` to keep it.
    /// - Returns: false once the decoder is fully drained.
    @discardableResult
    func decode(_ packet: Packet?, into body: (Frame) throws -> Void) throws -> Bool {
        guard !drained else { return false }
        for _ in 0..<8 {
            let sent = avcodec_send_packet(context, packet?.pointer)
            if sent == cffmpeg_error_again {
                // The decoder is full: read its frames, then the packet goes in.
                guard try receiveAll(body) else { return false }
                continue
            }
            if sent < 0 && sent != cffmpeg_error_eof {
                record(FFmpegError(code: sent, operation: "avcodec_send_packet"))
            }
            return try receiveAll(body)
        }
        record(FFmpegError(code: cffmpeg_error_again, operation: "avcodec_send_packet"))
        return true
    }

    /// Receives frames until the decoder wants input. Returns false once it is drained.
    private func receiveAll(_ body: (Frame) throws -> Void) throws -> Bool {
        var consecutiveErrors = 0
        while true {
            let received = avcodec_receive_frame(context, frame.pointer)
            if received == cffmpeg_error_again { return true }
            if received == cffmpeg_error_eof {
                drained = true
                return false
            }
            if received < 0 {
                record(FFmpegError(code: received, operation: "avcodec_receive_frame"))
                consecutiveErrors += 1
                if consecutiveErrors > 64 { return true }
                continue
            }
            consecutiveErrors = 0
            defer { frame.unref() }
            noteDamage(frame)
            try body(frame)
        }
    }

    /// Sends the end of input and passes every frame still held back (B-frame reordering, frame
    /// threads) to `body`.
    func flush(into body: (Frame) throws -> Void) throws {
        while try decode(nil, into: body) {}
    }

    /// Forgets buffered state after a seek.
    func reset() {
        avcodec_flush_buffers(context)
        drained = false
    }

    /// Errors the decoder logged (and its frame threads), what `ffmpeg -v error` prints: concealed
    /// slices, missing references, invalid data. Counted even when every frame still comes out.
    var loggedErrors: Int { codec.loggedErrors }

    /// Whether the frame about to be handed out was decoded from damaged data.
    private(set) var currentFrameDamaged = false

    private func noteDamage(_ frame: Frame) {
        let logged = codec.loggedErrors
        currentFrameDamaged = frame.isDamaged
        if currentFrameDamaged { damagedFrames += 1 }
        if firstDamageTimestamp == nil, currentFrameDamaged || logged > errorsSeen || errorCount > 0 {
            firstDamageTimestamp = frame.bestEffortTimestamp
        }
        errorsSeen = logged
    }

    private func record(_ error: FFmpegError) {
        errorCount += 1
        lastError = error
    }
}

@available(*, unavailable)
extension Decoder: Sendable {}
