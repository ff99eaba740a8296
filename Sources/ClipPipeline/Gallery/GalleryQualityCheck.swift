import ClipMedia

/// A QA check the gallery runs on clips that carry no verdict in a sidecar.
///
/// ``GalleryBuilder`` calls it once per new or changed clip, from a worker thread; the result is
/// cached in the manifest with the clip's assets.
public protocol GalleryQualityCheck: Sendable {
    /// Checks the clip at `path`, whose probe is `info`.
    func check(path: String, info: MediaInfo) throws -> GalleryQA
}
