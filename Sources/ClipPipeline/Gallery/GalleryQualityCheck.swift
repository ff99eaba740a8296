import ClipMedia

/// A QA check the gallery runs on clips that carry no verdict in a sidecar.
///
/// ``GalleryBuilder`` calls it once per new or changed clip, from a worker thread; the result is
/// cached in the manifest with the clip's assets.
public protocol GalleryQualityCheck: Sendable {
    /// Checks the clip at `path`, whose probe is `info`.
    func check(path: String, info: MediaInfo) throws -> GalleryQA

    /// What to validate the clip at `path` against in the gallery's own decoding pass, when the check
    /// is a ``ClipValidator`` run: the builder then makes the clip's pictures from the validator's
    /// frames (``GalleryAssetRenderer/renderAndValidate(path:into:settings:expectations:threads:)``)
    /// and ``check(path:info:)`` is not called. Nil (the default) runs ``check(path:info:)`` apart.
    func sharedPass(for path: String) -> GallerySharedCheck?
}

extension GalleryQualityCheck {
    public func sharedPass(for path: String) -> GallerySharedCheck? { nil }
}

/// A check the gallery can run in its own decoding pass: ``ClipValidator`` expectations and where
/// they come from.
public struct GallerySharedCheck: Sendable {
    public var expectations: ClipExpectations
    /// What the expectations come from (a preset's name), shown with the verdict.
    public var basis: String?
    /// Decoder threads (0: the validator's automatic choice).
    public var threads: Int

    public init(expectations: ClipExpectations, basis: String?, threads: Int = 0) {
        self.expectations = expectations
        self.basis = basis
        self.threads = threads
    }
}
