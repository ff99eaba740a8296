import ClipMedia
import Foundation

/// `SITE/manifest.json`: every clip of a gallery, its probe, QA verdict and picture files.
///
/// Asset file names are relative to the entry's ``GalleryEntry/assetDirectory``, which, like
/// ``GalleryEntry/media``, is relative to the site folder, so the folder can be moved or served as is.
public struct GalleryManifest: Sendable, Codable, Hashable {
    /// Bumped when the manifest's shape changes; an older manifest is rebuilt from scratch.
    public static let currentVersion = 2

    public var version: Int
    public var generatedAt: String
    /// Hash of the settings the assets were made with (``GallerySettings/key``).
    public var settingsKey: String
    public var clips: [GalleryEntry]

    enum CodingKeys: String, CodingKey {
        case version, clips
        case generatedAt = "generated_at"
        case settingsKey = "settings_key"
    }

    public init(generatedAt: Date = Date(), settingsKey: String, clips: [GalleryEntry]) {
        version = Self.currentVersion
        self.generatedAt = ISO8601DateFormatter().string(from: generatedAt)
        self.settingsKey = settingsKey
        self.clips = clips
    }

    /// Reads a manifest written by ``GalleryBuilder``.
    public static func read(path: String) throws -> GalleryManifest {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try JSONDecoder().decode(GalleryManifest.self, from: data)
    }

    /// The JSON text: sorted keys, so unchanged galleries give identical files.
    public func encoded(pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// One clip of the gallery: a card on the page.
public struct GalleryEntry: Sendable, Codable, Hashable {
    public enum Status: String, Sendable, Codable, Hashable {
        case ok
        /// The clip could not be processed; ``GalleryEntry/error`` says why.
        case error
    }

    /// Stable for a clip's path: 16 hex digits of the SHA-256 of its absolute path.
    public var id: String
    /// The clip's file name.
    public var name: String
    /// Where the clip was found, as the user named it: the input folder's name and the path below
    /// it (or the file's name); never an absolute path of the machine that built the gallery.
    public var source: String
    /// The clip inside the site (a hard link, or a symbolic link across file systems), relative to it.
    public var media: String?
    /// ``ClipFingerprint`` of the clip's content.
    public var fingerprint: String
    public var settingsKey: String
    public var status: Status
    /// For ``Status/error``: one line saying what is wrong.
    public var error: String?
    public var probe: MediaInfo?
    public var qa: GalleryQA?
    /// The folder of the clip's pictures, relative to the site.
    public var assetDirectory: String?
    public var assets: GalleryAssets?
    /// Seconds it took to make this entry's assets (0 when reused).
    public var renderSeconds: Double
    /// For a chain's joined output (its sidecar lists segments): chapters, seams and segments.
    public var chain: GalleryChain?

    enum CodingKeys: String, CodingKey {
        case id, name, source, media, fingerprint, status, error, probe, qa, assets, chain
        case settingsKey = "settings_key"
        case assetDirectory = "asset_dir"
        case renderSeconds = "render_s"
    }

    public init(
        id: String, name: String, source: String, media: String? = nil, fingerprint: String, settingsKey: String,
        status: Status, error: String? = nil, probe: MediaInfo? = nil, qa: GalleryQA? = nil,
        assetDirectory: String? = nil, assets: GalleryAssets? = nil, renderSeconds: Double = 0, chain: GalleryChain? = nil
    ) {
        self.chain = chain
        self.id = id
        self.name = name
        self.source = source
        self.media = media
        self.fingerprint = fingerprint
        self.settingsKey = settingsKey
        self.status = status
        self.error = error
        self.probe = probe
        self.qa = qa
        self.assetDirectory = assetDirectory
        self.assets = assets
        self.renderSeconds = renderSeconds
    }
}

/// A clip's QA verdict as the gallery shows it: a badge and the reasons behind it.
public struct GalleryQA: Sendable, Codable, Hashable {
    public enum Verdict: String, Sendable, Codable, Hashable {
        case pass, warn, fail
    }

    /// Where the verdict comes from.
    public enum Source: String, Sendable, Codable, Hashable {
        /// The clip's `.clip.json` sidecar.
        case sidecar
        /// A check run by the gallery (``GalleryQualityCheck``).
        case check
    }

    /// What the clip was checked against, for people: "preset default", "preset kkiai-ray2-720p-5s (--preset)".
    public var basis: String?

    public struct Finding: Sendable, Codable, Hashable {
        public var name: String
        public var status: String
        public var message: String?

        public init(name: String, status: String, message: String? = nil) {
            self.name = name
            self.status = status
            self.message = message
        }
    }

    public var verdict: Verdict
    public var source: Source
    /// The checks that did not pass (or all of them, as the source gives them).
    public var findings: [Finding]

    public init(verdict: Verdict, source: Source, findings: [Finding] = [], basis: String? = nil) {
        self.verdict = verdict
        self.source = source
        self.findings = findings
        self.basis = basis
    }
}
