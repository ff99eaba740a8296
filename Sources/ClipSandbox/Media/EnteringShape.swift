import ClipMedia

/// A rectangle that enters a continuation from outside the frame after frame 0 and crosses it, leaving by
/// the last frame: new elements keep every segment of a long chain moving, whatever is left of the
/// earlier segments' content, while frame 0 stays exactly the start image.
struct EnteringShape: Sendable {
    enum Edge: Sendable, CaseIterable { case left, right, top, bottom }

    var edge: Edge
    /// Position across the direction of travel, as a fraction of the room left by the shape (0...1).
    var lane: Double
    var width: Int
    var height: Int
    var color: (UInt8, UInt8, UInt8)

    /// Draws the shape at `frame` of a `frameCount`-frame clip: fully outside at frame 0 and at the last
    /// frame, moving at the same speed in between.
    func draw(on image: inout RGBImage, frame: Int, frameCount: Int) {
        let t = Double(frame) / Double(max(1, frameCount - 1))
        let (w, h) = (image.width, image.height)
        let x: Int
        let y: Int
        switch edge {
        case .left, .right:
            let travel = -Double(width) + Double(w + width) * t
            x = Int((edge == .left ? travel : Double(w - width) - travel).rounded())
            y = Int((Double(max(0, h - height)) * lane).rounded())
        case .top, .bottom:
            let travel = -Double(height) + Double(h + height) * t
            y = Int((edge == .top ? travel : Double(h - height) - travel).rounded())
            x = Int((Double(max(0, w - width)) * lane).rounded())
        }
        SyntheticScene.fill(&image, x: x, y: y, width: width, height: height, color: color)
    }

    /// Three shapes from different edges, a sixth to a tenth of the frame in size, seeded by `random`.
    static func make(width: Int, height: Int, random: inout SplitMix64) -> [EnteringShape] {
        var edges = Edge.allCases
        edges.shuffle(using: &random)
        return edges.prefix(3).map { edge in
            EnteringShape(
                edge: edge, lane: Double.random(in: 0.1...0.9, using: &random),
                width: max(2, width / Int.random(in: 6...10, using: &random)),
                height: max(2, height / Int.random(in: 5...9, using: &random)),
                color: (
                    UInt8.random(in: 0...255, using: &random), UInt8.random(in: 0...255, using: &random),
                    UInt8.random(in: 0...255, using: &random)
                ))
        }
    }
}
