import ClipMedia
import Foundation

/// Makes test clips at test time with ClipMedia's own encoder, so no media file is committed.
///
/// Every frame of ``pattern(index:width:height:)`` carries its own index as a row of large black and
/// white blocks, which survive lossy encoding: ``frameIndex(in:)`` reads it back, so a test can tell
/// exactly which frame an extractor returned.
public enum FixtureFactory {
    /// Bits of the frame index drawn in the top band.
    public static let indexBits = 10

    /// Writes a clip of `frames` pattern frames (or `content(i)` where it returns a picture).
    @discardableResult
    public static func makeClip(
        at path: String, settings: VideoEncodingSettings, frames: Int,
        content: ((Int) -> RGBImage?)? = nil, pts: ((Int) -> Int64)? = nil
    ) throws -> String {
        let background = gradient(width: settings.width, height: settings.height)
        let writer = try ClipWriter(path: path, settings: settings)
        for index in 0..<frames {
            let picture =
                content?(index)
                ?? pattern(index: index, width: settings.width, height: settings.height, background: background)
            try writer.append(picture, pts: pts?(index))
        }
        try writer.finish()
        return path
    }

    /// A clip of `seconds` at `fps` plus one frame, the way Ray 2 delivers "5 s" as 121 frames.
    @discardableResult
    public static func makeGeneratorLikeClip(
        at path: String, width: Int = 320, height: Int = 180, seconds: Int = 5, fps: Int = 24
    ) throws -> String {
        try makeClip(at: path, settings: VideoEncodingSettings(width: width, height: height, frameRate: fps), frames: seconds * fps + 1)
    }

    /// A smooth diagonal colour gradient.
    public static func gradient(width: Int, height: Int) -> RGBImage {
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        pixels.withUnsafeMutableBufferPointer { p in
            for y in 0..<height {
                for x in 0..<width {
                    let i = (y * width + x) * 3
                    p[i] = UInt8(40 + 160 * x / max(1, width - 1))
                    p[i + 1] = UInt8(60 + 120 * y / max(1, height - 1))
                    p[i + 2] = UInt8(200 - 120 * (x + y) / max(1, width + height - 2))
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }

    /// Frame `index`: the gradient, a square that moves every frame, and the index as blocks on top.
    public static func pattern(index: Int, width: Int, height: Int, background: RGBImage? = nil) -> RGBImage {
        var image = background ?? gradient(width: width, height: height)
        let band = max(4, height / 8)
        let block = width / indexBits
        image.pixels.withUnsafeMutableBufferPointer { p in
            func fill(_ x0: Int, _ y0: Int, _ w: Int, _ h: Int, _ value: (UInt8, UInt8, UInt8)) {
                for y in max(0, y0)..<min(height, y0 + h) {
                    for x in max(0, x0)..<min(width, x0 + w) {
                        let i = (y * width + x) * 3
                        p[i] = value.0
                        p[i + 1] = value.1
                        p[i + 2] = value.2
                    }
                }
            }
            for bit in 0..<indexBits {
                let on = (index >> (indexBits - 1 - bit)) & 1 == 1
                fill(bit * block, 0, block, band, on ? (255, 255, 255) : (0, 0, 0))
            }
            let side = max(8, height / 5)
            let travel = max(1, width - side)
            let x = (index * 7) % (2 * travel)
            fill(x < travel ? x : 2 * travel - x, height / 2 - side / 2, side, side, (250, 220, 40))
        }
        return image
    }

    /// Reads back the index drawn by ``pattern(index:width:height:background:)``.
    public static func frameIndex(in image: RGBImage) -> Int {
        let band = max(4, image.height / 8)
        let block = image.width / indexBits
        var value = 0
        for bit in 0..<indexBits {
            let pixel = image[bit * block + block / 2, band / 2]
            let luma = (Int(pixel.red) + Int(pixel.green) + Int(pixel.blue)) / 3
            value = value << 1 | (luma > 128 ? 1 : 0)
        }
        return value
    }
}
