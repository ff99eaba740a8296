import CFFmpeg

/// The facts about a file's video stream that every operation needs: where it is, its time base,
/// and how its stored pictures map to what a viewer sees.
struct VideoTrack {
    let index: Int
    /// The file (or memory input) the track is in, for errors.
    let path: String
    let stream: UnsafeMutablePointer<AVStream>
    let timeBase: AVRational
    let storedWidth: Int
    let storedHeight: Int
    /// Pixel shape; 1:1 when the file says nothing.
    let sampleAspectRatio: Ratio
    /// Clockwise degrees to turn the stored picture for display.
    let rotation: Int

    init(demuxer: Demuxer) throws(MediaError) {
        guard let index = demuxer.bestStream(AVMEDIA_TYPE_VIDEO) else {
            throw MediaError(.noVideoStream, path: demuxer.path, "has no video stream")
        }
        let stream = demuxer.stream(index)
        self.index = index
        self.path = demuxer.path
        self.stream = stream
        timeBase = stream.pointee.time_base
        storedWidth = Int(stream.pointee.codecpar.pointee.width)
        storedHeight = Int(stream.pointee.codecpar.pointee.height)
        let guessed = av_guess_sample_aspect_ratio(demuxer.context, stream, nil)
        sampleAspectRatio =
            guessed.num > 0 && guessed.den > 0 ? Ratio(Int(guessed.num), Int(guessed.den)).reduced : Ratio(1, 1)
        rotation = VideoTrack.clockwiseRotation(stream)
        guard storedWidth > 0, storedHeight > 0 else {
            throw MediaError(.noDecodableFrame, path: demuxer.path, "video stream has no picture size")
        }
    }

    /// Width after resampling non-square pixels to square (before rotation). Height is kept, as ffmpeg does.
    var squareWidth: Int {
        let ratio = sampleAspectRatio
        guard ratio.numerator != ratio.denominator else { return storedWidth }
        // At least 2: a pixel aspect of 1:65535 must not give a picture no pixel wide.
        let width = max(2, Int((Double(storedWidth) * ratio.value).rounded()))
        return width + (width & 1)
    }

    /// The largest picture side ClipKit renders or expects a codec to produce. libavcodec's own
    /// check (`av_image_check_size`) allows up to about 16384x16384; a display side beyond this comes
    /// from a damaged size or pixel aspect, not from a real clip.
    static let maximumSide = 16_384

    /// Why the display size cannot be right (a damaged `avc1` size or `pasp` box), or nil.
    var implausibleDisplaySize: String? {
        guard displayWidth > VideoTrack.maximumSide || displayHeight > VideoTrack.maximumSide else { return nil }
        let pixels = sampleAspectRatio.numerator != sampleAspectRatio.denominator ? " (pixel aspect \(sampleAspectRatio))" : ""
        return "display size \(displayWidth)x\(displayHeight) from \(storedWidth)x\(storedHeight)\(pixels) is beyond \(VideoTrack.maximumSide) pixels a side"
    }

    var isQuarterTurn: Bool { rotation == 90 || rotation == 270 }
    var displayWidth: Int { isQuarterTurn ? storedHeight : squareWidth }
    var displayHeight: Int { isQuarterTurn ? squareWidth : storedHeight }

    func seconds(_ timestamp: Int64) -> Double { Double(timestamp) * av_q2d(timeBase) }
    /// `seconds` in the stream's time base, clamped to ±2^62 so absurd durations cannot overflow.
    func timestamp(_ seconds: Double) -> Int64 {
        let ticks = (seconds / av_q2d(timeBase)).rounded(.down)
        guard ticks.isFinite else { return ticks < 0 ? -(1 << 62) : 1 << 62 }
        return Int64(max(-4.6e18, min(4.6e18, ticks)))
    }

    /// ffmpeg's own rule (fftools `get_rotation`): the display matrix's counter-clockwise angle,
    /// negated and brought into 0..<360, rounded to a quarter turn.
    static func clockwiseRotation(_ stream: UnsafeMutablePointer<AVStream>) -> Int {
        let angle = cffmpeg_stream_rotation(stream)
        guard !angle.isNaN else { return 0 }
        var theta = -angle.rounded()
        theta -= 360 * (theta / 360 + 0.9 / 360).rounded(.down)
        let quarter = Int((theta / 90).rounded()) % 4
        return quarter * 90
    }
}
