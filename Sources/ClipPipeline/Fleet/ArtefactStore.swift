import ClipProviders
import Crypto
import Foundation
import NIOCore

/// Where a fleet's clips, last frames and outputs live (`--store`): a folder that every worker reads and
/// writes directly (local to one machine, or shared by the machines' file system), or an S3-compatible
/// bucket (`s3://bucket/prefix`). With a bucket, the bucket is the truth and each worker keeps a local
/// working folder as its cache: a step publishes what it made, and a step on any worker that needs a
/// clip or frame it lacks fetches it.
///
/// What the queue records for a file is a *reference*: its absolute path with a folder (as before), its
/// key below the prefix with a bucket (`jobs/c1/segment-01-take-1.mp4`), so a reference made by one
/// worker means the same file on every other.
public struct ArtefactStore: Sendable, CustomStringConvertible {
    /// The bucket, or nil for a folder store.
    public let bucket: S3Bucket?
    /// Where this process reads and writes files: the store itself (a folder), or the bucket's local cache.
    public let localRoot: String

    /// A folder store at `path`.
    public static func folder(_ path: String) -> ArtefactStore {
        ArtefactStore(bucket: nil, localRoot: URL(fileURLWithPath: path).standardizedFileURL.path)
    }

    /// A bucket store whose objects are `bucket.prefix + key`, cached in `cache`.
    public static func bucket(_ bucket: S3Bucket, cache: String) -> ArtefactStore {
        ArtefactStore(bucket: bucket, localRoot: URL(fileURLWithPath: cache).standardizedFileURL.path)
    }

    /// Reads `--store`: `s3://bucket[/prefix]` is a bucket (its endpoint `endpoint`, else `AWS_ENDPOINT_URL`,
    /// else AWS; credentials from `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY`) cached in `cache`; anything
    /// else is a folder.
    /// - Throws: ``PipelineError`` in one line for a malformed bucket address or missing credentials (the
    ///   message never holds a secret).
    public static func parse(
        _ text: String, cache: String, endpoint: String?, region: String, environment: [String: String]
    ) throws -> ArtefactStore {
        guard text.lowercased().hasPrefix("s3://") else { return .folder(text) }
        let rest = text.dropFirst("s3://".count)
        let name = String(rest.prefix { $0 != "/" })
        let prefix = rest.dropFirst(name.count).split(separator: "/").joined(separator: "/")
        guard Self.isValidBucketName(name) else {
            throw PipelineError(
                "--store \(text): \"\(name)\" is not a bucket name (3-63 lowercase letters, digits, dots and hyphens): use s3://BUCKET/PREFIX")
        }
        guard !prefix.contains("..") else { throw PipelineError("--store \(text): the prefix may not contain \"..\"") }
        do {
            let bucket = try S3Bucket.configured(
                name: name, prefix: prefix.isEmpty ? "" : prefix + "/", endpoint: endpoint, region: region, environment: environment)
            return .bucket(bucket, cache: cache)
        } catch {
            throw PipelineError("--store \(text): \(error)")
        }
    }

    /// S3's rule for bucket names (the DNS-compatible subset every S3-compatible server takes).
    static func isValidBucketName(_ name: String) -> Bool {
        (3...63).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == ".") }
            && name.first.map { $0.isLetter || $0.isNumber } == true && name.last.map { $0.isLetter || $0.isNumber } == true
    }

    /// The bucket as `frame_hosting` `s3` uploads a job's own images to it (under `PREFIX/hosted/`); nil for a folder.
    public var hostingBucket: S3Bucket? {
        bucket.map { bucket in
            var hosting = bucket
            hosting.prefix += "hosted/"
            return hosting
        }
    }

    /// The store as people see it: the folder, or `s3://bucket/prefix`.
    public var description: String {
        guard let bucket else { return localRoot }
        return bucket.address(of: String(bucket.prefix.dropLast(bucket.prefix.hasSuffix("/") ? 1 : 0)))
    }

    /// The local path of a file at `relative` below the store (e.g. `jobs/c1/segment-01-take-1.mp4`).
    public func localPath(_ relative: String) -> String {
        (localRoot as NSString).appendingPathComponent(relative)
    }

    /// The key of a local file below ``localRoot``, relative to the prefix; nil for a file elsewhere.
    public func relativeKey(of path: String) -> String? {
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        guard standard.hasPrefix(localRoot + "/") else { return nil }
        return String(standard.dropFirst(localRoot.count + 1))
    }

    /// What the queue records for the local file at `path`: the path itself with a folder, its key with a bucket.
    public func reference(forLocal path: String) -> String {
        guard bucket != nil, let key = relativeKey(of: path) else { return path }
        return key
    }

    /// The object's full key in the bucket for a reference (a key below the prefix), or nil with a folder.
    public func objectKey(_ reference: String) -> String? {
        guard let bucket, !reference.hasPrefix("/") else { return nil }
        return bucket.prefix + reference
    }

    /// A local path for a recorded reference. A folder's path is returned as it is; a bucket's key is looked
    /// for in the cache and fetched from the bucket when the cache lacks it.
    /// - Throws: ``PipelineError`` when the object cannot be fetched (a missing key says so).
    public func localFile(for reference: String) async throws -> String {
        guard let bucket, let key = objectKey(reference) else { return reference }
        let path = localPath(reference)
        if FileManager.default.fileExists(atPath: path) { return path }
        try await bucket.get(key: key, to: path)
        return path
    }

    /// Makes the local file at `path` (below ``localRoot``) the store's: nothing to do with a folder; with a
    /// bucket, it is uploaded under its key.
    /// - Throws: ``PipelineError`` when the upload fails, or the file is outside the cache.
    public func publish(_ path: String) async throws {
        guard let bucket else { return }
        guard let relative = relativeKey(of: path) else {
            throw PipelineError("\(path) is outside the worker's folder \(localRoot), so it has no key in \(description)")
        }
        try await bucket.put(file: path, key: bucket.prefix + relative)
    }

    /// How a local file below the store is named for people and in `batch status`: the path, or
    /// `s3://bucket/prefix/key`.
    public func address(ofLocal path: String) -> String {
        guard let bucket, let relative = relativeKey(of: path) else { return path }
        return bucket.address(of: bucket.prefix + relative)
    }

    /// The reference (a key below the prefix) of an `s3://bucket/prefix/key` address in this store's bucket; nil
    /// for any other text.
    public func reference(forAddress address: String) -> String? {
        guard let bucket else { return nil }
        let root = bucket.address(of: bucket.prefix)
        guard address.hasPrefix(root), address.count > root.count else { return nil }
        return String(address.dropFirst(root.count))
    }

    /// Puts a user's input file (a job's start or end image) in the store, so every worker can read it: under
    /// `inputs/`, named by its content (`inputs/SHA-NAME`). Returns what a job line names it by: the
    /// bucket's `s3://` address, or the path in a folder store.
    /// - Throws: ``PipelineError`` when the file cannot be read, copied or uploaded.
    public func publishInput(_ path: String) async throws -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw PipelineError("\(path): cannot read it (\(error.localizedDescription))")
        }
        let digest = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
        let name = (path as NSString).lastPathComponent.map { $0.isLetter || $0.isNumber || "-_.".contains($0) ? $0 : "_" }
        let relative = "inputs/\(digest)-\(String(name))"
        guard let bucket else {
            let destination = localPath(relative)
            if !FileManager.default.fileExists(atPath: destination) {
                do {
                    try FileManager.default.createDirectory(
                        atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                    try data.write(to: URL(fileURLWithPath: destination), options: .atomic)
                } catch {
                    throw PipelineError("\(path): cannot copy it into the store \(localRoot) (\(error.localizedDescription))")
                }
            }
            return destination
        }
        try await bucket.put(file: path, key: bucket.prefix + relative)
        return bucket.address(of: bucket.prefix + relative)
    }

    /// A presigned GET URL for a reference (valid for the bucket's `expires`), or nil with a folder.
    public func presignedGET(_ reference: String) -> URL? {
        guard let bucket, let key = objectKey(reference) else { return nil }
        return bucket.presignedURL(method: "GET", key: key, date: Date(), expires: bucket.expires)
    }


    /// What the queue records for an image sent to a provider: a signed link to this store's bucket becomes its
    /// `s3://bucket/key` address (a presigned link is a credential until it expires); anything else is kept.
    public func recorded(_ source: ImageSource?) -> ImageSource? {
        guard let bucket, case .url(let url)? = source, url.query?.contains("X-Amz-Signature=") == true,
            url.host == bucket.endpoint.host, url.port == bucket.endpoint.port
        else { return source }
        let path = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let key = bucket.pathStyle && path.hasPrefix(bucket.bucket + "/") ? String(path.dropFirst(bucket.bucket.count + 1)) : path
        return URL(string: bucket.address(of: key)).map { .url($0) } ?? source
    }

    /// Proves the bucket can be written and read back, with a small object under `.clipkit-probe/NAME` (then deleted):
    /// a worker calls it before it claims anything, so an unreachable store costs no paid create.
    /// - Parameter seconds: how long each of the two requests may take (the connection to an unreachable
    ///   server is retried until then).
    /// - Throws: ``PipelineError`` in one line naming the store and what failed.
    public func probe(name: String, seconds: Int64 = 15) async throws {
        guard let bucket else { return }
        let relative = ".clipkit-probe/\(name.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" })"
        let local = localPath(relative)
        let fetched = local + ".back"
        let content = Data("clipkit \(UUID().uuidString)\n".utf8)
        do {
            try FileManager.default.createDirectory(
                atPath: (local as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try content.write(to: URL(fileURLWithPath: local))
            defer {
                try? FileManager.default.removeItem(atPath: local)
                try? FileManager.default.removeItem(atPath: fetched)
            }
            try await bucket.put(file: local, key: bucket.prefix + relative, timeout: .seconds(seconds))
            try await bucket.get(key: bucket.prefix + relative, to: fetched, timeout: .seconds(seconds))
            guard FileManager.default.contents(atPath: fetched) == content else {
                throw PipelineError("the object read back differs from the one written")
            }
            // Tidy, not required: a store that lets a worker write but not delete still works.
            try? await bucket.delete(key: bucket.prefix + relative, timeout: .seconds(seconds))
        } catch {
            throw PipelineError("--store \(description): the bucket cannot be written and read back (\(error))")
        }
    }
}
