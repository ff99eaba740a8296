import Crypto
import Foundation

/// A cheap content key for a clip: SHA-256 over its size, modification time and first and last MiB.
///
/// Hashing whole clips would cost a full read of every file on every run (about 10 MB per 5 s
/// 720p clip); size + mtime + both ends catches every rewrite, regeneration, truncation or
/// download-resume a gallery sees, for 2 MiB of reading per clip.
public enum ClipFingerprint {
    /// Bytes hashed at each end of the file.
    public static let edgeBytes = 1 << 20

    /// - Throws: ``GalleryError`` when the file cannot be read.
    public static func compute(path: String) throws -> String {
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw GalleryError.unreadable(path, "cannot read its attributes")
        }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? 0
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        guard let handle = FileHandle(forReadingAtPath: path) else { throw GalleryError.unreadable(path, "cannot open it") }
        defer { try? handle.close() }
        var hasher = SHA256()
        hasher.update(data: Data("size=\(size);mtime=\(String(format: "%.6f", modified));".utf8))
        do {
            hasher.update(data: try handle.read(upToCount: edgeBytes) ?? Data())
            if size > Int64(edgeBytes) {
                try handle.seek(toOffset: UInt64(max(Int64(edgeBytes), size - Int64(edgeBytes))))
                hasher.update(data: try handle.read(upToCount: edgeBytes) ?? Data())
            }
        } catch {
            throw GalleryError.unreadable(path, "read failed: \(error.localizedDescription)")
        }
        return hex(hasher.finalize())
    }

    /// SHA-256 of a whole file, for comparison (benchmarks).
    public static func fullHash(path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw GalleryError.unreadable(path, "cannot open it") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hex(hasher.finalize())
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    /// SHA-256 of a string, as hex.
    static func hash(_ text: String) -> String { hex(SHA256.hash(data: Data(text.utf8))) }
}
