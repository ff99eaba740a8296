import AsyncHTTPClient
import Foundation
import NIOCore

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
        var request = HTTPClientRequest(url: presignedURL(method: "PUT", key: key, date: Date(), expires: 900).absoluteString)
        request.method = .PUT
        request.headers.add(name: "Content-Type", value: Self.contentType(of: key))
        request.headers.add(name: "Content-Length", value: "\(data.count)")
        request.body = .bytes(ByteBuffer(bytes: data))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout ?? Self.timeout(bytes: data.count))
        } catch {
            throw PipelineError("uploading \(address(of: key)) to \(endpointName) failed: \(error)")
        }
        _ = try? await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw PipelineError("uploading \(address(of: key)) to \(endpointName) failed: HTTP \(response.status.code)")
        }
    }

    /// Downloads `key` to `file` with a presigned GET: streamed to `file.partial`, then renamed, so a reader
    /// never sees half a file.
    /// - Parameter timeout: the deadline for the whole download (default 5 minutes).
    /// - Throws: ``PipelineError``: "no such object" for a missing key, else the HTTP status or transport error.
    public func get(key: String, to file: String, timeout: TimeAmount = .seconds(300), client: HTTPClient = .shared) async throws {
        var request = HTTPClientRequest(url: presignedURL(method: "GET", key: key, date: Date(), expires: 900).absoluteString)
        request.method = .GET
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw PipelineError("downloading \(address(of: key)) from \(endpointName) failed: \(error)")
        }
        guard response.status.code != 404 else {
            _ = try? await response.body.collect(upTo: 1 << 20)
            throw PipelineError("\(address(of: key)): no such object at \(endpointName)")
        }
        guard (200..<300).contains(response.status.code) else {
            _ = try? await response.body.collect(upTo: 1 << 20)
            throw PipelineError("downloading \(address(of: key)) from \(endpointName) failed: HTTP \(response.status.code)")
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
        var request = HTTPClientRequest(url: presignedURL(method: "DELETE", key: key, date: Date(), expires: 900).absoluteString)
        request.method = .DELETE
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw PipelineError("deleting \(address(of: key)) at \(endpointName) failed: \(error)")
        }
        _ = try? await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(response.status.code) else {
            throw PipelineError("deleting \(address(of: key)) at \(endpointName) failed: HTTP \(response.status.code)")
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
