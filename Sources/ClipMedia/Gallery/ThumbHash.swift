import Foundation

/// ThumbHash: a ~25-byte placeholder for a picture that also records its aspect ratio.
///
/// This is Evan Wallace's published algorithm (github.com/evanw/thumbhash), written for ClipKit in
/// Swift: the picture is turned into luminance and two colour-difference channels (L, P, Q), each is
/// reduced to a handful of DCT coefficients, and those are quantised to 4 bits. Decoders in any
/// language (the gallery page has one in JavaScript) draw a soft, correctly shaped preview from it.
/// Pictures here are opaque, so the alpha channel of the format is never written.
public enum ThumbHash {
    /// Encodes `image`, which must be at most 100 pixels on each side (larger pictures gain nothing).
    /// - Throws: ``MediaError`` when the picture is larger than 100x100.
    public static func encode(_ image: RGBImage) throws -> [UInt8] {
        let w = image.width
        let h = image.height
        guard w <= 100, h <= 100 else {
            throw MediaError(.invalidArgument, "ThumbHash takes pictures up to 100x100, not \(w)x\(h)")
        }
        let count = w * h
        var l = [Double](repeating: 0, count: count)
        var p = [Double](repeating: 0, count: count)
        var q = [Double](repeating: 0, count: count)
        image.pixels.withUnsafeBufferPointer { rgb in
            for i in 0..<count {
                let r = Double(rgb[3 * i]) / 255
                let g = Double(rgb[3 * i + 1]) / 255
                let b = Double(rgb[3 * i + 2]) / 255
                l[i] = (r + g + b) / 3
                p[i] = (r + g) / 2 - b
                q[i] = r - g
            }
        }
        let limit = 7.0  // luminance terms for an opaque picture
        let longest = Double(max(w, h))
        let lx = max(1, Int((limit * Double(w) / longest).rounded()))
        let ly = max(1, Int((limit * Double(h) / longest).rounded()))
        let luma = channel(l, width: w, height: h, nx: max(3, lx), ny: max(3, ly))
        let yellowBlue = channel(p, width: w, height: h, nx: 3, ny: 3)
        let redGreen = channel(q, width: w, height: h, nx: 3, ny: 3)

        let isLandscape = w > h
        let header24 =
            Int((63 * luma.dc).rounded()) | Int((31.5 + 31.5 * yellowBlue.dc).rounded()) << 6
            | Int((31.5 + 31.5 * redGreen.dc).rounded()) << 12 | Int((31 * luma.scale).rounded()) << 18
        let header16 =
            (isLandscape ? ly : lx) | Int((63 * yellowBlue.scale).rounded()) << 3
            | Int((63 * redGreen.scale).rounded()) << 9 | (isLandscape ? 1 << 15 : 0)
        var hash: [UInt8] = [
            UInt8(header24 & 255), UInt8(header24 >> 8 & 255), UInt8(header24 >> 16 & 255),
            UInt8(header16 & 255), UInt8(header16 >> 8 & 255),
        ]
        var index = 0
        for factor in luma.ac + yellowBlue.ac + redGreen.ac {
            let byte = 5 + index >> 1
            if byte >= hash.count { hash.append(0) }
            hash[byte] |= UInt8(Int((15 * factor).rounded()) << ((index & 1) << 2))
            index += 1
        }
        return hash
    }

    /// The aspect ratio (width / height) recorded in a hash, to about 1/7 precision.
    public static func approximateAspectRatio(_ hash: [UInt8]) -> Double {
        guard hash.count >= 5 else { return 1 }
        let hasAlpha = hash[2] & 0x80 != 0
        let isLandscape = hash[4] & 0x80 != 0
        let lx = isLandscape ? (hasAlpha ? 5 : 7) : Int(hash[3] & 7)
        let ly = isLandscape ? Int(hash[3] & 7) : (hasAlpha ? 5 : 7)
        return ly == 0 ? 1 : Double(lx) / Double(ly)
    }

    /// Draws the placeholder a hash describes, at most 32 pixels on its longer side.
    /// - Throws: ``MediaError`` when the bytes are too short to be a ThumbHash.
    public static func decode(_ hash: [UInt8]) throws -> RGBImage {
        guard hash.count >= 5 else { throw MediaError(.invalidArgument, "a ThumbHash has at least 5 bytes, got \(hash.count)") }
        let header24 = Int(hash[0]) | Int(hash[1]) << 8 | Int(hash[2]) << 16
        let header16 = Int(hash[3]) | Int(hash[4]) << 8
        let lDC = Double(header24 & 63) / 63
        let pDC = Double(header24 >> 6 & 63) / 31.5 - 1
        let qDC = Double(header24 >> 12 & 63) / 31.5 - 1
        let lScale = Double(header24 >> 18 & 31) / 31
        let hasAlpha = header24 >> 23 != 0
        let pScale = Double(header16 >> 3 & 63) / 63
        let qScale = Double(header16 >> 9 & 63) / 63
        let isLandscape = header16 >> 15 != 0
        let lx = max(3, isLandscape ? (hasAlpha ? 5 : 7) : header16 & 7)
        let ly = max(3, isLandscape ? header16 & 7 : (hasAlpha ? 5 : 7))

        var index = 0
        let start = hasAlpha ? 6 : 5
        func factors(nx: Int, ny: Int, scale: Double) -> [Double] {
            var result: [Double] = []
            for cy in 0..<ny {
                var cx = cy == 0 ? 1 : 0
                while cx * ny < nx * (ny - cy) {
                    let byte = start + index >> 1
                    let nibble = byte < hash.count ? Int(hash[byte]) >> ((index & 1) << 2) & 15 : 8
                    result.append((Double(nibble) / 7.5 - 1) * scale)
                    index += 1
                    cx += 1
                }
            }
            return result
        }
        let lAC = factors(nx: lx, ny: ly, scale: lScale)
        // Colour factors are boosted 1.25x to make up for the saturation lost to quantisation.
        let pAC = factors(nx: 3, ny: 3, scale: pScale * 1.25)
        let qAC = factors(nx: 3, ny: 3, scale: qScale * 1.25)

        let ratio = approximateAspectRatio(hash)
        let w = max(1, Int((ratio > 1 ? 32 : 32 * ratio).rounded()))
        let h = max(1, Int((ratio > 1 ? 32 / ratio : 32).rounded()))
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        var fx = [Double](repeating: 0, count: max(lx, 3))
        var fy = [Double](repeating: 0, count: max(ly, 3))
        for y in 0..<h {
            for n in 0..<fy.count { fy[n] = cos(Double.pi / Double(h) * (Double(y) + 0.5) * Double(n)) }
            for x in 0..<w {
                for n in 0..<fx.count { fx[n] = cos(Double.pi / Double(w) * (Double(x) + 0.5) * Double(n)) }
                var l = lDC
                var p = pDC
                var q = qDC
                var j = 0
                for cy in 0..<ly {
                    var cx = cy == 0 ? 1 : 0
                    while cx * ly < lx * (ly - cy) {
                        l += lAC[j] * fx[cx] * fy[cy] * 2
                        j += 1
                        cx += 1
                    }
                }
                j = 0
                for cy in 0..<3 {
                    var cx = cy == 0 ? 1 : 0
                    while cx < 3 - cy {
                        let f = fx[cx] * fy[cy] * 2
                        p += pAC[j] * f
                        q += qAC[j] * f
                        j += 1
                        cx += 1
                    }
                }
                let b = l - 2.0 / 3.0 * p
                let r = (3 * l - b + q) / 2
                let g = r - q
                let i = (y * w + x) * 3
                pixels[i] = UInt8(max(0, 255 * min(1, r)))
                pixels[i + 1] = UInt8(max(0, 255 * min(1, g)))
                pixels[i + 2] = UInt8(max(0, 255 * min(1, b)))
            }
        }
        return RGBImage(width: w, height: h, pixels: pixels)
    }

    /// The DC term, the normalised AC terms (0...1) and their scale of one channel.
    private static func channel(
        _ values: [Double], width w: Int, height h: Int, nx: Int, ny: Int
    ) -> (dc: Double, ac: [Double], scale: Double) {
        var dc = 0.0
        var ac: [Double] = []
        var scale = 0.0
        var fx = [Double](repeating: 0, count: w)
        for cy in 0..<ny {
            var cx = 0
            while cx * ny < nx * (ny - cy) {
                for x in 0..<w { fx[x] = cos(Double.pi / Double(w) * Double(cx) * (Double(x) + 0.5)) }
                var f = 0.0
                for y in 0..<h {
                    let fy = cos(Double.pi / Double(h) * Double(cy) * (Double(y) + 0.5))
                    let row = y * w
                    for x in 0..<w { f += values[row + x] * fx[x] * fy }
                }
                f /= Double(w * h)
                if cx > 0 || cy > 0 {
                    ac.append(f)
                    scale = max(scale, abs(f))
                } else {
                    dc = f
                }
                cx += 1
            }
        }
        if scale > 0 { ac = ac.map { 0.5 + 0.5 / scale * $0 } }
        return (dc, ac, scale)
    }
}
