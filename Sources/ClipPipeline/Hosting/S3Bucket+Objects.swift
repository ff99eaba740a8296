import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Objects under a key, through presigned URLs: what an S3 artefact store needs beyond hosting one frame.
/// Errors name the bucket and the key, never the credentials (a presigned URL is not shown either).
extension S3Bucket {
    /// The bucket from ClipKit's settings: `endpoint` (else `AWS_ENDPOINT_URL`, else AWS), and the credentials
    /// from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`. Used by `--frame-hosting s3` and `--store s3://`.
    /// - Throws: ``PipelineError`` in one line when the endpoint is not an http(s) URL or a credential is missing.
    public static func configured(
        name: String, prefix: String = "clipkit/", endpoint: String?, region: String, environment: [String: String]
    ) throws -> S3Bucket {
        let text = endpoint ?? environment["AWS_ENDPOINT_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://s3.amazonaws.com"
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
            throw PipelineError("the S3 endpoint \(text) is not an http(s) URL (--s3-endpoint or AWS_ENDPOINT_URL)")
        }
        guard let id = environment["AWS_ACCESS_KEY_ID"], !id.isEmpty,
            let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else {
            throw PipelineError("the S3 bucket needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        }
        return S3Bucket(endpoint: url, bucket: name, region: region, accessKeyID: id, secretAccessKey: secret, prefix: prefix)
    }

    /// `s3://bucket/key`, how people and the queue name an object (no endpoint, no signature).
    public func address(of key: String) -> String { "s3://\(bucket)/\(key)" }

    /// Uploads `file` under `key` (replacing what was there) with a presigned PUT.
    /// - Parameter timeout: the deadline (an unreachable server is retried until then); default 60 s plus a
    ///   second per 256 KB.
    /// - Throws: ``PipelineError`` naming the object when the file cannot be read or the server refuses it.
    public func put(file: String, key: String, timeout: TimeAmount? = nil, client: HTTPClient = .shared) async throws {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
            throw PipelineError("cannot read \(file) to upload it to \(address(of: key)): \(error.localizedDescription)")
        }
        try await put(data, key: key, timeout: timeout, client: client)
    }

    /// Uploads `data` under `key` (replacing what was there) with a presigned PUT.
    public func put(_ data: Data, key: String, timeout: TimeAmount? = nil, client: HTTPClient = .shared) async throws {
        let response = try await send(.PUT, key: key, doing: "uploading", timeout: timeout ?? Self.timeout(bytes: data.count), client: client) {
            $0.headers.add(name: "Content-Type", value: Self.contentType(of: key))
            $0.headers.add(name: "Content-Length", value: "\(data.count)")
            $0.body = .bytes(ByteBuffer(bytes: data))
        }
        _ = try? await response.body.collect(upTo: 1 << 20)
        try check(response, doing: "uploading", key: key)
    }

    /// Downloads `key` to `file` with a presigned GET: streamed to `file.partial`, then renamed, so a reader
    /// never sees half a file.
    /// - Parameter timeout: the deadline for the whole download (default 5 minutes).
    /// - Throws: ``PipelineError``: "no such object" for a missing key, else the HTTP status or transport error.
    public func get(key: String, to file: String, timeout: TimeAmount = .seconds(300), client: HTTPClient = .shared) async throws {
        let response = try await send(.GET, key: key, doing: "downloading", timeout: timeout, client: client)
        guard (200..<300).contains(response.status.code) else {
            _ = try? await response.body.collect(upTo: 1 << 20)
            if response.status.code == 404 { throw PipelineError("\(address(of: key)): no such object at \(endpointName)") }
            try check(response, doing: "downloading", key: key)
            return
        }
        let partial = file + ".partial"
        let manager = FileManager.default
        try manager.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        guard manager.createFile(atPath: partial, contents: nil), let handle = FileHandle(forWritingAtPath: partial) else {
            throw PipelineError("cannot write \(partial) to download \(address(of: key))")
        }
        do {
            for try await chunk in response.body {
                try handle.write(contentsOf: Data(buffer: chunk))
            }
            try handle.close()
            if manager.fileExists(atPath: file) { try manager.removeItem(atPath: file) }
            try manager.moveItem(atPath: partial, toPath: file)
        } catch {
            try? handle.close()
            try? manager.removeItem(atPath: partial)
            throw PipelineError("downloading \(address(of: key)) from \(endpointName) failed: \(error)")
        }
    }

    /// Deletes `key` with a presigned DELETE (S3 answers 204 whether or not it was there).
    /// - Throws: ``PipelineError`` naming the object when the server refuses.
    public func delete(key: String, timeout: TimeAmount = .seconds(60), client: HTTPClient = .shared) async throws {
        let response = try await send(.DELETE, key: key, doing: "deleting", timeout: timeout, client: client)
        _ = try? await response.body.collect(upTo: 1 << 20)
        try check(response, doing: "deleting", key: key)
    }

    /// Sends `method` on `key` through a presigned URL (valid 15 minutes); a transport failure is a
    /// ``PipelineError`` "`doing` s3://bucket/key at ENDPOINT failed: ...".
    private func send(
        _ method: HTTPMethod, key: String, doing: String, timeout: TimeAmount, client: HTTPClient,
        configure: (inout HTTPClientRequest) -> Void = { _ in }
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: presignedURL(method: method.rawValue, key: key, date: Date(), expires: 900).absoluteString)
        request.method = method
        configure(&request)
        do {
            return try await client.execute(request, timeout: timeout)
        } catch {
            throw PipelineError("\(doing) \(address(of: key)) at \(endpointName) failed: \(error)")
        }
    }

    /// Throws unless the server answered 2xx.
    private func check(_ response: HTTPClientResponse, doing: String, key: String) throws {
        guard (200..<300).contains(response.status.code) else {
            throw PipelineError("\(doing) \(address(of: key)) at \(endpointName) failed: HTTP \(response.status.code)")
        }
    }

    /// The endpoint as errors show it: scheme, host and port only.
    var endpointName: String {
        "\(endpoint.scheme ?? "https")://\(hostHeader)"
    }

    /// Large clips get more time than the minute a frame gets: at least 60 s, plus a second per 256 KB.
    static func timeout(bytes: Int) -> TimeAmount {
        .seconds(Int64(60 + bytes / (256 * 1024)))
    }

    static func contentType(of key: String) -> String {
        switch (key as NSString).pathExtension.lowercased() {
        case "png": "image/png"
        case "mp4": "video/mp4"
        case "json": "application/json"
        default: "application/octet-stream"
        }
    }
}
