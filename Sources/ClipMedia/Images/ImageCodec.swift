import CFFmpeg
import Foundation

/// Still-image file formats ClipKit writes and reads, all through libavcodec.
public enum ImageFormat: String, Sendable, Codable, CaseIterable {
    /// Lossless; the default for last frames that feed the next generation.
    case png
    case jpeg
    case webp

    public var fileExtension: String { self == .jpeg ? "jpg" : rawValue }

    /// The format a file name implies, if any.
    public init?(pathExtension: String) {
        switch pathExtension.lowercased() {
        case "png": self = .png
        case "jpg", "jpeg": self = .jpeg
        case "webp": self = .webp
        default: return nil
        }
    }
}

/// Encodes and decodes still images with libavcodec's png, mjpeg and libwebp codecs.
public enum ImageCodec {
    /// Encodes `image`.
    /// - Parameters:
    ///   - quality: 1–100 for JPEG and WebP (ignored by PNG, which is lossless).
    ///   - pngCompression: zlib level 0–9; the default 3 is a good speed/size balance for frames.
    public static func encode(
        _ image: RGBImage, as format: ImageFormat, quality: Int = 90, pngCompression: Int = 3
    ) throws -> Data {
        FFmpegLogging.configureOnce()
        let encoder = try ImageEncoder(
            format: format, width: Int32(image.width), height: Int32(image.height), quality: quality,
            pngCompression: pngCompression)
        return try encoder.encode(image)
    }

    /// Encodes `image` and writes it to `path` atomically (a temporary file, renamed when complete).
    public static func write(
        _ image: RGBImage, to path: String, as format: ImageFormat, quality: Int = 90
    ) throws {
        let data = try encode(image, as: format, quality: quality)
        try AtomicFile.write(data, to: path)
    }

    /// Decodes a PNG, JPEG or WebP file's bytes into RGB.
    public static func decode(_ data: Data) throws -> RGBImage {
        FFmpegLogging.configureOnce()
        guard let codecID = sniffCodec(data) else {
            throw MediaError(.notAMediaFile, "not a PNG, JPEG or WebP image")
        }
        guard let codec = avcodec_find_decoder(codecID) else {
            throw MediaError(.unsupported, "this FFmpeg has no decoder for the image", underlying: .decoderNotFound)
        }
        let owner = try CodecContext(codec: codec)
        try owner.open()
        let context = owner.pointer
        let packet = try Packet()
        try check(av_new_packet(packet.pointer, Int32(data.count)), "av_new_packet")
        data.withUnsafeBytes { bytes in
            packet.pointer.pointee.data.update(from: bytes.bindMemory(to: UInt8.self).baseAddress!, count: data.count)
        }
        let frame = try Frame()
        var code = avcodec_send_packet(context, packet.pointer)
        if code >= 0 { code = avcodec_receive_frame(context, frame.pointer) }
        if code == cffmpeg_error_again {
            avcodec_send_packet(context, nil)
            code = avcodec_receive_frame(context, frame.pointer)
        }
        if code < 0 {
            throw MediaError(
                .notAMediaFile, "cannot decode the image", underlying: FFmpegError(code: code, operation: "avcodec_receive_frame"))
        }
        let color = ColorInterpretation(
            space: frame.colorSpace == AVCOL_SPC_UNSPECIFIED ? AVCOL_SPC_SMPTE170M : frame.colorSpace,
            range: frame.colorRange, format: frame.pixelFormat, height: frame.height)
        let scaler = try Scaler(
            from: .init(width: frame.width, height: frame.height, format: frame.pixelFormat),
            to: .init(width: frame.width, height: frame.height, format: AV_PIX_FMT_RGB24),
            colorSpace: color.space, sourceFullRange: color.fullRange || codecID == AV_CODEC_ID_MJPEG,
            destinationFullRange: true)
        return scaler.rgbImage(from: frame, width: Int(frame.width), height: Int(frame.height))
    }

    /// Reads and decodes an image file.
    public static func read(path: String) throws -> RGBImage {
        do {
            try Demuxer.checkReadableFile(path)
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            return try decode(data)
        } catch let error as MediaError where error.path == nil {
            throw MediaError(error.kind, path: path, error.reason, underlying: error.underlying)
        }
    }

    static func sniffCodec(_ data: Data) -> AVCodecID? {
        let bytes = [UInt8](data.prefix(12))
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return AV_CODEC_ID_PNG }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return AV_CODEC_ID_MJPEG }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return AV_CODEC_ID_WEBP
        }
        return nil
    }
}

/// One still-image encoder context, reusable for many pictures of the same size (thumbnails).
final class ImageEncoder {
    private let codec: CodecContext
    private var context: UnsafeMutablePointer<AVCodecContext> { codec.pointer }
    private let format: ImageFormat
    private let scaler: Scaler?
    private let frame: Frame
    private let packet: Packet
    /// True once the encoder had to be flushed to give a picture out; it takes no more input then.
    private(set) var isExhausted = false

    init(format: ImageFormat, width: Int32, height: Int32, quality: Int, pngCompression: Int = 3) throws {
        self.format = format
        let codec: UnsafePointer<AVCodec>?
        let pixelFormat: AVPixelFormat
        switch format {
        case .png:
            codec = avcodec_find_encoder(AV_CODEC_ID_PNG)
            pixelFormat = AV_PIX_FMT_RGB24
        case .jpeg:
            codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG)
            pixelFormat = AV_PIX_FMT_YUVJ420P
        case .webp:
            codec = avcodec_find_encoder_by_name("libwebp")
            pixelFormat = AV_PIX_FMT_BGRA
        }
        guard let codec else {
            throw MediaError(.unsupported, "this FFmpeg has no \(format.rawValue) encoder", underlying: .encoderNotFound)
        }
        let owner = try CodecContext(codec: codec)
        let context = owner.pointer
        context.pointee.width = width
        context.pointee.height = height
        context.pointee.pix_fmt = pixelFormat
        context.pointee.time_base = AVRational(num: 1, den: 25)
        let quality = max(1, min(100, quality))
        switch format {
        case .png:
            context.pointee.compression_level = Int32(max(0, min(9, pngCompression)))
            scaler = nil
        case .jpeg:
            // qscale 2 (best) ... 31 (worst), the scale ffmpeg's -q:v uses.
            let qscale = 2 + (100 - quality) * 29 / 99
            context.pointee.flags |= AV_CODEC_FLAG_QSCALE
            context.pointee.global_quality = Int32(qscale) * FF_QP2LAMBDA
            context.pointee.color_range = AVCOL_RANGE_JPEG
            // JFIF is BT.601 full range.
            scaler = try Scaler(
                from: .init(width: width, height: height, format: AV_PIX_FMT_RGB24),
                to: .init(width: width, height: height, format: pixelFormat),
                colorSpace: AVCOL_SPC_SMPTE170M, sourceFullRange: true, destinationFullRange: true)
        case .webp:
            owner.setOption("quality", "\(quality)")
            scaler = try Scaler(
                from: .init(width: width, height: height, format: AV_PIX_FMT_RGB24),
                to: .init(width: width, height: height, format: pixelFormat),
                colorSpace: AVCOL_SPC_BT709, sourceFullRange: true, destinationFullRange: true)
        }
        // Opened before the frame is allocated: the encoder checks the size (av_image_check_size)
        // first, so a picture too large for it is an error here, not an allocation that fails later.
        do throws(FFmpegError) {
            try owner.open()
        } catch {
            throw MediaError(
                .unsupported, "cannot encode a \(width)x\(height) \(format.rawValue) image", underlying: error)
        }
        self.codec = owner
        frame = try Frame(width: width, height: height, format: pixelFormat)
        frame.pointer.pointee.quality = context.pointee.global_quality
        packet = try Packet()
    }

    func encode(_ image: RGBImage) throws -> Data {
        precondition(Int32(image.width) == frame.width && Int32(image.height) == frame.height)
        try frame.makeWritable()
        image.pixels.withUnsafeBufferPointer { source in
            if let scaler {
                var planes: [UnsafeMutablePointer<UInt8>?] = (0..<4).map { frame.plane($0)?.base }
                var strides: [Int32] = (0..<4).map { Int32(frame.plane($0)?.stride ?? 0) }
                scaler.scale(packed: source.baseAddress!, stride: Int32(image.bytesPerRow), into: &planes, strides: &strides)
            } else if let plane = frame.plane(0) {
                for row in 0..<image.height {
                    (plane.base + row * plane.stride).update(
                        from: source.baseAddress! + row * image.bytesPerRow, count: image.bytesPerRow)
                }
            }
        }
        try check(avcodec_send_frame(context, frame.pointer), "avcodec_send_frame")
        var code = avcodec_receive_packet(context, packet.pointer)
        if code == cffmpeg_error_again {
            // libwebp and friends may hold the picture until told the input has ended.
            try check(avcodec_send_frame(context, nil), "avcodec_send_frame")
            isExhausted = true
            code = avcodec_receive_packet(context, packet.pointer)
        }
        try check(code, "avcodec_receive_packet")
        defer { packet.unref() }
        return Data(bytes: packet.pointer.pointee.data, count: Int(packet.size))
    }
}

@available(*, unavailable)
extension ImageEncoder: Sendable {}
