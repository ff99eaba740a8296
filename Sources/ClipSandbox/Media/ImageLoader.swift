import AsyncHTTPClient
import Foundation
import Logging
import NIOCore

/// Turns a keyframe reference into pixels: an http(s) URL (fetched with AsyncHTTPClient), a `data:` URI,
/// or bare Base64 (KKIAI accepts that in `image_url`). Links to the sandbox's own files are read from disk,
/// so fetching them neither consumes download faults nor depends on link expiry.
struct ImageLoader: Sendable {
    /// Refuses images bigger than this (Pixwith's documented limit is 20 MB).
    static let maximumBytes = 20 * 1024 * 1024

    let files: FileStore
    let logger: Logger

    /// The encoded bytes of `source`.
    /// - Throws: ``SandboxError`` naming what could not be read and why.
    func data(from source: String, ownBaseURL: String?) async throws -> Data {
        if source.hasPrefix("data:") { return try Self.decodeDataURI(source) }
        if source.hasPrefix("http://") || source.hasPrefix("https://") {
            if let ownBaseURL, let name = Self.ownFileName(source, baseURL: ownBaseURL) {
                guard let data = FileManager.default.contents(atPath: files.path(of: name)) else {
                    throw SandboxError.notFound("no stored file '\(name)'")
                }
                return data
            }
            return try await fetch(source)
        }
        if let data = Data(base64Encoded: source, options: .ignoreUnknownCharacters), !data.isEmpty, source.count > 16 {
            return data
        }
        throw SandboxError.badRequest("the image reference is neither an http(s) URL, a data URI nor Base64")
    }

    private func fetch(_ url: String) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        do {
            // Generous: the image's server may be on the same busy machine (a test's, or ClipKit's own).
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60), logger: logger)
            guard (200..<300).contains(response.status.code) else {
                throw SandboxError.badRequest("fetching \(url) answered HTTP \(response.status.code)")
            }
            let body = try await response.body.collect(upTo: Self.maximumBytes)
            return Data(buffer: body)
        } catch let error as SandboxError {
            throw error
        } catch {
            throw SandboxError.badRequest("fetching \(url) failed: \(error)")
        }
    }

    /// The stored file name when `url` points at this sandbox's own /files/ route.
    static func ownFileName(_ url: String, baseURL: String) -> String? {
        guard url.hasPrefix(baseURL + "/files/") else { return nil }
        let rest = url.dropFirst(baseURL.count + "/files/".count)
        let name = String(rest.prefix { $0 != "?" && $0 != "#" })
        return FileStore.isValidName(name) ? name : nil
    }

    /// Decodes `data:[<mediatype>][;base64],<data>`.
    static func decodeDataURI(_ uri: String) throws -> Data {
        guard let comma = uri.firstIndex(of: ",") else { throw SandboxError.badRequest("the data URI has no ','") }
        let header = uri[uri.index(uri.startIndex, offsetBy: 5)..<comma]
        let payload = String(uri[uri.index(after: comma)...])
        if header.hasSuffix(";base64") {
            guard let data = Data(base64Encoded: payload, options: .ignoreUnknownCharacters) else {
                throw SandboxError.badRequest("the data URI's Base64 payload does not decode")
            }
            return data
        }
        guard let text = payload.removingPercentEncoding else {
            throw SandboxError.badRequest("the data URI does not decode")
        }
        return Data(text.utf8)
    }
}
