import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore

/// An S3-compatible bucket reached through presigned URLs (AWS Signature Version 4, query form):
/// the frame is uploaded with a presigned PUT, and the provider reads it through a presigned GET that
/// expires, so the bucket itself can stay private.
public struct S3Bucket: Sendable {
    public var endpoint: URL
    public var bucket: String
    public var region: String
    public var accessKeyID: String
    public var secretAccessKey: String
    /// Path-style URLs (`endpoint/bucket/key`), as MinIO and most S3-compatible stores want.
    public var pathStyle: Bool
    /// How long the GET link stays valid, in seconds.
    public var expires: Int
    public var prefix: String

    public init(
        endpoint: URL, bucket: String, region: String = "us-east-1", accessKeyID: String, secretAccessKey: String,
        pathStyle: Bool = true, expires: Int = 6 * 3600, prefix: String = "clipkit/"
    ) {
        self.endpoint = endpoint
        self.bucket = bucket
        self.region = region
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.pathStyle = pathStyle
        self.expires = expires
        self.prefix = prefix
    }

    /// Uploads `file` under a key named by its content and returns a presigned GET URL for it.
    public func upload(file: URL, client: HTTPClient = .shared) async throws -> URL {
        let data: Data
        do { data = try Data(contentsOf: file) } catch {
            throw PipelineError("cannot read \(file.path) to upload it: \(error.localizedDescription)")
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let key = prefix + String(digest.prefix(16)) + "-" + file.lastPathComponent
        try await put(data, key: key, client: client)
        return presignedURL(method: "GET", key: key, date: Date(), expires: expires)
    }

    /// A SigV4 presigned URL for `method` on `key` (query-string authentication, unsigned payload).
    public func presignedURL(method: String, key: String, date: Date, expires: Int) -> URL {
        let stamp = Self.timestamp(date)
        let day = String(stamp.prefix(8))
        let scope = "\(day)/\(region)/s3/aws4_request"
        let host = pathStyle ? hostHeader : "\(bucket).\(hostHeader)"
        let path = (pathStyle ? "/\(bucket)/" : "/") + Self.encode(key, keepSlash: true)
        let query: [(String, String)] = [
            ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
            ("X-Amz-Credential", "\(accessKeyID)/\(scope)"),
            ("X-Amz-Date", stamp),
            ("X-Amz-Expires", "\(expires)"),
            ("X-Amz-SignedHeaders", "host"),
        ]
        let canonicalQuery = query.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.sorted().joined(separator: "&")
        let canonicalRequest = [method, path, canonicalQuery, "host:\(host)\n", "host", "UNSIGNED-PAYLOAD"].joined(separator: "\n")
        let hashedRequest = SHA256.hash(data: Data(canonicalRequest.utf8)).map { String(format: "%02x", $0) }.joined()
        let stringToSign = ["AWS4-HMAC-SHA256", stamp, scope, hashedRequest].joined(separator: "\n")
        var signingKey = SymmetricKey(data: Data("AWS4\(secretAccessKey)".utf8))
        for part in [day, region, "s3", "aws4_request"] {
            signingKey = SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Data(part.utf8), using: signingKey)))
        }
        let signature = HMAC<SHA256>.authenticationCode(for: Data(stringToSign.utf8), using: signingKey)
            .map { String(format: "%02x", $0) }.joined()
        let scheme = endpoint.scheme ?? "https"
        return URL(string: "\(scheme)://\(host)\(path)?\(canonicalQuery)&X-Amz-Signature=\(signature)")!
    }

    var hostHeader: String {
        let host = endpoint.host ?? "s3.amazonaws.com"
        if let port = endpoint.port, !(endpoint.scheme == "https" && port == 443), !(endpoint.scheme == "http" && port == 80) {
            return "\(host):\(port)"
        }
        return host
    }

    static func timestamp(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }

    /// RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX.
    static func encode(_ text: String, keepSlash: Bool = false) -> String {
        var allowed = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        if keepSlash { allowed.insert("/") }
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
