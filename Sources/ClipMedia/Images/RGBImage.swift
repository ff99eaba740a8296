/// A picture as 8-bit RGB triplets, row after row with no padding: the currency between ClipKit's
/// media operations (last frames, thumbnails, start images, colour statistics).
public struct RGBImage: Sendable, Hashable {
    public let width: Int
    public let height: Int
    /// `width * height * 3` bytes: R, G, B for each pixel, rows top to bottom.
    public var pixels: [UInt8]

    public init(width: Int, height: Int, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * 3, "RGB24 size mismatch")
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// A picture of one colour.
    public init(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { buffer in
            var i = 0
            while i < buffer.count {
                buffer[i] = red
                buffer[i + 1] = green
                buffer[i + 2] = blue
                i += 3
            }
        }
        self.init(width: width, height: height, pixels: pixels)
    }

    public var bytesPerRow: Int { width * 3 }

    /// The pixel at (x, y).
    public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        let i = (y * width + x) * 3
        return (pixels[i], pixels[i + 1], pixels[i + 2])
    }

    /// A linear mix, `self * (1 - amount) + other * amount`, of two pictures of the same size.
    public func blended(with other: RGBImage, amount: Double) -> RGBImage {
        precondition(other.width == width && other.height == height, "blend needs pictures of the same size")
        let weight = Int((max(0, min(1, amount)) * 256).rounded())
        if weight == 0 { return self }
        if weight == 256 { return other }
        var result = [UInt8](repeating: 0, count: pixels.count)
        pixels.withUnsafeBufferPointer { a in
            other.pixels.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { out in
                    for i in 0..<out.count {
                        out[i] = UInt8((Int(a[i]) * (256 - weight) + Int(b[i]) * weight + 128) >> 8)
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: result)
    }

    /// The picture turned clockwise by a multiple of 90 degrees.
    public func rotated(clockwise degrees: Int) -> RGBImage {
        let turns = ((degrees / 90) % 4 + 4) % 4
        guard turns != 0 else { return self }
        let newWidth = turns == 2 ? width : height
        let newHeight = turns == 2 ? height : width
        var result = [UInt8](repeating: 0, count: pixels.count)
        let (w, h) = (width, height)
        pixels.withUnsafeBufferPointer { src in
            result.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        let (nx, ny): (Int, Int)
                        switch turns {
                        case 1: (nx, ny) = (h - 1 - y, x)
                        case 2: (nx, ny) = (w - 1 - x, h - 1 - y)
                        default: (nx, ny) = (y, w - 1 - x)
                        }
                        let s = (y * w + x) * 3
                        let d = (ny * newWidth + nx) * 3
                        dst[d] = src[s]
                        dst[d + 1] = src[s + 1]
                        dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: newWidth, height: newHeight, pixels: result)
    }

    /// Peak signal-to-noise ratio against a picture of the same size, over all three channels, in dB
    /// (`.infinity` for identical pictures).
    public func psnr(to other: RGBImage) -> Double {
        precondition(other.width == width && other.height == height, "PSNR needs pictures of the same size")
        var sum: UInt64 = 0
        pixels.withUnsafeBufferPointer { a in
            other.pixels.withUnsafeBufferPointer { b in
                for i in 0..<a.count {
                    let d = Int(a[i]) - Int(b[i])
                    sum &+= UInt64(d * d)
                }
            }
        }
        guard sum > 0 else { return .infinity }
        let mse = Double(sum) / Double(pixels.count)
        return 10 * log10(255 * 255 / mse)
    }

    /// The mean of each channel, 0...255.
    public var meanColor: (red: Double, green: Double, blue: Double) {
        var totals: (UInt64, UInt64, UInt64) = (0, 0, 0)
        pixels.withUnsafeBufferPointer { p in
            var i = 0
            while i < p.count {
                totals.0 &+= UInt64(p[i])
                totals.1 &+= UInt64(p[i + 1])
                totals.2 &+= UInt64(p[i + 2])
                i += 3
            }
        }
        let n = Double(width * height)
        return (Double(totals.0) / n, Double(totals.1) / n, Double(totals.2) / n)
    }
}

/// A rectangle of pixels inside a picture.
public struct PixelRect: Sendable, Hashable, Codable {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
