import CFFmpeg

/// Reads the statistics `blackdetect` and `freezedetect` need straight from a decoded YUV frame,
/// on every `rowStep`-th row of each plane (all samples of a row, so the loops vectorise).
///
/// No colour conversion: black is measured on the luma plane, frozen on all planes, as the filters do.
struct PlaneSampler {
    let rowStep: Int
    let bitDepth: Int
    /// Samples per row and rows of each plane, as `freezedetect` sizes them.
    private let planes: [(width: Int, height: Int)]
    /// The luma value at or below which a sample is black.
    let blackLimit: Int

    /// Nil when the pixel format has no luma plane to read (RGB, palette, hardware or bitstream formats).
    init?(frame: Frame, black: BlackDetection) {
        guard let descriptor = av_pix_fmt_desc_get(frame.pixelFormat) else { return nil }
        let flags = UInt64(descriptor.pointee.flags)
        let unsupported = AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BITSTREAM
            | AV_PIX_FMT_FLAG_BE
        guard flags & UInt64(unsupported) == 0 else { return nil }
        bitDepth = Int(descriptor.pointee.comp.0.depth)
        guard bitDepth >= 8, bitDepth <= 16 else { return nil }
        let chromaShift = Int(descriptor.pointee.log2_chroma_h)
        var planes: [(Int, Int)] = []
        for plane in 0..<Int(av_pix_fmt_count_planes(frame.pixelFormat)) {
            let bytes = Int(av_image_get_linesize(frame.pixelFormat, frame.width, Int32(plane)))
            guard bytes > 0 else { continue }
            let height = Int(frame.height) >> ((plane == 1 || plane == 2) ? chromaShift : 0)
            planes.append((bytes >> (bitDepth > 8 ? 1 : 0), height))
        }
        guard !planes.isEmpty else { return nil }
        self.planes = planes
        rowStep = max(1, Int(frame.height) / 360)
        let name = String(cString: descriptor.pointee.name)
        let fullRange = name.hasPrefix("yuvj") || frame.colorRange == AVCOL_RANGE_JPEG
        blackLimit = BlackDetector.pixelLimit(threshold: black.pixelThreshold, fullRange: fullRange, bitDepth: bitDepth)
    }

    /// Whether `frame` has the size and format this sampler was made for.
    func fits(_ frame: Frame, format: AVPixelFormat, width: Int32, height: Int32) -> Bool {
        frame.pixelFormat == format && frame.width == width && frame.height == height
    }

    /// The share of sampled luma samples at or below ``blackLimit``.
    func blackRatio(_ frame: Frame) -> Double {
        guard let luma = frame.plane(0) else { return 0 }
        let (width, height) = planes[0]
        var black = 0
        var sampled = 0
        var row = 0
        while row < height {
            let line = luma.base + row * luma.stride
            if bitDepth == 8 {
                black += Self.countAtOrBelow(line, width, UInt8(clamping: blackLimit))
            } else {
                black += Self.countAtOrBelow(UnsafeRawPointer(line).assumingMemoryBound(to: UInt16.self), width, UInt16(clamping: blackLimit))
            }
            sampled += width
            row += rowStep
        }
        return sampled == 0 ? 0 : Double(black) / Double(sampled)
    }

    /// Mean absolute difference between two frames over all planes, divided by 2^bitDepth.
    func meanDifference(_ frame: Frame, _ reference: Frame) -> Double {
        var sum: UInt64 = 0
        var count = 0
        for (index, plane) in planes.enumerated() {
            guard let a = frame.plane(index), let b = reference.plane(index) else { continue }
            var row = 0
            while row < plane.height {
                let lineA = a.base + row * a.stride
                let lineB = b.base + row * b.stride
                if bitDepth == 8 {
                    sum += Self.absoluteDifference(lineA, lineB, plane.width)
                } else {
                    sum += Self.absoluteDifference(
                        UnsafeRawPointer(lineA).assumingMemoryBound(to: UInt16.self),
                        UnsafeRawPointer(lineB).assumingMemoryBound(to: UInt16.self), plane.width)
                }
                count += plane.width
                row += rowStep
            }
        }
        return count == 0 ? 0 : Double(sum) / Double(count) / Double(1 << bitDepth)
    }

    // MARK: Row kernels, written so the compiler vectorises them

    @inline(__always)
    private static func countAtOrBelow<T: FixedWidthInteger & UnsignedInteger>(
        _ line: UnsafePointer<T>, _ width: Int, _ limit: T
    ) -> Int {
        var count: UInt32 = 0
        for x in 0..<width {
            count &+= line[x] <= limit ? 1 : 0
        }
        return Int(count)
    }

    @inline(__always)
    private static func countAtOrBelow(_ line: UnsafeMutablePointer<UInt8>, _ width: Int, _ limit: UInt8) -> Int {
        countAtOrBelow(UnsafePointer(line), width, limit)
    }

    @inline(__always)
    private static func absoluteDifference<T: FixedWidthInteger & UnsignedInteger>(
        _ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ width: Int
    ) -> UInt64 {
        var sum: UInt32 = 0
        for x in 0..<width {
            let p = a[x]
            let q = b[x]
            sum &+= UInt32(max(p, q) &- min(p, q))
        }
        return UInt64(sum)
    }

    @inline(__always)
    private static func absoluteDifference(
        _ a: UnsafeMutablePointer<UInt8>, _ b: UnsafeMutablePointer<UInt8>, _ width: Int
    ) -> UInt64 {
        absoluteDifference(UnsafePointer(a), UnsafePointer(b), width)
    }
}
