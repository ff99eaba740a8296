/// Values a damaged header can claim but no real clip has: a frame rate outside 1–240 fps, a
/// picture larger than codecs decode, a display shape stretched beyond any screen, a duration that
/// the frame count and rate cannot add up to. Probe lists them; check fails them under every preset.
struct Plausibility {
    enum Aspect: String {
        case frameRate, size, display, duration
    }

    struct Problem {
        var aspect: Aspect
        var message: String
    }

    static let frameRates = 1.0...240.0
    /// The widest display shape accepted either way (a 32:9 monitor is 3.6:1).
    static let maximumStretch = 8.0

    static func problems(
        fps: Double?, storedWidth: Int, storedHeight: Int, displayWidth: Int, displayHeight: Int,
        frameCount: Int, durationSeconds: Double?
    ) -> [Problem] {
        var problems: [Problem] = []
        if let fps, fps > 0, !frameRates.contains(fps) {
            problems.append(.init(aspect: .frameRate, message: "frame rate \(Format.number(fps)) fps is outside 1-240 fps"))
        }
        let side = VideoTrack.maximumSide
        if storedWidth > side || storedHeight > side {
            problems.append(.init(
                aspect: .size, message: "picture size \(storedWidth)x\(storedHeight) is beyond the \(side) pixels a side codecs decode"))
        }
        if displayWidth > side || displayHeight > side {
            problems.append(.init(aspect: .display, message: "display size \(displayWidth)x\(displayHeight) is beyond \(side) pixels a side"))
        } else if displayWidth > 0, displayHeight > 0 {
            let stretch = Double(max(displayWidth, displayHeight)) / Double(min(displayWidth, displayHeight))
            if stretch > maximumStretch {
                problems.append(.init(
                    aspect: .display, message: "display shape \(displayWidth)x\(displayHeight) is stretched beyond \(Int(maximumStretch)):1"))
            }
        }
        if let fps, frameRates.contains(fps), frameCount > 0, let duration = durationSeconds, duration.isFinite {
            let expected = Double(frameCount) / fps
            if duration > expected * 2 + 1 || duration < expected / 2 - 1 {
                problems.append(.init(
                    aspect: .duration,
                    message: "duration \(Format.seconds(duration)) does not fit \(frameCount) frames at \(Format.number(fps)) fps (\(Format.seconds(expected)))"))
            }
        }
        return problems
    }
}
