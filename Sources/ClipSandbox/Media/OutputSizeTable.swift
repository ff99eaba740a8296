/// The frame size each provider really returns, per aspect ratio and resolution.
///
/// Sources are /work/shared/providers.md §5.2 (confidence marks as there: C confirmed, C3 third party,
/// I inferred). Inferred rows keep the confirmed row's pixel area, multiples of 16, as a latent grid does.
enum OutputSizeTable {
    /// The Dream Machine web app's presets, returned by the web-app-backed resellers (PiAPI, KKIAI).
    static let webApp: [String: (width: Int, height: Int)] = [
        "16:9": (1360, 752),  // C3: v98store / KKIAI template example (ray-1.6 era)
        "9:16": (752, 1360),  // I: 16:9 transposed
        "4:3": (1152, 864),  // C: piapi.ai/docs/dream-machine/get-video (ray-v2, 4:3, 5 s)
        "3:4": (864, 1152),  // I: 4:3 transposed
        "1:1": (1024, 1024),  // C3: docs.makevid.ai
        "21:9": (1568, 672),  // I: area of 16:9, exact 21:9, multiples of 16
        "9:21": (672, 1568),  // I: 21:9 transposed
    ]

    /// The official API's 720p sizes, also what Pixwith returns [I: Pixwith proxies the official API].
    static let luma720p: [String: (width: Int, height: Int)] = [
        "16:9": (1280, 720),  // C3: wavespeed.ai docs
        "9:16": (720, 1280),  // C3: wavespeed.ai docs
        "4:3": (1104, 832),  // I: area of 1280x720, multiples of 16
        "3:4": (832, 1104),  // I: 4:3 transposed
        "1:1": (960, 960),  // I: area of 1280x720
        "21:9": (1456, 624),  // I: area of 1280x720, exact 21:9
        "9:21": (624, 1456),  // I: 21:9 transposed
    ]

    /// Aspect ratios every table covers.
    static let aspectRatios = ["16:9", "9:16", "4:3", "3:4", "1:1", "21:9", "9:21"]

    /// The nominal size for `provider` at `aspectRatio` and `resolution` (nil resolution = provider default).
    static func size(for provider: SandboxProvider, aspectRatio: String, resolution: String?) -> (
        width: Int, height: Int
    )? {
        switch provider {
        case .piapi:
            // PiAPI has no resolution parameter: always the web app's preset.
            return webApp[aspectRatio]
        case .kkiai:
            // 720p (the default) is the web app's preset [C3]; 1080p scales it by 1.5 [I].
            guard let base = webApp[aspectRatio] else { return nil }
            return resolution == "1080p" ? scaled(base, by: 1.5) : base
        case .pixwith, .luma:
            guard let base = luma720p[aspectRatio] else { return nil }
            switch resolution ?? "720p" {
            case "540p": return scaled(base, by: 0.75)  // C3 weak: mindstudio.ai, 960x540 for 16:9
            case "1080p": return scaled(base, by: 1.5)  // I: 1920x1080 for 16:9
            case "4k": return scaled(base, by: 3)  // I: 3840x2160 for 16:9
            default: return base  // 720p
            }
        }
    }

    /// `size` times `factor`, rounded to even numbers (H.264 4:2:0 needs even sides).
    static func scaled(_ size: (width: Int, height: Int), by factor: Double) -> (width: Int, height: Int) {
        func even(_ value: Int) -> Int { max(16, Int((Double(value) * factor / 2).rounded()) * 2) }
        return (even(size.width), even(size.height))
    }
}
