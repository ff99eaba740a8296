import ArgumentParser
import ClipMedia
import ClipPipeline
import Foundation
import Logging

struct Gallery: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build a static gallery site (posters, scrubbing sprites, previews, QA badges) from folders of clips.",
        discussion: """
            Writes SITE/index.html (open it from disk, or serve it with `clipkit serve --gallery SITE`), \
            SITE/manifest.json, each clip's pictures under SITE/clips/, and links the clips into SITE/media/ \
            (hard links; symbolic links when SITE is on another file system). Run it again after a batch: \
            clips whose content and settings are unchanged are not processed again, and removed clips leave the site. \
            Every card carries a QA verdict: from the clip's NAME.clip.json sidecar, else checked against --preset, \
            else the 'default' preset ('unchecked' only with --no-check). A chain's output (its sidecar lists \
            segments) gets a chapters track, its seams as before/after pictures and each segment's prompt, provider, \
            task id and cost. Beside each sprite sheet: sprite.vtt (WebVTT thumbnails) and storyboard.json.
            """)

    @Argument(help: "Clip files or folders (walked for .mp4 .m4v .mov .mkv .webm).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The site folder to write (created if needed).")
    var output: String

    @Option(help: "Clips processed at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "QA preset the verdicts are checked against (a name in presets/ or a path; default: the sidecar's, else 'default').")
    var preset: String?

    @Flag(help: "Do not check clips without a sidecar verdict (their cards say 'unchecked').")
    var noCheck = false

    @Option(help: "Poster widths in pixels, comma-separated.")
    var posterWidths: String = "640,320"

    @Option(help: "Animated preview width in pixels.")
    var previewWidth: Int = 320

    @Option(help: "Sprite tile width in pixels.")
    var tileWidth: Int = 160

    @Flag(help: "Print the build report as JSON.")
    var json = false

    @Flag(name: .shortAndLong, help: "Log each clip.")
    var verbose = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one clip or folder") }
        guard (1...64).contains(jobs) else { throw ValidationError("--jobs must be 1-64") }
        if widths == nil { throw ValidationError("--poster-widths takes comma-separated pixel widths, e.g. 640,320") }
        for input in inputs where !FileManager.default.fileExists(atPath: input) {
            throw ValidationError("\(input): no such file or folder")
        }
    }

    var widths: [Int]? {
        let values = posterWidths.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0! >= 16 }) else { return nil }
        return values.map { $0! }
    }

    func run() async throws {
        try await reportingErrors {
            try OutputLocation.check(directory: output)
            var logger = Logger(label: "clipkit.gallery") { StreamLogHandler.standardError(label: $0) }
            logger.logLevel = verbose ? .debug : .warning
            var assets = GalleryAssetSettings()
            assets.posterWidths = widths!
            assets.previewWidth = previewWidth
            assets.spriteTileWidth = tileWidth
            var check: GalleryPresetCheck?
            if !noCheck {
                let library = PresetLibrary.standard()
                var chosen: Preset?
                if let preset {
                    do {
                        chosen = try library.load(preset)
                    } catch {
                        throw ValidationError("\(error)")
                    }
                }
                check = GalleryPresetCheck(library: library, preset: chosen, threads: jobs > 1 ? 1 : 0)
            }
            var builder = GalleryBuilder(
                inputs: inputs, site: output, settings: GallerySettings(assets: assets, preset: preset, check: !noCheck),
                jobs: jobs, qualityCheck: check, logger: logger)
            let progress = ProgressLine("gallery", total: 0)
            builder.progress = { done, total, name in progress.advance(done: done, total: total, item: name) }
            let report = try await builder.build()
            progress.finish()
            if json {
                try Output.json(Summary(report: report, site: output))
            } else {
                Output.line(
                    String(
                        format: "%@/index.html: %d clips (%d rendered, %d unchanged, %d removed, %d with errors) in %.2f s",
                        output, report.manifest.clips.count, report.rendered, report.reused, report.removed, report.failed,
                        report.seconds))
                let v = Summary(report: report, site: output).verdicts
                Output.line("verdicts: \(v.pass) pass, \(v.warn) warn, \(v.fail) fail, \(v.unchecked) unchecked")
                for entry in report.manifest.clips where entry.status == .error {
                    Output.warning("\(entry.source): \(entry.error ?? "cannot be processed")")
                }
            }
        }
    }

    struct Summary: Encodable {
        var site: String
        var clips: Int
        var rendered: Int
        var reused: Int
        var removed: Int
        var failed: Int
        var seconds: Double
        /// The clips that got an error card (a list, not an object keyed by path: see ``Output/encoder``).
        var errors: [ClipError]
        var verdicts: Verdicts

        struct ClipError: Encodable {
            var source: String
            var error: String
        }

        struct Verdicts: Encodable {
            var pass = 0
            var warn = 0
            var fail = 0
            var unchecked = 0
        }

        init(report: GalleryBuildReport, site: String) {
            self.site = site
            clips = report.manifest.clips.count
            rendered = report.rendered
            reused = report.reused
            removed = report.removed
            failed = report.failed
            seconds = (report.seconds * 1000).rounded() / 1000
            errors = report.manifest.clips.filter { $0.status == .error }.map { ClipError(source: $0.source, error: $0.error ?? "") }
            verdicts = Verdicts()
            for clip in report.manifest.clips {
                switch clip.qa?.verdict {
                case .pass: verdicts.pass += 1
                case .warn: verdicts.warn += 1
                case .fail: verdicts.fail += 1
                case nil: verdicts.unchecked += 1
                }
            }
        }
    }
}
