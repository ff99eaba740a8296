import ClipMedia
import Foundation
import Logging

/// Builds (or brings up to date) a static gallery site from folders of clips.
///
/// The site holds `manifest.json`, `index.html`, `clips/ID/` (each clip's pictures) and `media/`
/// (each clip, hard-linked, or symbolically linked when the site is on another file system, so the
/// page plays it by a relative URL both from disk and over HTTP). A clip whose content fingerprint
/// and settings match the previous manifest is not processed again; clips that are gone leave the
/// manifest and their files are removed. A clip that cannot be processed gets an error entry (and an
/// error card on the page); it never stops the build.
public struct GalleryBuilder: Sendable {
    /// File extensions picked up when walking folders (files named explicitly are always taken).
    public static let videoExtensions: Set<String> = ["mp4", "m4v", "mov", "mkv", "webm"]

    public var inputs: [String]
    public var site: String
    public var settings: GallerySettings
    /// Clips processed at once.
    public var jobs: Int
    /// Run on clips without a sidecar verdict; nil leaves them "unchecked" (`clipkit gallery --no-check`).
    public var qualityCheck: (any GalleryQualityCheck)?
    public var logger: Logger
    /// Called after each clip processed in this run (not for reused ones), from a worker thread:
    /// clips done, clips to process, the clip's name. The CLI draws its progress line from it.
    public var progress: (@Sendable (_ done: Int, _ total: Int, _ name: String) -> Void)?

    public init(
        inputs: [String], site: String, settings: GallerySettings = GallerySettings(), jobs: Int = 2,
        qualityCheck: (any GalleryQualityCheck)? = nil, logger: Logger = Logger(label: "clipkit.gallery")
    ) {
        self.inputs = inputs
        self.site = site
        self.settings = settings
        self.jobs = jobs
        self.qualityCheck = qualityCheck
        self.logger = logger
    }

    /// Builds the site.
    /// - Throws: ``GalleryError`` when an input does not exist or the site cannot be written;
    ///   ``MediaError`` for invalid settings. Problems with single clips end up in their entries.
    public func build() async throws -> GalleryBuildReport {
        let started = Date()
        try settings.assets.validate()
        let site = Self.absolute(self.site)
        let key = settings.key
        try Self.makeDirectory(site)
        try Self.makeDirectory(site + "/clips")
        try Self.makeDirectory(site + "/media")
        let clips = try Self.discover(inputs: inputs, excluding: site)
        let previous = loadPrevious(site: site)

        var entries: [GalleryEntry] = []
        var work: [WorkItem] = []
        var reused = 0
        for found in clips {
            let clip = found.path
            let id = String(ClipFingerprint.hash(clip).prefix(16))
            let fingerprint: String
            do {
                fingerprint = try ClipFingerprint.compute(path: clip)
            } catch {
                entries.append(errorEntry(clip: found, id: id, fingerprint: "", key: key, message: "\(error)"))
                continue
            }
            if var old = previous[id], old.fingerprint == fingerprint, old.settingsKey == key, hasAllFiles(old, site: site) {
                old.renderSeconds = 0
                old.media = linkMedia(clip, id: id, site: site)
                old.source = found.display
                if let sidecar = try? GallerySidecar.qa(for: clip) { old.qa = sidecar }
                entries.append(old)
                reused += 1
            } else {
                work.append(WorkItem(clip: clip, display: found.display, id: id, fingerprint: fingerprint))
            }
        }

        let rendered = try await process(work, site: site, key: key)
        entries += rendered
        entries.sort { ($0.name, $0.source) < ($1.name, $1.source) }

        let kept = Set(entries.map(\.id))
        let removed = previous.keys.filter { !kept.contains($0) }.count
        removeStale(site: site, keeping: kept)

        let manifest = GalleryManifest(settingsKey: key, clips: entries)
        do {
            // Foundation's atomic write goes through a temporary file renamed into place.
            try manifest.encoded().write(to: URL(fileURLWithPath: site + "/manifest.json"), options: .atomic)
            try Data(GalleryPage.html(for: manifest).utf8).write(to: URL(fileURLWithPath: site + "/index.html"), options: .atomic)
        } catch {
            throw GalleryError.site(site, "cannot write the manifest or page: \(error)")
        }
        let report = GalleryBuildReport(
            manifest: manifest, rendered: rendered.count, reused: reused, removed: removed,
            failed: entries.filter { $0.status == .error }.count, seconds: Date().timeIntervalSince(started))
        logger.info(
            "gallery built",
            metadata: [
                "site": "\(site)", "clips": "\(entries.count)", "rendered": "\(report.rendered)",
                "reused": "\(reused)", "removed": "\(removed)", "failed": "\(report.failed)",
            ])
        return report
    }

    // MARK: Processing

    struct WorkItem: Sendable {
        var clip: String
        /// The clip's path for people (``GalleryEntry/source``).
        var display: String
        var id: String
        var fingerprint: String
    }

    /// Runs up to ``jobs`` clips at once; the blocking media work runs on Dispatch's threads, off
    /// Swift's cooperative pool.
    private func process(_ work: [WorkItem], site: String, key: String) async throws -> [GalleryEntry] {
        guard !work.isEmpty else { return [] }
        return await withTaskGroup(of: GalleryEntry.self) { group in
            var pending = work.makeIterator()
            var results: [GalleryEntry] = []
            func startNext() {
                guard let item = pending.next() else { return }
                group.addTask { await MediaWork.perform { self.render(item, site: site, key: key) } }
            }
            for _ in 0..<max(1, jobs) { startNext() }
            while let entry = await group.next() {
                results.append(entry)
                progress?(results.count, work.count, entry.name)
                startNext()
            }
            return results
        }
    }

    /// Probes, renders and checks one clip. Never throws: a failure becomes an error entry.
    func render(_ item: WorkItem, site: String, key: String) -> GalleryEntry {
        let started = Date()
        let relativeDirectory = "clips/\(item.id)"
        let directory = site + "/" + relativeDirectory
        try? FileManager.default.removeItem(atPath: directory)
        var info: MediaInfo
        do {
            info = try MediaProbe.probe(path: item.clip)
        } catch {
            let reason = Self.reason(error, clip: item.clip)
            var entry = errorEntry(
                clip: Found(path: item.clip, display: item.display), id: item.id, fingerprint: item.fingerprint, key: key,
                message: reason)
            // Not a video file: a failed verdict, never the badge of a good clip.
            if qualityCheck != nil {
                entry.qa = (try? GallerySidecar.qa(for: item.clip)) ?? nil
                    ?? GalleryQA(
                        verdict: .fail, source: .check,
                        findings: [.init(name: "readable", status: "fail", message: reason)], basis: "a video file")
            }
            return entry
        }
        info.path = item.display
        var entry = GalleryEntry(
            id: item.id, name: Self.name(item.clip), source: item.display, fingerprint: item.fingerprint, settingsKey: key,
            status: .ok, probe: info)
        // The verdict: the sidecar's, else the check's, in the pictures' decoding pass when it can.
        var sidecarQA: GalleryQA?
        do {
            sidecarQA = try GallerySidecar.qa(for: item.clip)
        } catch {
            logger.warning("sidecar verdict unreadable; checking the clip", metadata: ["clip": "\(item.clip)", "reason": "\(error)"])
        }
        let shared = sidecarQA == nil ? qualityCheck?.sharedPass(for: item.clip) : nil
        let assets: Result<GalleryAssets, any Error>
        if let shared {
            let result = GalleryAssetRenderer.renderAndValidate(
                path: item.clip, into: directory, settings: settings.assets, expectations: shared.expectations,
                threads: shared.threads)
            assets = result.assets
            entry.qa = GalleryQA(report: result.report, basis: shared.basis)
        } else {
            assets = Result { try GalleryAssetRenderer.render(path: item.clip, into: directory, settings: settings.assets) }
        }
        switch assets {
        case .success(let made):
            entry.assets = made
            entry.assetDirectory = relativeDirectory
        case .failure(let error):
            try? FileManager.default.removeItem(atPath: directory)
            entry.status = .error
            entry.error = Self.reason(error, clip: item.clip)
        }
        if let sidecarQA {
            entry.qa = sidecarQA
        } else if shared == nil, let qualityCheck {
            do {
                entry.qa = try qualityCheck.check(path: item.clip, info: info)
            } catch {
                logger.warning("QA verdict unavailable", metadata: ["clip": "\(item.clip)", "reason": "\(error)"])
            }
        }
        if entry.status == .ok {
            do {
                entry.chain = try GalleryChain.make(clip: item.clip, info: info, directory: directory)
            } catch {
                logger.warning("chain card unavailable", metadata: ["clip": "\(item.clip)", "reason": "\(error)"])
            }
        }
        entry.media = linkMedia(item.clip, id: item.id, site: site)
        entry.renderSeconds = (Date().timeIntervalSince(started) * 1000).rounded() / 1000
        if let error = entry.error {
            logger.warning("clip gets an error card", metadata: ["clip": "\(item.clip)", "reason": "\(error)"])
        } else {
            logger.debug("clip rendered", metadata: ["clip": "\(item.clip)", "seconds": "\(entry.renderSeconds)"])
        }
        return entry
    }

    private func errorEntry(clip: Found, id: String, fingerprint: String, key: String, message: String) -> GalleryEntry {
        logger.warning("clip gets an error card", metadata: ["clip": "\(clip.path)", "reason": "\(message)"])
        return GalleryEntry(
            id: id, name: Self.name(clip.path), source: clip.display, fingerprint: fingerprint, settingsKey: key,
            status: .error, error: message)
    }

    /// The error's one-line text without the clip's path, which the card shows anyway (and which
    /// would put a path of the building machine into the manifest).
    static func reason(_ error: any Error, clip: String) -> String {
        var text = String(describing: error).split(whereSeparator: \.isNewline).joined(separator: " ")
        if text.hasPrefix(clip + ": ") { text = String(text.dropFirst(clip.count + 2)) }
        return text.replacingOccurrences(of: clip, with: name(clip))
    }

    // MARK: The previous manifest

    private func loadPrevious(site: String) -> [String: GalleryEntry] {
        let path = site + "/manifest.json"
        guard FileManager.default.fileExists(atPath: path) else { return [:] }
        do {
            let manifest = try GalleryManifest.read(path: path)
            guard manifest.version == GalleryManifest.currentVersion else { return [:] }
            return Dictionary(manifest.clips.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        } catch {
            logger.warning("previous manifest unreadable; rebuilding everything", metadata: ["path": "\(path)"])
            return [:]
        }
    }

    private func hasAllFiles(_ entry: GalleryEntry, site: String) -> Bool {
        guard entry.status == .ok else { return true }
        guard let directory = entry.assetDirectory, let assets = entry.assets else { return false }
        return (assets.files + (entry.chain?.files ?? [])).allSatisfy { FileManager.default.fileExists(atPath: "\(site)/\(directory)/\($0)") }
    }

    // MARK: Files

    /// Puts the clip into `SITE/media/ID.ext`: a hard link (no copy, works from disk and over HTTP),
    /// or a symbolic link when the site is on another file system. Nil when neither works.
    private func linkMedia(_ clip: String, id: String, site: String) -> String? {
        let ext = URL(fileURLWithPath: clip).pathExtension.lowercased()
        let relative = "media/\(id)" + (ext.isEmpty ? "" : ".\(ext)")
        let target = site + "/" + relative
        var linkInfo = stat()
        var sourceInfo = stat()
        if lstat(target, &linkInfo) == 0 {
            let isSymlink = linkInfo.st_mode & S_IFMT == S_IFLNK
            if isSymlink, (try? FileManager.default.destinationOfSymbolicLink(atPath: target)) == clip { return relative }
            if !isSymlink, stat(clip, &sourceInfo) == 0, sourceInfo.st_ino == linkInfo.st_ino, sourceInfo.st_dev == linkInfo.st_dev {
                return relative
            }
            unlink(target)
        }
        if link(clip, target) == 0 || symlink(clip, target) == 0 { return relative }
        logger.warning("cannot link the clip into the site", metadata: ["clip": "\(clip)", "errno": "\(errno)"])
        return nil
    }

    private func removeStale(site: String, keeping ids: Set<String>) {
        let manager = FileManager.default
        for name in (try? manager.contentsOfDirectory(atPath: site + "/clips")) ?? [] where !ids.contains(name) {
            try? manager.removeItem(atPath: site + "/clips/" + name)
        }
        for name in (try? manager.contentsOfDirectory(atPath: site + "/media")) ?? [] {
            let id = String(name.prefix { $0 != "." })
            if !ids.contains(id) { try? manager.removeItem(atPath: site + "/media/" + name) }
        }
    }

    /// A clip found in the inputs: its absolute path, and its path for people (the input folder's
    /// name and the path below it, or the file's name), which is what the manifest records.
    struct Found: Sendable {
        var path: String
        var display: String
    }

    /// The clips named by `inputs`: files as given, folders walked for video files (hidden files and
    /// the site itself skipped), each clip once.
    static func discover(inputs: [String], excluding site: String) throws -> [Found] {
        var clips: [Found] = []
        var seen: Set<String> = []
        let manager = FileManager.default
        for input in inputs {
            let path = absolute(input)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw GalleryError.input(input, "no such file or folder")
            }
            if !isDirectory.boolValue {
                if seen.insert(path).inserted { clips.append(Found(path: path, display: name(path))) }
                continue
            }
            let folderName = path == "/" ? "" : name(path) + "/"
            guard let walker = manager.enumerator(atPath: path) else { throw GalleryError.input(input, "cannot list the folder") }
            var found: [String] = []
            while let relative = walker.nextObject() as? String {
                let full = path + "/" + relative
                let name = (relative as NSString).lastPathComponent
                if name.hasPrefix(".") || full == site || full.hasPrefix(site + "/") {
                    walker.skipDescendants()
                    continue
                }
                if videoExtensions.contains((name as NSString).pathExtension.lowercased()) { found.append(full) }
            }
            for clip in found.sorted() where seen.insert(clip).inserted {
                clips.append(Found(path: clip, display: folderName + String(clip.dropFirst(path.count + 1))))
            }
        }
        return clips
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    static func name(_ path: String) -> String { (path as NSString).lastPathComponent }

    private static func makeDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw GalleryError.site(path, "cannot create the folder")
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
