/// Mixes two 8-bit 4:2:0 frames of one size, plane by plane, for crossfades.
enum FrameBlender {
    /// `from * (1 - amount) + to * amount`, written into a new frame.
    static func blend(_ from: Frame, _ to: Frame, amount: Double) throws -> Frame {
        let output = try Frame(width: from.width, height: from.height, format: from.pixelFormat)
        output.pointer.pointee.color_range = from.colorRange
        output.pointer.pointee.colorspace = from.colorSpace
        let weight = Int((max(0, min(1, amount)) * 256).rounded())
        from.forEachPlane420 { index, a, aStride, width, height in
            guard let b = to.plane(index), let out = output.plane(index) else { return }
            for y in 0..<height {
                let rowA = a + y * aStride
                let rowB = b.base + y * b.stride
                let rowOut = out.base + y * out.stride
                for x in 0..<width {
                    rowOut[x] = UInt8((Int(rowA[x]) * (256 - weight) + Int(rowB[x]) * weight + 128) >> 8)
                }
            }
        }
        return output
    }
}
