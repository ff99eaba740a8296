/// What ``ClipJoiner`` does where one clip meets the next.
public enum SeamMode: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Every frame of every clip, one after the other; stream copy when the clips allow it.
    case keep
    /// Removes each continuation's first frame, which repeats the previous clip's last frame in a
    /// last-frame chain, so no frame shows twice at a seam.
    case drop
    /// Blends the end of each clip into the start of the next over this many seconds (re-encodes);
    /// the result is shorter by the overlap at each seam.
    case crossfade(seconds: Double)

    /// Parses `keep`, `drop` or `crossfade=SECONDS`.
    public init?(parsing text: String) {
        let lowered = text.lowercased()
        if lowered == "keep" {
            self = .keep
        } else if lowered == "drop" {
            self = .drop
        } else if lowered.hasPrefix("crossfade="), let seconds = Double(lowered.dropFirst("crossfade=".count)),
            seconds.isFinite, seconds > 0
        {
            self = .crossfade(seconds: seconds)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .keep: "keep"
        case .drop: "drop"
        case .crossfade(let seconds): "crossfade=\(seconds)"
        }
    }
}

/// Whether ``ClipJoiner`` corrects the continuations' colours.
public enum ColorMatchMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// Colours are left as generated.
    case none
    /// Each continuation's per-channel Y, U, V mean and standard deviation are moved to the first
    /// clip's. Anchoring to the first clip (not the previous one) stops drift from compounding.
    case first
}

/// How ``ClipJoiner`` joins clips beyond the seam mode.
public struct JoinOptions: Sendable, Hashable {
    public var seam: SeamMode
    /// Scales clips of another size to the first clip's size instead of failing.
    public var scale: Bool
    public var colorMatch: ColorMatchMode
    /// x264 preset and CRF for the frames that must be re-encoded.
    public var preset: String
    public var crf: Int

    public init(seam: SeamMode = .drop, scale: Bool = false, colorMatch: ColorMatchMode = .none, preset: String = "veryfast", crf: Int = 18) {
        self.seam = seam
        self.scale = scale
        self.colorMatch = colorMatch
        self.preset = preset
        self.crf = crf
    }
}
