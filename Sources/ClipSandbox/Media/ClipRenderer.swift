import ClipMedia
import Foundation

/// Renders a sandbox clip: frame 0 is the start image scaled to cover the frame (or a synthetic scene seeded
/// by the prompt), then a gentle camera move that returns to where it began, crossfading into the end image
/// when one is given so the last frame lands on it.
///
/// A continuation (a clip from a start image) keeps moving however long the chain: three new shapes enter
/// from the edges after frame 0 and cross the frame, leaving by the last frame, so motion never depends on
/// earlier content staying in view. It also drifts like a generator (``GenerationDrift``): darker and flatter
/// by the last frame. A small marker moves from frame 1 on, so no two consecutive frames are equal.
///
/// Pixel work goes through ClipMedia (`resized` is libswscale, `blended` is ClipMedia's); the Swift loops
/// fill small rectangles a row at a time and apply the drift in one pass per frame.
struct ClipRenderer: Sendable {
    struct Plan: Sendable {
        var width: Int
        var height: Int
        var frameCount: Int
        var start: RGBImage?
        var end: RGBImage?
        /// Seeds the synthetic scene (colours, shapes), derived from the prompt.
        var seed: UInt64
        /// How much a clip from a start image darkens and flattens by its last frame.
        var drift: GenerationDrift = .none
    }

    struct Output: Sendable {
        var firstFrame: RGBImage
        var lastFrame: RGBImage
        var thumbnail: RGBImage
    }

    /// Where the end image's motion begins (it zooms out from here onto the end image).
    static let maximumZoom = 1.12
    /// Steps in which a generation's drift is reached (the last frame has all of it).
    static let driftSteps = 8
    /// The camera's largest zoom on the start image, reached mid-clip; it is back at 1 on the last frame.
    static let cameraZoom = 0.06

    /// Encodes the clip to `path` (H.264, 24 fps) and returns the frames the sandbox also serves as JPEGs.
    /// - Throws: ClipMedia's errors from scaling or encoding.
    func render(_ plan: Plan, to path: String) throws -> Output {
        precondition(plan.frameCount >= 2 && plan.width >= 2 && plan.height >= 2)
        var random = SplitMix64(seed: plan.seed)
        let startSource =
            try plan.start ?? SyntheticScene.background(width: plan.width, height: plan.height, random: &random)
        let shapes =
            plan.start == nil
            ? SyntheticScene.shapes(
                width: plan.width, height: plan.height, frameCount: plan.frameCount, random: &random) : []
        let markerColor = SyntheticScene.markerColor(random: &random)
        let entering =
            plan.start == nil ? [] : EnteringShape.make(width: plan.width, height: plan.height, random: &random)
        let drift = plan.start == nil ? GenerationDrift.none : plan.drift
        let pivot = drift.isNone ? 0 : GenerationDrift.meanLuma(of: startSource)
        // The drift moves in `driftSteps` even steps (a fraction of a luma level each), so the per-pixel
        // pass runs once per step on the source instead of once per frame.
        var driftLevel = 0
        var driftedSource = startSource

        let writer = try ClipWriter(
            path: path,
            settings: VideoEncodingSettings(width: plan.width, height: plan.height, frameRate: GenerationSpec.frameRate)
        )
        var first: RGBImage?
        var last: RGBImage?
        var thumbnail: RGBImage?
        let middle = plan.frameCount / 2
        for index in 0..<plan.frameCount {
            let t = Double(index) / Double(plan.frameCount - 1)
            let amount = plan.end == nil ? 0 : Self.crossfade(t)
            var frame: RGBImage
            if amount < 1 {
                let camera = sin(Double.pi * t)
                let level = drift.isNone ? 0 : Int((t * Double(Self.driftSteps)).rounded(.down))
                if level != driftLevel {
                    driftLevel = level
                    driftedSource = startSource
                    drift.apply(to: &driftedSource, progress: Double(level) / Double(Self.driftSteps), pivot: pivot)
                }
                frame = try Self.view(
                    of: driftedSource, width: plan.width, height: plan.height, zoom: 1 + Self.cameraZoom * camera,
                    drift: camera)
                for shape in shapes { shape.draw(on: &frame, frame: index) }
                for shape in entering { shape.draw(on: &frame, frame: index, frameCount: plan.frameCount) }
                if amount > 0, let end = plan.end {
                    let endFrame = try Self.view(
                        of: end, width: plan.width, height: plan.height,
                        zoom: Self.maximumZoom - (Self.maximumZoom - 1) * t, drift: 0)
                    frame = frame.blended(with: endFrame, amount: amount)
                }
            } else {
                frame = try Self.view(
                    of: plan.end!, width: plan.width, height: plan.height,
                    zoom: Self.maximumZoom - (Self.maximumZoom - 1) * t, drift: 0)
            }
            if index > 0 { Self.drawMarker(on: &frame, frame: index, color: markerColor) }
            try writer.append(frame)
            if index == 0 { first = frame }
            if index == middle { thumbnail = frame }
            if index == plan.frameCount - 1 { last = frame }
        }
        try writer.finish()
        return Output(firstFrame: first!, lastFrame: last!, thumbnail: thumbnail!)
    }

    /// Smoothstep from 0 (t ≤ 0.4) to 1 (t = 1): the end image takes over in the last 60 % of the clip.
    static func crossfade(_ t: Double) -> Double {
        let x = min(1, max(0, (t - 0.4) / 0.6))
        return x * x * (3 - 2 * x)
    }

    /// The centred rectangle of a `sourceWidth`×`sourceHeight` image with the target's aspect ratio that
    /// covers the frame ("scale to cover", cropping the overflow).
    static func coverRect(sourceWidth: Int, sourceHeight: Int, width: Int, height: Int) -> PixelRect {
        let target = Double(width) / Double(height)
        if Double(sourceWidth) / Double(sourceHeight) > target {
            let w = max(1, min(sourceWidth, Int((Double(sourceHeight) * target).rounded())))
            return PixelRect(x: (sourceWidth - w) / 2, y: 0, width: w, height: sourceHeight)
        } else {
            let h = max(1, min(sourceHeight, Int((Double(sourceWidth) / target).rounded())))
            return PixelRect(x: 0, y: (sourceHeight - h) / 2, width: sourceWidth, height: h)
        }
    }

    /// `source` scaled to cover the frame, zoomed in by `zoom` (≥ 1) and drifted right by `drift` (0...1)
    /// of the room the zoom leaves.
    static func view(of source: RGBImage, width: Int, height: Int, zoom: Double, drift: Double) throws -> RGBImage {
        let cover = coverRect(sourceWidth: source.width, sourceHeight: source.height, width: width, height: height)
        let cropWidth = max(1, Int((Double(cover.width) / zoom).rounded()))
        let cropHeight = max(1, Int((Double(cover.height) / zoom).rounded()))
        let roomX = cover.width - cropWidth
        let x = cover.x + roomX / 2 + Int((Double(roomX) / 2 * drift * 0.5).rounded())
        let y = cover.y + (cover.height - cropHeight) / 2
        let crop = PixelRect(
            x: min(max(0, x), source.width - cropWidth), y: min(max(0, y), source.height - cropHeight),
            width: cropWidth, height: cropHeight)
        if crop.x == 0, crop.y == 0, crop.width == width, crop.height == height, source.width == width,
            source.height == height
        {
            return source  // the whole picture at its own size: no resampling, so a chain does not soften
        }
        return try source.resized(width: width, height: height, crop: crop)
    }

    /// A small square sliding along the bottom edge, at least two pixels further on every frame.
    static func drawMarker(on image: inout RGBImage, frame: Int, color: (UInt8, UInt8, UInt8)) {
        let side = max(2, min(image.width, image.height) / 32)
        let room = max(1, image.width - side)
        let x = (frame * max(2, room / 48)) % room
        let y = max(0, image.height - side - side / 2)
        SyntheticScene.fill(&image, x: x, y: y, width: side, height: side, color: color)
    }
}

/// A small deterministic random generator (SplitMix64), so the same prompt renders the same scene.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A seed from text (FNV-1a).
    static func seed(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }

    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
