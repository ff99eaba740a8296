/// What one ``GalleryBuilder/build()`` did.
public struct GalleryBuildReport: Sendable {
    /// The manifest as written.
    public var manifest: GalleryManifest
    /// Clips whose assets were made in this run.
    public var rendered: Int
    /// Clips whose content and settings were unchanged, taken from the previous manifest.
    public var reused: Int
    /// Clips in the previous manifest that are gone from the inputs.
    public var removed: Int
    /// Clips that got an error card.
    public var failed: Int
    /// Wall-clock seconds of the whole build.
    public var seconds: Double
}
