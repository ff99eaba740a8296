/// What a clip should be: the checks ``ClipValidator`` runs against the measured file.
///
/// Every expectation is optional; a check without one still reports what it measured and passes.
/// `black` and `frozen` always run with their thresholds (defaults suit 5–9 s generated clips).
/// Encoded as JSON with snake_case keys, the form presets use; unknown keys are ignored.
public struct ClipExpectations: Sendable, Codable, Hashable {
    public var duration: DurationExpectation?
    public var aspect: AspectExpectation?
    public var resolution: ResolutionExpectation?
    public var fps: FrameRateExpectation?
    public var codec: CodecExpectation?
    public var audio: AudioExpectation?
    public var black: BlackDetection
    public var frozen: FreezeDetection

    public init(
        duration: DurationExpectation? = nil, aspect: AspectExpectation? = nil,
        resolution: ResolutionExpectation? = nil, fps: FrameRateExpectation? = nil,
        codec: CodecExpectation? = nil, audio: AudioExpectation? = nil,
        black: BlackDetection = BlackDetection(), frozen: FreezeDetection = FreezeDetection()
    ) {
        self.duration = duration
        self.aspect = aspect
        self.resolution = resolution
        self.fps = fps
        self.codec = codec
        self.audio = audio
        self.black = black
        self.frozen = frozen
    }

    /// For clips of unknown origin: only readable, decodes, black and frozen can fail.
    public static let none = ClipExpectations()

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        duration = try c.decodeIfPresent(DurationExpectation.self, forKey: .duration)
        aspect = try c.decodeIfPresent(AspectExpectation.self, forKey: .aspect)
        resolution = try c.decodeIfPresent(ResolutionExpectation.self, forKey: .resolution)
        fps = try c.decodeIfPresent(FrameRateExpectation.self, forKey: .fps)
        codec = try c.decodeIfPresent(CodecExpectation.self, forKey: .codec)
        audio = try c.decodeIfPresent(AudioExpectation.self, forKey: .audio)
        black = try c.decodeIfPresent(BlackDetection.self, forKey: .black) ?? BlackDetection()
        frozen = try c.decodeIfPresent(FreezeDetection.self, forKey: .frozen) ?? FreezeDetection()
    }
}

/// How much a failed expectation weighs: `fail` rejects the clip, `warn` only flags it.
public enum CheckSeverity: String, Sendable, Codable, Hashable {
    case warn, fail

    /// The status a check gets when its expectation is not met.
    public var status: CheckStatus { self == .warn ? .warn : .fail }
}

/// The presented span of the video stream, in seconds.
public struct DurationExpectation: Sendable, Codable, Hashable {
    public var seconds: Double
    /// Accepted distance from ``seconds``, in seconds. Generators deliver one frame more than asked
    /// (121 frames at 24 fps for "5 s", 5.0417 s), so keep it at least a frame or two.
    public var toleranceSeconds: Double
    public var severity: CheckSeverity

    public init(seconds: Double, toleranceSeconds: Double = 0.1, severity: CheckSeverity = .fail) {
        self.seconds = seconds
        self.toleranceSeconds = toleranceSeconds
        self.severity = severity
    }

    enum CodingKeys: String, CodingKey {
        case seconds, severity
        case toleranceSeconds = "tolerance_s"
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        seconds = try c.decode(Double.self, forKey: .seconds)
        toleranceSeconds = try c.decodeIfPresent(Double.self, forKey: .toleranceSeconds) ?? 0.1
        severity = try c.decodeIfPresent(CheckSeverity.self, forKey: .severity) ?? .fail
    }
}

/// The display aspect ratio (after non-square pixels and rotation).
public struct AspectExpectation: Sendable, Codable, Hashable {
    /// Accepted ratios, e.g. `["16:9"]`; a preset that covers several shapes lists them all.
    /// Empty accepts any shape (a preset fills it in once the requested shape is known).
    public var anyOf: [Ratio]
    /// Accepted relative distance from a ratio (0.03 = 3 %); web-app sizes such as 1360x752 are 1.7 % off 16:9.
    public var tolerance: Double
    public var severity: CheckSeverity

    public init(_ anyOf: [Ratio], tolerance: Double = 0.03, severity: CheckSeverity = .fail) {
        self.anyOf = anyOf
        self.tolerance = tolerance
        self.severity = severity
    }

    enum CodingKeys: String, CodingKey {
        case anyOf = "any_of"
        case tolerance, severity
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let names = try c.decodeIfPresent([String].self, forKey: .anyOf) ?? []
        anyOf = try names.map { name in
            guard let ratio = Ratio(parsing: name) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .anyOf, in: c, debugDescription: "'\(name)' is not an aspect ratio such as 16:9")
            }
            return ratio
        }
        tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance) ?? 0.03
        severity = try c.decodeIfPresent(CheckSeverity.self, forKey: .severity) ?? .fail
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(anyOf.map(\.description), forKey: .anyOf)
        try c.encode(tolerance, forKey: .tolerance)
        try c.encode(severity, forKey: .severity)
    }
}

/// The picture size: the short side within a class's range (540p, 720p, 1080p), or an exact size.
public struct ResolutionExpectation: Sendable, Codable, Hashable {
    /// A name for the class, e.g. "720p".
    public var label: String?
    /// Exact display width and height, when set (then the short-side range is not used).
    public var width: Int?
    public var height: Int?
    /// Accepted short side of the display size, inclusive.
    public var minShortSide: Int?
    public var maxShortSide: Int?
    /// The size the provider is known to deliver for this shape, shown to the user (not enforced).
    public var typical: String?
    public var severity: CheckSeverity

    public init(
        label: String? = nil, width: Int? = nil, height: Int? = nil, minShortSide: Int? = nil,
        maxShortSide: Int? = nil, typical: String? = nil, severity: CheckSeverity = .fail
    ) {
        self.label = label
        self.width = width
        self.height = height
        self.minShortSide = minShortSide
        self.maxShortSide = maxShortSide
        self.typical = typical
        self.severity = severity
    }

    /// Parses "720p" (a class: short side from the nominal height to 1.5x it, less 2 % for
    /// encoders that round to multiples of 16, e.g. 704) or "1360x752" (exact).
    public init?(parsing text: String, severity: CheckSeverity = .fail) {
        let lower = text.lowercased()
        if lower.hasSuffix("p"), let nominal = Int(lower.dropLast()), nominal > 0 {
            self.init(
                label: lower, minShortSide: Int((Double(nominal) * 0.98).rounded(.down)),
                maxShortSide: nominal * 3 / 2, severity: severity)
        } else if lower == "4k" {
            self.init(label: "4k", minShortSide: 2116, maxShortSide: 3240, severity: severity)
        } else {
            let parts = lower.split(separator: "x")
            guard parts.count == 2, let w = Int(parts[0]), let h = Int(parts[1]), w > 0, h > 0 else { return nil }
            self.init(width: w, height: h, severity: severity)
        }
    }

    enum CodingKeys: String, CodingKey {
        case label = "class"
        case width, height, typical, severity
        case minShortSide = "min_short_side"
        case maxShortSide = "max_short_side"
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        label = try c.decodeIfPresent(String.self, forKey: .label)
        width = try c.decodeIfPresent(Int.self, forKey: .width)
        height = try c.decodeIfPresent(Int.self, forKey: .height)
        minShortSide = try c.decodeIfPresent(Int.self, forKey: .minShortSide)
        maxShortSide = try c.decodeIfPresent(Int.self, forKey: .maxShortSide)
        typical = try c.decodeIfPresent(String.self, forKey: .typical)
        severity = try c.decodeIfPresent(CheckSeverity.self, forKey: .severity) ?? .fail
        if width == nil, minShortSide == nil, maxShortSide == nil, let label,
            let parsed = ResolutionExpectation(parsing: label)
        {
            minShortSide = parsed.minShortSide
            maxShortSide = parsed.maxShortSide
        }
    }
}

public struct FrameRateExpectation: Sendable, Codable, Hashable {
    public var fps: Double
    public var tolerance: Double
    public var severity: CheckSeverity

    public init(fps: Double, tolerance: Double = 0.05, severity: CheckSeverity = .fail) {
        self.fps = fps
        self.tolerance = tolerance
        self.severity = severity
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        fps = try c.decode(Double.self, forKey: .fps)
        tolerance = try c.decodeIfPresent(Double.self, forKey: .tolerance) ?? 0.05
        severity = try c.decodeIfPresent(CheckSeverity.self, forKey: .severity) ?? .fail
    }
}

public struct CodecExpectation: Sendable, Codable, Hashable {
    /// FFmpeg codec names, e.g. `["h264", "hevc"]`.
    public var anyOf: [String]
    public var severity: CheckSeverity

    public init(_ anyOf: [String], severity: CheckSeverity = .fail) {
        self.anyOf = anyOf
        self.severity = severity
    }

    enum CodingKeys: String, CodingKey {
        case anyOf = "any_of"
        case severity
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        anyOf = try c.decode([String].self, forKey: .anyOf)
        severity = try c.decodeIfPresent(CheckSeverity.self, forKey: .severity) ?? .fail
    }
}

public struct AudioExpectation: Sendable, Codable, Hashable {
    public var present: Bool
    public var severity: CheckSeverity

    public init(present: Bool, severity: CheckSeverity = .fail) {
        self.present = present
        self.severity = severity
    }

    public init(from decoder: any Swift.Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        present = try c.decode(Bool.self, forKey: .present)
        severity = try c.decodeIfPresent(CheckSeverity.self, forKey: .severity) ?? .fail
    }
}
