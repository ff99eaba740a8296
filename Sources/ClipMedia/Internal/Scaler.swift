import CFFmpeg

/// An owned `SwsContext`: converts and resizes pictures with an explicit colour matrix and range.
///
/// libswscale assumes BT.601 limited range unless told otherwise; a BT.709 clip converted that way
/// shifts every colour, and the shift compounds along a chain of last frames. Every Scaler is
/// therefore built with the matrix and ranges of both sides, never the defaults.
final class Scaler {
    private let context: OpaquePointer
    let sourceHeight: Int32

    struct Geometry {
        var width: Int32
        var height: Int32
        var format: AVPixelFormat
    }

    /// Accurate rounding and full chroma interpolation: unbiased, so repeated hops don't drift.
    static let accurateFlags = SWS_BICUBIC | SWS_ACCURATE_RND | SWS_FULL_CHR_H_INT | SWS_FULL_CHR_H_INP
    /// For previews where speed matters more than the last bit of precision.
    static let fastFlags = SWS_BILINEAR

    /// - Parameters:
    ///   - colorSpace: the YUV matrix on the YUV side (source for decoding, destination for encoding).
    ///   - sourceFullRange / destinationFullRange: full (0–255) or limited (16–235) range.
    init(
        from source: Geometry, to destination: Geometry, flags: Int32 = Scaler.accurateFlags,
        colorSpace: AVColorSpace, sourceFullRange: Bool, destinationFullRange: Bool
    ) throws(FFmpegError) {
        guard
            let context = sws_getContext(
                source.width, source.height, source.format, destination.width, destination.height,
                destination.format, flags, nil, nil, nil)
        else {
            throw FFmpegError(code: cffmpeg_averror(EINVAL), operation: "sws_getContext")
        }
        self.context = context
        self.sourceHeight = source.height
        let coefficients = sws_getCoefficients(Scaler.swsColorSpace(colorSpace))
        // Brightness 0, contrast and saturation 1.0 in 16.16 fixed point.
        sws_setColorspaceDetails(
            context, coefficients, sourceFullRange ? 1 : 0, coefficients, destinationFullRange ? 1 : 0,
            0, 1 << 16, 1 << 16)
    }

    deinit { sws_freeContext(context) }

    /// Converts `frame` into the destination planes.
    func scale(
        _ frame: Frame, into planes: UnsafePointer<UnsafeMutablePointer<UInt8>?>, strides: UnsafePointer<Int32>
    ) {
        withUnsafePointer(to: &frame.pointer.pointee.data) { data in
            withUnsafePointer(to: &frame.pointer.pointee.linesize) { linesize in
                data.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { sourcePlanes in
                    linesize.withMemoryRebound(to: Int32.self, capacity: 8) { sourceStrides in
                        _ = sws_scale(context, sourcePlanes, sourceStrides, 0, frame.height, planes, strides)
                    }
                }
            }
        }
    }

    /// Converts packed source rows (one plane) into the destination planes.
    func scale(
        packed source: UnsafePointer<UInt8>, stride: Int32,
        into planes: UnsafePointer<UnsafeMutablePointer<UInt8>?>, strides: UnsafePointer<Int32>
    ) {
        var sourcePlanes: [UnsafePointer<UInt8>?] = [source, nil, nil, nil]
        var sourceStrides: [Int32] = [stride, 0, 0, 0]
        _ = sws_scale(context, &sourcePlanes, &sourceStrides, 0, sourceHeight, planes, strides)
    }

    /// Converts `frame` into a packed RGB24 picture of the destination size.
    func rgbImage(from frame: Frame, width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { buffer in
            var planes: [UnsafeMutablePointer<UInt8>?] = [buffer.baseAddress, nil, nil, nil]
            var strides: [Int32] = [Int32(width * 3), 0, 0, 0]
            scale(frame, into: &planes, strides: &strides)
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Maps FFmpeg's colour space to libswscale's coefficient table index.
    static func swsColorSpace(_ space: AVColorSpace) -> Int32 {
        switch space {
        case AVCOL_SPC_BT709: return SWS_CS_ITU709
        case AVCOL_SPC_FCC: return SWS_CS_FCC
        case AVCOL_SPC_SMPTE240M: return SWS_CS_SMPTE240M
        case AVCOL_SPC_BT2020_NCL, AVCOL_SPC_BT2020_CL: return SWS_CS_BT2020
        default: return SWS_CS_ITU601
        }
    }
}

@available(*, unavailable)
extension Scaler: Sendable {}

/// How a decoded frame's YUV values are to be read: the matrix and range it was tagged with, or the
/// usual guess when it is untagged (BT.709 for HD, BT.601 for SD, limited range).
struct ColorInterpretation: Equatable {
    var space: AVColorSpace
    var fullRange: Bool
    /// True when the stream said nothing and ``space`` is a guess.
    var guessed: Bool

    init(frame: Frame) {
        self.init(space: frame.colorSpace, range: frame.colorRange, format: frame.pixelFormat, height: frame.height)
    }

    init(space: AVColorSpace, range: AVColorRange, format: AVPixelFormat, height: Int32) {
        let fullRangeFormats: Set<Int32> = [
            AV_PIX_FMT_YUVJ420P.rawValue, AV_PIX_FMT_YUVJ422P.rawValue, AV_PIX_FMT_YUVJ444P.rawValue,
            AV_PIX_FMT_YUVJ440P.rawValue, AV_PIX_FMT_YUVJ411P.rawValue,
        ]
        fullRange = range == AVCOL_RANGE_JPEG || fullRangeFormats.contains(format.rawValue)
        switch space {
        case AVCOL_SPC_UNSPECIFIED, AVCOL_SPC_RESERVED, AVCOL_SPC_RGB:
            self.space = height >= 720 ? AVCOL_SPC_BT709 : AVCOL_SPC_SMPTE170M
            guessed = true
        default:
            self.space = space
            guessed = false
        }
    }
}
