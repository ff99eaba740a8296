// TEMPORARY stand-in for the ClipMedia API the lead is writing (RGBImage, ImageCodec, ClipWriter ...),
// so that ClipSandbox compiles before that API lands on main. Declarations in this module shadow the
// imported ones; delete this file once `git merge main` brings the real ones.
import Foundation

struct PixelRect: Sendable, Hashable {
    var x: Int, y: Int, width: Int, height: Int
    init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
}

struct RGBImage: Sendable, Hashable {
    var width: Int
    var height: Int
    var pixels: [UInt8]
    init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width; self.height = height; self.pixels = pixels
    }
    init(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) {
        self.init(width: width, height: height, pixels: Array([red, green, blue].repeated(width * height)))
    }
    func resized(width: Int, height: Int, crop: PixelRect? = nil) throws -> RGBImage {
        let c = crop ?? PixelRect(x: 0, y: 0, width: self.width, height: self.height)
        var out = [UInt8](repeating: 0, count: width * height * 3)
        for y in 0..<height {
            let sy = c.y + y * c.height / height
            for x in 0..<width {
                let sx = c.x + x * c.width / width
                let s = (sy * self.width + sx) * 3, d = (y * width + x) * 3
                out[d] = pixels[s]; out[d + 1] = pixels[s + 1]; out[d + 2] = pixels[s + 2]
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
    func blended(with other: RGBImage, amount: Double) -> RGBImage {
        var out = pixels
        for i in out.indices {
            out[i] = UInt8((Double(pixels[i]) * (1 - amount) + Double(other.pixels[i]) * amount).rounded())
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}

extension Array {
    fileprivate func repeated(_ count: Int) -> [Element] {
        var result: [Element] = []
        result.reserveCapacity(self.count * count)
        for _ in 0..<count { result.append(contentsOf: self) }
        return result
    }
}

enum ImageFormat: String, Sendable { case png, jpeg, webp }

enum ImageCodec {
    /// Stand-in "codec": 8-byte header (width, height) + raw RGB.
    static func decode(_ data: Data) throws -> RGBImage {
        guard data.count >= 8 else { throw CocoaError(.fileReadCorruptFile) }
        let bytes = [UInt8](data)
        let w = Int(bytes[0]) << 8 | Int(bytes[1]), h = Int(bytes[2]) << 8 | Int(bytes[3])
        guard bytes.count == 8 + w * h * 3 else { throw CocoaError(.fileReadCorruptFile) }
        return RGBImage(width: w, height: h, pixels: Array(bytes[8...]))
    }
    static func read(path: String) throws -> RGBImage {
        try decode(try Data(contentsOf: URL(fileURLWithPath: path)))
    }
    static func encode(_ image: RGBImage, as format: ImageFormat, quality: Int = 90) throws -> Data {
        var d = Data([UInt8(image.width >> 8), UInt8(image.width & 255), UInt8(image.height >> 8), UInt8(image.height & 255), 0, 0, 0, 0])
        d.append(contentsOf: image.pixels)
        return d
    }
}

struct VideoEncodingSettings: Sendable {
    var width: Int, height: Int, frameRate: Int
    init(width: Int, height: Int, frameRate: Int = 24) {
        self.width = width; self.height = height; self.frameRate = frameRate
    }
}

final class ClipWriter {
    private let path: String
    private var data = Data()
    init(path: String, settings: VideoEncodingSettings) throws { self.path = path }
    func append(_ image: RGBImage) throws { data.append(contentsOf: image.pixels.prefix(64)) }
    func finish() throws { try data.write(to: URL(fileURLWithPath: path)) }
}
