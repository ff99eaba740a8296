/// Why a gallery could not be built (a clip's own problems go on its card instead).
public struct GalleryError: Error, Sendable, CustomStringConvertible {
    private enum Kind: Sendable {
        case unreadable(String, String)
        case site(String, String)
        case input(String, String)
    }

    private let kind: Kind

    /// A file that could not be read.
    static func unreadable(_ path: String, _ reason: String) -> GalleryError { GalleryError(kind: .unreadable(path, reason)) }
    /// The site folder cannot be created or written.
    static func site(_ path: String, _ reason: String) -> GalleryError { GalleryError(kind: .site(path, reason)) }
    /// An input that is neither a clip nor a folder.
    static func input(_ path: String, _ reason: String) -> GalleryError { GalleryError(kind: .input(path, reason)) }

    public var description: String {
        switch kind {
        case .unreadable(let path, let reason): "\(path): \(reason)"
        case .site(let path, let reason): "gallery site \(path): \(reason)"
        case .input(let path, let reason): "\(path): \(reason)"
        }
    }
}
