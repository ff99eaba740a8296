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
            clips whose content and settings are unchanged are not processed again, and removed clips leave the site.
            """)

    @Argument(help: "Clip files or folders (walked for .mp4 .m4v .mov .mkv .webm).")
    var inputs: [String]

    @Option(name: .shortAndLong, help: "The site folder to write (created if needed).")
    var output: String

    @Option(help: "Clips processed at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "QA preset the verdicts are checked against (a name in presets/ or a path).")
    var preset: String?

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
            let builder = GalleryBuilder(
                inputs: inputs, site: output, settings: GallerySettings(assets: assets, preset: preset), jobs: jobs,
                qualityCheck: nil, logger: logger)
            let report = try await builder.build()
            if json {
                try Output.json(Summary(report: report, site: output))
            } else {
                Output.line(
                    String(
                        format: "%@/index.html: %d clips (%d rendered, %d unchanged, %d removed, %d with errors) in %.2f s",
                        output, report.manifest.clips.count, report.rendered, report.reused, report.removed, report.failed,
                        report.seconds))
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
        var errors: [String: String]

        init(report: GalleryBuildReport, site: String) {
            self.site = site
            clips = report.manifest.clips.count
            rendered = report.rendered
            reused = report.reused
            removed = report.removed
            failed = report.failed
            seconds = (report.seconds * 1000).rounded() / 1000
            errors = Dictionary(
                report.manifest.clips.filter { $0.status == .error }.map { ($0.source, $0.error ?? "") },
                uniquingKeysWith: { a, _ in a })
        }
    }
}
