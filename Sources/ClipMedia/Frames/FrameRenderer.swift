import CFFmpeg

/// Turns decoded frames into pictures as a viewer sees them: the stream's own colour matrix and
/// range, non-square pixels resampled to square, the display rotation applied, optionally scaled
/// to a width.
final class FrameRenderer {
    let track: VideoTrack
    /// Output width; nil keeps the display width.
    let width: Int?
    let fast: Bool
    private var scaler: Scaler?
    private var scalerKey: (Int32, Int32, Int32, ColorInterpretation)?
    /// Set when the stream carried no colour tags and a matrix had to be guessed.
    private(set) var guessedColor = false

    init(track: VideoTrack, width: Int? = nil, fast: Bool = false) {
        self.track = track
        self.width = width
        self.fast = fast
    }

    /// The display size this renderer produces.
    func outputSize(frameWidth: Int32, frameHeight: Int32) -> (width: Int, height: Int) {
        // The decoded size can differ from the header's; keep the display shape of the stream.
        let displayWidth = track.displayWidth
        let displayHeight = track.displayHeight
        guard let width, width > 0, displayWidth > 0 else { return (displayWidth, displayHeight) }
        let height = max(1, Int((Double(displayHeight) * Double(width) / Double(displayWidth)).rounded()))
        return (width, height)
    }

    func render(_ frame: Frame) throws -> RGBImage {
        if width == nil, let reason = track.implausibleDisplaySize {
            throw MediaError(.unsupported, path: track.path, "cannot render the picture: \(reason)")
        }
        let size = outputSize(frameWidth: frame.width, frameHeight: frame.height)
        guard size.width > 0, size.height > 0, size.width <= VideoTrack.maximumSide, size.height <= VideoTrack.maximumSide else {
            throw MediaError(.unsupported, path: track.path, "cannot render a \(size.width)x\(size.height) picture")
        }
        // Scale before rotating: the pre-rotation picture has the rotated output's sides swapped.
        let (scaledWidth, scaledHeight) = track.isQuarterTurn ? (size.height, size.width) : (size.width, size.height)
        let color = ColorInterpretation(frame: frame)
        guessedColor = color.guessed
        let key = (frame.width, frame.height, frame.pixelFormat.rawValue, color)
        if scaler == nil || scalerKey.map({ $0.0 != key.0 || $0.1 != key.1 || $0.2 != key.2 || $0.3 != key.3 }) ?? true {
            scaler = try Scaler(
                from: .init(width: frame.width, height: frame.height, format: frame.pixelFormat),
                to: .init(width: Int32(scaledWidth), height: Int32(scaledHeight), format: AV_PIX_FMT_RGB24),
                flags: fast ? Scaler.fastFlags : Scaler.accurateFlags,
                colorSpace: color.space, sourceFullRange: color.fullRange, destinationFullRange: true)
            scalerKey = key
        }
        let image = scaler!.rgbImage(from: frame, width: scaledWidth, height: scaledHeight)
        return track.rotation == 0 ? image : image.rotated(clockwise: track.rotation)
    }
}

@available(*, unavailable)
extension FrameRenderer: Sendable {}
