import Foundation

/// Answers "is this clip what we asked for?" in one decoding pass.
///
/// ```swift
/// let validator = ClipValidator(expectations: ClipExpectations(
///     duration: DurationExpectation(seconds: 5.0417), aspect: AspectExpectation([Ratio(16, 9)])))
/// let report = validator.validate(path: "clip.mp4")
/// if report.verdict == .fail { ... }
/// ```
///
/// The checks are ``CheckName/readable``, ``CheckName/decodes``, ``CheckName/duration``,
/// ``CheckName/aspect``, ``CheckName/resolution``, ``CheckName/fps``, ``CheckName/codec``,
/// ``CheckName/audio``, ``CheckName/black`` and ``CheckName/frozen``. A file that cannot be opened as
/// video is a report whose `readable` check fails, never a thrown error: the caller decides.
/// Validation blocks its thread while decoding; run it off the cooperative pool.
public struct ClipValidator: Sendable {
    public var expectations: ClipExpectations
    /// Decoder threads: 0 picks a few frame threads per core (``ClipMeasurement/automaticThreads``).
    public var threads: Int

    public init(expectations: ClipExpectations = .none, threads: Int = 0) {
        self.expectations = expectations
        self.threads = threads
    }

    public func validate(path: String) -> ValidationReport {
        validate(source: .file(path))
    }

    /// Validates `source`; `observe` (when given) sees every frame the validation decodes.
    func validate(source: MediaSource, observe: ((Frame) -> Void)? = nil) -> ValidationReport {
        let path = source.path
        let measurement: ClipMeasurement
        do {
            measurement = try ClipMeasurement.measure(
                source: source, black: expectations.black, frozen: expectations.frozen, threads: threads, observe: observe)
        } catch {
            return ValidationReport(
                path: path,
                checks: [CheckResult(.readable, .fail, expected: "a video file", actual: nil, error.reason)])
        }
        return ValidationReport(
            path: path, checks: checks(measurement),
            blackSegments: measurement.blackSegments, frozenSegments: measurement.frozenSegments)
    }

    func checks(_ m: ClipMeasurement) -> [CheckResult] {
        let results = measuredChecks(m)
        // Values no real clip has fail their check whatever the expectations (any preset).
        // Durations are compared with the frames they span: the packets read for the measured span,
        // the frames the container lists for its header's duration (a cut file is `decodes`'s business).
        var problems: [Plausibility.Problem] = []
        for (duration, frames) in [(m.durationSeconds, m.packetsRead), (m.containerDurationSeconds, m.claimedFrames ?? m.packetsRead)] {
            problems += Plausibility.problems(
                fps: m.fps, storedWidth: m.storedWidth, storedHeight: m.storedHeight, displayWidth: m.displayWidth,
                displayHeight: m.displayHeight, frameCount: frames, durationSeconds: duration)
        }
        guard !problems.isEmpty else { return results }
        return results.map { result in
            let name: CheckName
            switch result.name {
            case .fps: name = .fps
            case .resolution: name = .resolution
            case .aspect: name = .aspect
            case .duration: name = .duration
            default: return result
            }
            let matching = problems.filter {
                switch $0.aspect {
                case .frameRate: return name == .fps
                case .size: return name == .resolution
                case .display: return name == .aspect
                case .duration: return name == .duration
                }
            }
            guard let first = matching.first else { return result }
            var failed = result
            failed.status = .fail
            failed.message = "cannot be right: \(first.message)"
            return failed
        }
    }

    private func measuredChecks(_ m: ClipMeasurement) -> [CheckResult] {
        [
            CheckResult(
                .readable, .pass, expected: "a video file", actual: "\(m.container), \(m.codec) video",
                "opens as \(m.container) with a \(m.codec) video stream"),
            decodes(m), duration(m), aspect(m), resolution(m), fps(m), codec(m), audio(m),
            stretches(.black, m.blackSegments, total: m.durationSeconds, notMeasured: m.pictureNotMeasured,
                      minimum: expectations.black.minimumDuration, failTotal: expectations.black.failTotal,
                      criterion: String(format: "pix_th %.2f, pic_th %.2f", expectations.black.pixelThreshold, expectations.black.pictureThreshold)),
            stretches(.frozen, m.frozenSegments, total: m.durationSeconds, notMeasured: m.pictureNotMeasured,
                      minimum: expectations.frozen.minimumDuration, failTotal: expectations.frozen.failTotal,
                      criterion: "noise \(Format.number(expectations.frozen.noise))"),
        ]
    }

    // MARK: The checks

    private func decodes(_ m: ClipMeasurement) -> CheckResult {
        let claimed = m.claimedFrames ?? m.packetsRead
        let expected = m.claimedFrames.map { "\($0) frames (as the container lists)" } ?? "\(m.packetsRead) frames (one per packet)"
        let actual = "\(m.decodedFrames) frames decoded"
        if let readError = m.readError {
            return CheckResult(
                .decodes, .fail, expected: expected, actual: actual,
                "reading stopped after \(m.packetsRead) of \(claimed) frames: \(readError.message) (a cut download?)")
        }
        if m.decodedFrames == 0 {
            return CheckResult(.decodes, .fail, expected: expected, actual: actual, "no frame could be decoded")
        }
        let damage = Self.damageSummary(m)
        if m.decodeErrors > 0 {
            let reason = m.firstDecodeError.map { ": \($0.message)" } ?? ""
            return CheckResult(
                .decodes, .fail, expected: expected, actual: actual,
                "\(m.decodeErrors) packet\(m.decodeErrors == 1 ? "" : "s") failed to decode\(reason)"
                    + (damage.map { "; \($0)" } ?? ""))
        }
        if let damage {
            return CheckResult(.decodes, .fail, expected: expected, actual: actual, "the video is damaged: \(damage); the decoder hid it")
        }
        if m.decodedFrames != claimed {
            let why = m.decodedFrames < claimed ? "the file is cut short or damaged" : "more frames than the container lists"
            return CheckResult(
                .decodes, .fail, expected: expected, actual: actual,
                "decoded \(m.decodedFrames) of \(claimed) frames: \(why)")
        }
        return CheckResult(.decodes, .pass, expected: expected, actual: actual, "all \(claimed) frames decode")
    }

    /// "N decoding errors and M concealed frames, the first at T s", or nil for a clean decode.
    static func damageSummary(_ m: ClipMeasurement) -> String? {
        guard m.loggedDecodeErrors > 0 || m.damagedFrames > 0 else { return nil }
        var parts: [String] = []
        if m.loggedDecodeErrors > 0 { parts.append("\(m.loggedDecodeErrors) decoding error\(m.loggedDecodeErrors == 1 ? "" : "s")") }
        if m.damagedFrames > 0 { parts.append("\(m.damagedFrames) concealed frame\(m.damagedFrames == 1 ? "" : "s")") }
        let first = m.firstDamageSeconds.map { ", the first at \(Format.seconds($0))" } ?? ""
        return parts.joined(separator: " and ") + first
    }

    private func duration(_ m: ClipMeasurement) -> CheckResult {
        let actual = m.durationSeconds.map(Format.seconds)
        let frames = m.fps.map { " at \(Format.number($0)) fps" } ?? ""
        guard let want = expectations.duration else {
            return CheckResult(
                .duration, .pass, expected: nil, actual: actual,
                actual.map { "\($0) (\(m.packetsRead) frames\(frames)); nothing expected" } ?? "unknown; nothing expected")
        }
        let expected = "\(Format.seconds(want.seconds)) ± \(Format.seconds(want.toleranceSeconds))"
        guard let seconds = m.durationSeconds else {
            return CheckResult(.duration, want.severity.status, expected: expected, actual: nil, "the video stream has no timestamps")
        }
        let off = seconds - want.seconds
        if abs(off) <= want.toleranceSeconds + 1e-6 {
            return CheckResult(.duration, .pass, expected: expected, actual: actual, "\(actual!) (\(m.packetsRead) frames\(frames))")
        }
        return CheckResult(
            .duration, want.severity.status, expected: expected, actual: actual,
            "\(actual!) is \(Format.seconds(abs(off))) \(off < 0 ? "shorter" : "longer") than the expected \(Format.seconds(want.seconds))")
    }

    private func aspect(_ m: ClipMeasurement) -> CheckResult {
        let value = Double(m.displayWidth) / Double(max(1, m.displayHeight))
        let nearest = CommonAspectRatio.nearest(to: value)
        let actual = "\(m.displayWidth)x\(m.displayHeight) (\(Format.number(value)), ~\(nearest))"
        guard let want = expectations.aspect, !want.anyOf.isEmpty else {
            return CheckResult(.aspect, .pass, expected: nil, actual: actual, "displays as ~\(nearest); nothing expected")
        }
        let expected = want.anyOf.map(\.description).joined(separator: " or ") + " ± \(Format.percent(want.tolerance))"
        let best = want.anyOf.min { abs($0.value / value - 1) < abs($1.value / value - 1) }!
        let off = value / best.value - 1
        if abs(off) <= want.tolerance + 1e-9 {
            return CheckResult(
                .aspect, .pass, expected: expected, actual: actual,
                "displays as \(best) (\(Format.percent(abs(off))) off)")
        }
        return CheckResult(
            .aspect, want.severity.status, expected: expected, actual: actual,
            "displays as ~\(nearest), not \(want.anyOf.map(\.description).joined(separator: " or "))")
    }

    private func resolution(_ m: ClipMeasurement) -> CheckResult {
        let shortSide = min(m.displayWidth, m.displayHeight)
        var actual = "\(m.displayWidth)x\(m.displayHeight)"
        if m.displayWidth != m.storedWidth || m.displayHeight != m.storedHeight {
            actual += " (stored \(m.storedWidth)x\(m.storedHeight))"
        }
        guard let want = expectations.resolution else {
            return CheckResult(.resolution, .pass, expected: nil, actual: actual, "short side \(shortSide); nothing expected")
        }
        if let width = want.width, let height = want.height {
            let expected = "\(width)x\(height)"
            if width == m.displayWidth && height == m.displayHeight {
                return CheckResult(.resolution, .pass, expected: expected, actual: actual, "exactly \(expected)")
            }
            return CheckResult(.resolution, want.severity.status, expected: expected, actual: actual, "\(actual) is not \(expected)")
        }
        let low = want.minShortSide ?? 0
        let high = want.maxShortSide ?? Int.max
        var expected = (want.label.map { "\($0): " } ?? "") + "short side \(low)–\(high == Int.max ? "any" : String(high))"
        if let typical = want.typical { expected += ", typically \(typical)" }
        if (low...high).contains(shortSide) {
            let note = want.typical.map { $0 == "\(m.displayWidth)x\(m.displayHeight)" ? " (the provider's usual size)" : "" } ?? ""
            return CheckResult(
                .resolution, .pass, expected: expected, actual: actual, "short side \(shortSide) is in range\(note)")
        }
        let verb = shortSide < low ? "below" : "above"
        return CheckResult(
            .resolution, want.severity.status, expected: expected, actual: actual,
            "short side \(shortSide) is \(verb) the \(want.label ?? "expected") range \(low)–\(high == Int.max ? "any" : String(high))")
    }

    private func fps(_ m: ClipMeasurement) -> CheckResult {
        let actual = m.fps.map { "\(Format.number($0)) fps" }
        guard let want = expectations.fps else {
            return CheckResult(.fps, .pass, expected: nil, actual: actual, "\(actual ?? "unknown rate"); nothing expected")
        }
        let expected = "\(Format.number(want.fps)) fps ± \(Format.number(want.tolerance))"
        guard let fps = m.fps else {
            return CheckResult(.fps, want.severity.status, expected: expected, actual: nil, "the frame rate is unknown")
        }
        if abs(fps - want.fps) <= want.tolerance + 1e-9 {
            return CheckResult(.fps, .pass, expected: expected, actual: actual, actual!)
        }
        return CheckResult(.fps, want.severity.status, expected: expected, actual: actual, "\(actual!), not \(Format.number(want.fps)) fps")
    }

    private func codec(_ m: ClipMeasurement) -> CheckResult {
        guard let want = expectations.codec, !want.anyOf.isEmpty else {
            return CheckResult(.codec, .pass, expected: nil, actual: m.codec, "\(m.codec); nothing expected")
        }
        let expected = want.anyOf.joined(separator: " or ")
        if want.anyOf.contains(where: { $0.lowercased() == m.codec.lowercased() }) {
            return CheckResult(.codec, .pass, expected: expected, actual: m.codec, m.codec)
        }
        return CheckResult(.codec, want.severity.status, expected: expected, actual: m.codec, "\(m.codec), not \(expected)")
    }

    private func audio(_ m: ClipMeasurement) -> CheckResult {
        let actual = m.hasAudio ? "present" : "absent"
        guard let want = expectations.audio else {
            return CheckResult(.audio, .pass, expected: nil, actual: actual, "audio \(actual); nothing expected")
        }
        let expected = want.present ? "present" : "absent"
        if want.present == m.hasAudio {
            return CheckResult(.audio, .pass, expected: expected, actual: actual, "audio \(actual) as expected")
        }
        return CheckResult(
            .audio, want.severity.status, expected: expected, actual: actual,
            want.present ? "no audio track" : "an audio track was not expected")
    }

    private func stretches(
        _ name: CheckName, _ segments: [TimeSegment], total: Double?, notMeasured: String?, minimum: Double,
        failTotal: Double, criterion: String
    ) -> CheckResult {
        let word = name == .black ? "black" : "frozen"
        let expected = "no \(word) stretch ≥ \(Format.seconds(minimum)) (\(criterion)); fail at \(Format.seconds(failTotal)) in all"
        if let notMeasured {
            return CheckResult(name, .warn, expected: expected, actual: nil, notMeasured)
        }
        guard !segments.isEmpty else {
            return CheckResult(name, .pass, expected: expected, actual: "none", "no \(word) stretch")
        }
        let sum = segments.reduce(0) { $0 + $1.duration }
        let list = segments.prefix(3).map { "\(Format.time($0.start))–\(Format.time($0.end))" }.joined(separator: ", ")
            + (segments.count > 3 ? ", …" : "")
        let actual = "\(Format.seconds(sum)) in \(segments.count) stretch\(segments.count == 1 ? "" : "es")"
        let whole = total.map { sum >= $0 - 0.05 } ?? false
        let status: CheckStatus = sum >= failTotal - 1e-9 || whole ? .fail : .warn
        let message = whole ? "the whole clip is \(word)" : "\(word) \(list)"
        return CheckResult(name, status, expected: expected, actual: actual, message)
    }
}

/// Number formats for check messages.
enum Format {
    static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }
    static func time(_ value: Double) -> String { String(format: "%.2f s", value) }
    static func percent(_ value: Double) -> String { String(format: "%.1f %%", value * 100) }
    /// Up to three decimals, trailing zeros dropped: 24, 23.976, 0.001.
    static func number(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
