import CFFmpeg

/// Brings decoded frames to one shape: 8-bit 4:2:0 at a given size, in the range the frame had
/// (limited stays limited, full stays full), so the joiner's pixel work and the encoder see one format.
final class PictureConformer {
    let width: Int32
    let height: Int32
    private var scaler: Scaler?
    private var key: (Int32, Int32, Int32, ColorInterpretation)?

    init(width: Int32, height: Int32) {
        self.width = width
        self.height = height
    }

    /// `frame` itself (a new reference) when it already fits, else a converted copy.
    func conform(_ frame: Frame) throws -> Frame {
        let format = frame.pixelFormat
        if frame.width == width && frame.height == height && (format == AV_PIX_FMT_YUV420P || format == AV_PIX_FMT_YUVJ420P) {
            return try frame.reference()
        }
        let color = ColorInterpretation(frame: frame)
        let newKey = (frame.width, frame.height, format.rawValue, color)
        if scaler == nil || key.map({ $0.0 != newKey.0 || $0.1 != newKey.1 || $0.2 != newKey.2 || $0.3 != newKey.3 }) ?? true {
            scaler = try Scaler(
                from: .init(width: frame.width, height: frame.height, format: format),
                to: .init(width: width, height: height, format: AV_PIX_FMT_YUV420P),
                colorSpace: color.space, sourceFullRange: color.fullRange, destinationFullRange: color.fullRange)
            key = newKey
        }
        let output = try Frame(width: width, height: height, format: AV_PIX_FMT_YUV420P)
        var planes: [UnsafeMutablePointer<UInt8>?] = (0..<4).map { output.plane($0)?.base }
        var strides: [Int32] = (0..<4).map { Int32(output.plane($0)?.stride ?? 0) }
        scaler!.scale(frame, into: &planes, strides: &strides)
        output.pointer.pointee.color_range = color.fullRange ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
        output.pointer.pointee.colorspace = frame.colorSpace
        return output
    }
}

@available(*, unavailable)
extension PictureConformer: Sendable {}

extension Frame {
    /// Calls `body` with each plane of an 8-bit 4:2:0 frame: (index, base, stride, width, height).
    func forEachPlane420(_ body: (Int, UnsafeMutablePointer<UInt8>, Int, Int, Int) throws -> Void) rethrows {
        let w = Int(width)
        let h = Int(height)
        for index in 0..<3 {
            guard let plane = plane(index) else { continue }
            let pw = index == 0 ? w : (w + 1) / 2
            let ph = index == 0 ? h : (h + 1) / 2
            try body(index, plane.base, plane.stride, pw, ph)
        }
    }
}
