import CFFmpeg

/// The one owner of an `AVCodecContext` (decoder or encoder): allocated by the initialiser, freed by
/// `deinit` and nowhere else.
///
/// The initialiser only allocates, so a failure there leaves nothing behind; configuring and
/// ``open(options:)`` come after, and whatever they throw, the context is freed exactly once when the
/// owner goes away. Decoders, encoders and the image codec all hold one of these and borrow its
/// ``pointer`` for libav calls.
final class CodecContext {
    let pointer: UnsafeMutablePointer<AVCodecContext>
    let codec: UnsafePointer<AVCodec>
    /// Errors the codec (and its frame threads) logged, counted by the shim's log callback; the
    /// context's `opaque` points here. Freed after the context, so no late message writes to freed memory.
    private let loggedErrorCounter: UnsafeMutablePointer<Int32>

    init(codec: UnsafePointer<AVCodec>) throws(FFmpegError) {
        let pointer = try allocated(avcodec_alloc_context3(codec), "avcodec_alloc_context3")
        FFmpegLogging.configureOnce()
        loggedErrorCounter = .allocate(capacity: 1)
        loggedErrorCounter.initialize(to: 0)
        pointer.pointee.opaque = UnsafeMutableRawPointer(loggedErrorCounter)
        self.pointer = pointer
        self.codec = codec
    }

    /// A decoder for `parameters` (a stream's `codecpar`), configured from them but not yet opened.
    convenience init(decoding parameters: UnsafePointer<AVCodecParameters>) throws(FFmpegError) {
        guard let codec = avcodec_find_decoder(parameters.pointee.codec_id) else {
            throw FFmpegError(code: cffmpeg_error_decoder_not_found, operation: "avcodec_find_decoder")
        }
        try self.init(codec: codec)
        try check(avcodec_parameters_to_context(pointer, parameters), "avcodec_parameters_to_context")
    }

    deinit {
        var context: UnsafeMutablePointer<AVCodecContext>? = pointer
        avcodec_free_context(&context)
        loggedErrorCounter.deallocate()
    }

    /// How many errors the codec has logged so far (what `ffmpeg -v error` would print for it).
    var loggedErrors: Int { Int(cffmpeg_counter_load(loggedErrorCounter)) }

    /// Opens the codec with the settings made so far (`avcodec_open2`).
    func open() throws(FFmpegError) {
        try check(avcodec_open2(pointer, codec, nil), "avcodec_open2")
    }

    /// Sets one of the codec's private options (x264 `preset`, libwebp `quality`, ...).
    func setOption(_ name: String, _ value: String) {
        cffmpeg_opt_set(pointer.pointee.priv_data, name, value)
    }

    /// The codec's out-of-band parameter sets (`extradata`), empty when it has none.
    var extradata: [UInt8] {
        guard let data = pointer.pointee.extradata, pointer.pointee.extradata_size > 0 else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: Int(pointer.pointee.extradata_size)))
    }
}

@available(*, unavailable)
extension CodecContext: Sendable {}
