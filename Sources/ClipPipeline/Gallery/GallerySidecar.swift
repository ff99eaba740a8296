import Foundation

/// Reads the QA verdict from a clip's `NAME.clip.json` sidecar (written by `clipkit generate`):
/// `{"qa": {"verdict": "pass|warn|fail", "checks": [{"name", "status", "message"}]}, "request": {...}}`.
///
/// Both `clip.clip.json` and `clip.mp4.clip.json` are looked for beside `clip.mp4`.
public enum GallerySidecar {
    /// The sidecar's path for a clip, when one exists.
    public static func path(for clip: String) -> String? {
        let url = URL(fileURLWithPath: clip)
        let candidates = [
            url.deletingPathExtension().appendingPathExtension("clip.json").path,
            url.appendingPathExtension("clip.json").path,
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// The verdict recorded beside `clip`, or nil when there is no sidecar or it holds no verdict.
    /// - Throws: ``GalleryError`` when a sidecar exists but is not JSON.
    public static func qa(for clip: String) throws -> GalleryQA? {
        guard let path = path(for: clip) else { return nil }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw GalleryError.unreadable(path, "sidecar is not valid JSON")
        }
        guard let root = object as? [String: Any], let qa = root["qa"] as? [String: Any],
            let text = qa["verdict"] as? String, let verdict = GalleryQA.Verdict(rawValue: text.lowercased())
        else { return nil }
        let checks = (qa["checks"] as? [[String: Any]]) ?? []
        let findings = checks.compactMap { check -> GalleryQA.Finding? in
            guard let name = check["name"] as? String, let status = check["status"] as? String else { return nil }
            return GalleryQA.Finding(name: name, status: status, message: check["message"] as? String)
        }
        return GalleryQA(verdict: verdict, source: .sidecar, findings: findings.filter { $0.status != "pass" })
    }
}
