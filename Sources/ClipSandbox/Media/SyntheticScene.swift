import ClipMedia
import Foundation

/// The scene rendered when a task has no start image: a smooth gradient and a few moving shapes.
enum SyntheticScene {
    /// A moving rectangle: position at frame 0, velocity in pixels per frame, bouncing off the edges.
    struct Shape: Sendable {
        var x: Double, y: Double, dx: Double, dy: Double
        var width: Int, height: Int
        var color: (UInt8, UInt8, UInt8)
        var frameWidth: Int, frameHeight: Int

        func draw(on image: inout RGBImage, frame: Int) {
            let px = Self.bounce(x + dx * Double(frame), limit: Double(max(1, frameWidth - width)))
            let py = Self.bounce(y + dy * Double(frame), limit: Double(max(1, frameHeight - height)))
            SyntheticScene.fill(&image, x: Int(px), y: Int(py), width: width, height: height, color: color)
        }

        private static func bounce(_ value: Double, limit: Double) -> Double {
            let period = 2 * limit
            let m = value.truncatingRemainder(dividingBy: period)
            let p = m < 0 ? m + period : m
            return p <= limit ? p : period - p
        }
    }

    /// A smooth four-corner gradient with a soft diagonal band, computed at 64×36 (the only per-pixel
    /// Swift loop, 2,304 pixels) and scaled up to the frame by libswscale.
    static func background(width: Int, height: Int, random: inout SplitMix64) throws -> RGBImage {
        let corners = (0..<4).map { _ in (0..<3).map { _ in Double(UInt8.random(in: 30...225, using: &random)) } }
        let phase = Double.random(in: 0...(2 * Double.pi), using: &random)
        let (w, h) = (64, 36)
        var pixels = [UInt8](repeating: 0, count: w * h * 3)
        for y in 0..<h {
            let v = Double(y) / Double(h - 1)
            for x in 0..<w {
                let u = Double(x) / Double(w - 1)
                let band = 18 * sin(phase + 6 * (u + v))
                for c in 0..<3 {
                    let top = corners[0][c] * (1 - u) + corners[1][c] * u
                    let bottom = corners[2][c] * (1 - u) + corners[3][c] * u
                    pixels[(y * w + x) * 3 + c] = UInt8(max(0, min(255, top * (1 - v) + bottom * v + band)))
                }
            }
        }
        return try RGBImage(width: w, height: h, pixels: pixels).resized(width: width, height: height)
    }

    /// Three rectangles moving at 2 to 6 pixels per frame (at least one pixel at any scale).
    static func shapes(width: Int, height: Int, frameCount: Int, random: inout SplitMix64) -> [Shape] {
        (0..<3).map { _ in
            let w = max(2, width / Int.random(in: 6...10, using: &random))
            let h = max(2, height / Int.random(in: 5...9, using: &random))
            let speed = max(1.0, Double(width) / 340.0)
            return Shape(
                x: Double.random(in: 0...Double(max(1, width - w)), using: &random),
                y: Double.random(in: 0...Double(max(1, height - h)), using: &random),
                dx: Double.random(in: 2...6, using: &random) * speed * (Bool.random(using: &random) ? 1 : -1),
                dy: Double.random(in: 1...3, using: &random) * speed * (Bool.random(using: &random) ? 1 : -1),
                width: w, height: h,
                color: (
                    UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random),
                    UInt8.random(in: 0...255, using: &random)
                ),
                frameWidth: width, frameHeight: height
            )
        }
    }

    static func markerColor(random: inout SplitMix64) -> (UInt8, UInt8, UInt8) {
        (
            UInt8.random(in: 200...255, using: &random), UInt8.random(in: 200...255, using: &random),
            UInt8.random(in: 0...60, using: &random)
        )
    }

    /// Fills a rectangle (clipped to the image) with `color`, copying one prepared row per line.
    static func fill(_ image: inout RGBImage, x: Int, y: Int, width: Int, height: Int, color: (UInt8, UInt8, UInt8)) {
        let x0 = max(0, x)
        let y0 = max(0, y)
        let x1 = min(image.width, x + width)
        let y1 = min(image.height, y + height)
        guard x1 > x0, y1 > y0 else { return }
        var row = [UInt8](repeating: 0, count: (x1 - x0) * 3)
        for i in 0..<(x1 - x0) {
            row[3 * i] = color.0
            row[3 * i + 1] = color.1
            row[3 * i + 2] = color.2
        }
        let stride = image.width * 3
        image.pixels.withUnsafeMutableBytes { destination in
            row.withUnsafeBytes { source in
                for line in y0..<y1 {
                    (destination.baseAddress! + line * stride + x0 * 3).copyMemory(
                        from: source.baseAddress!, byteCount: source.count)
                }
            }
        }
    }
}
