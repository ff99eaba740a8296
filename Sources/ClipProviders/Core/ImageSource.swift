import Foundation

/// An image a provider must read: a URL it can fetch, or the image itself as a `data:` URI.
///
/// A local file is turned into one of these by the caller (inline as a data URI where the provider
/// accepts one, uploaded where it has an upload endpoint, or served by ClipKit itself).
public enum ImageSource: Codable, Hashable, Sendable {
    /// A public http(s) URL the provider fetches.
    case url(URL)
    /// An inline image, `data:image/png;base64,...`.
    case dataURI(String)

    /// The string sent on the wire.
    public var wireValue: String {
        switch self {
        case .url(let url): url.absoluteString
        case .dataURI(let uri): uri
        }
    }

    /// Whether this is an inline data URI.
    public var isDataURI: Bool {
        if case .dataURI = self { return true }
        return false
    }

    /// Makes a data URI from image bytes.
    /// - Parameters:
    ///   - data: the encoded image (PNG or JPEG).
    ///   - mimeType: for example `image/png`.
    public static func inline(_ data: Data, mimeType: String) -> ImageSource {
        .dataURI("data:\(mimeType);base64,\(data.base64EncodedString())")
    }
}

extension ImageSource: CustomStringConvertible {
    /// A short description: data URIs are summarised, not printed in full.
    public var description: String {
        switch self {
        case .url(let url): url.absoluteString
        case .dataURI(let uri): "data URI (\(uri.utf8.count) bytes)"
        }
    }
}

/// A previous task whose video the provider should continue natively ("extend").
public struct ExtendSource: Codable, Hashable, Sendable {
    /// The provider's id of the task (generation) to continue.
    public var taskID: String

    public init(taskID: String) {
        self.taskID = taskID
    }
}
