import ClipMedia
import Foundation

/// Everything that decides what a clip's gallery entry looks like; its ``key`` is stored with each
/// entry, and a clip whose key changed is processed again.
public struct GallerySettings: Sendable, Codable, Hashable {
    /// Bumped when the renderer's output changes for the same settings.
    public static let rendererVersion = 2

    public var assets: GalleryAssetSettings
    /// The QA preset the verdicts are checked against, if any.
    public var preset: String?
    /// Whether clips without a sidecar verdict are checked (false: `--no-check`, "unchecked" badges).
    public var check: Bool

    public init(assets: GalleryAssetSettings = GalleryAssetSettings(), preset: String? = nil, check: Bool = true) {
        self.assets = assets
        self.preset = preset
        self.check = check
    }

    /// 16 hex digits of the SHA-256 of the settings and renderer version.
    public var key: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = (try? encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "\(self)"
        return String(ClipFingerprint.hash("v\(Self.rendererVersion):\(json)").prefix(16))
    }
}
