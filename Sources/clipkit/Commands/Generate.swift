import ArgumentParser
import ClipMedia
import ClipPipeline
import ClipProviders
import Foundation
import Logging

/// Options a generation request is built from.
struct RequestOptions: ParsableArguments {
    @Option(help: "Clip length in seconds (Ray 2: 5 or 9; PiAPI 5 or 10).")
    var duration: Int?

    @Option(help: "Aspect ratio, e.g. 16:9, 9:16, 1:1.")
    var aspect: String?

    @Option(help: "540p, 720p or 1080p, where the provider takes it.")
    var resolution: String?

    @Flag(help: "Ask for a looping clip.")
    var loop = false

    @Option(help: "Model name (default: the provider's Ray 2 name).")
    var model: String?

    @Option(help: "A preset from presets/ (or a path): request parameters and QA expectations.")
    var preset: String?

    @Option(help: "Start image: a PNG/JPEG/WebP file or an http(s) URL.")
    var startImage: String?

    @Option(help: "End image: a file or URL.")
    var endImage: String?

    /// The request parameters, from flags first, then the preset.
    func resolved() throws -> (duration: Int, aspect: String, resolution: String?, model: String?, preset: String?) {
        var preset: Preset?
        if let name = self.preset { preset = try PresetLibrary.standard().load(name) }
        let request = preset?.request
        return (
            duration ?? request?.durationSeconds.map { Int($0) } ?? 5,
            aspect ?? request?.aspectRatio ?? "16:9",
            resolution ?? request?.resolution,
            model ?? request?.model,
            preset?.name
        )
    }
}

struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate one clip: submit, wait, download, check, and write OUT.clip.json beside it.",
        discussion: "With --provider sandbox (the default) everything runs on loopback with no key. The task is journalled in --work-dir before anything else happens; rerun the same command to resume.")

    @OptionGroup var providerOptions: ProviderOptions
    @OptionGroup var requestOptions: RequestOptions
    @OptionGroup var hosting: HostingOptions

    @Option(help: "The prompt.")
    var prompt: String

    @Option(name: .shortAndLong, help: "Output clip (.mp4).")
    var output: String

    @Option(help: "Where the journal and intermediate files go (default: .clipkit beside the output).")
    var workDir: String?

    @Option(help: "A webhook base URL that reaches ClipKit's server (a tunnel); polling stays the fallback.")
    var webhookURL: String?

    @Flag(help: "Print the result as JSON.")
    var json = false

    func run() async throws {
        try await reportingErrors {
            let result = try await ChainCommand.run(
                kind: "generate", prompts: [prompt], segments: 1, output: output, workDir: workDir,
                providerOptions: providerOptions, requestOptions: requestOptions, hosting: hosting,
                maxRetries: 0, mode: .lastFrame, seam: "drop", colorMatch: "none", webhookURL: webhookURL)
            if json { try Output.json(result) } else { ChainCommand.print(result) }
            if result.segments.contains(where: { $0.verdict == "fail" }) { throw ExitCode.failure }
        }
    }
}

/// What `generate` and `extend` share: set up, run the chain engine, write the sidecar, tear down.
enum ChainCommand {
    static func run(
        kind: String, prompts: [String], segments: Int, output: String, workDir: String?,
        providerOptions: ProviderOptions, requestOptions: RequestOptions, hosting: HostingOptions,
        maxRetries: Int, mode: ChainPlan.Mode, seam: String, colorMatch: String, webhookURL: String?
    ) async throws -> ChainResult {
        let output = URL(fileURLWithPath: output).standardizedFileURL.path
        let directory = (output as NSString).deletingLastPathComponent
        guard FileManager.default.fileExists(atPath: directory) else { throw PipelineError("\(directory): no such directory for the output") }
        let workDirectory = workDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? (directory as NSString).appendingPathComponent(".clipkit")
        let parameters = try requestOptions.resolved()
        let startImage = requestOptions.startImage.map { $0.hasPrefix("http") ? $0 : URL(fileURLWithPath: $0).standardizedFileURL.path }
        let endImage = requestOptions.endImage.map { $0.hasPrefix("http") ? $0 : URL(fileURLWithPath: $0).standardizedFileURL.path }
        let plan = ChainPlan(
            kind: kind, provider: providerOptions.kind, prompts: prompts, segments: segments, duration: parameters.duration,
            aspectRatio: parameters.aspect, resolution: parameters.resolution, loop: requestOptions.loop, model: parameters.model,
            startImage: startImage, endImage: endImage, output: output, maxRetries: maxRetries, mode: mode, seam: seam,
            colorMatch: colorMatch, preset: parameters.preset)
        var logger = Logger(label: "clipkit")
        logger.logLevel = ProcessInfo.processInfo.environment["CLIPKIT_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .warning
        let session = try await PipelineSession.open(
            providerOptions: providerOptions, hosting: hosting, workDirectory: workDirectory, plan: plan,
            webhookURL: webhookURL, logger: logger)
        do {
            let result = try await session.engine.run(plan)
            try await writeRecord(result: result, plan: plan, journal: session.journal)
            await session.close()
            return result
        } catch {
            await session.close()
            throw error
        }
    }

    /// The output's sidecar: the request, the tasks, timings, provider URLs, probe and QA.
    static func writeRecord(result: ChainResult, plan: ChainPlan, journal: SQLiteJournal) async throws {
        var record = ClipRecord(plan: plan, segmentPrompt: nil, joined: plan.segments > 1)
        record.taskID = result.segments.last?.taskID
        let attempts = try await journal.attempts(runID: result.runID)
        let events = try await journal.events(runID: result.runID)
        if let last = attempts.last(where: { $0.step >= .checked && $0.step != .failed }) {
            if let urls = events.last(where: { $0.step == "completed" && $0.segment == last.segment && $0.attempt == last.attempt })?.detail {
                record.providerURLs = try? JSONDecoder().decode([String: String].self, from: Data(urls.utf8))
            }
            record.timings = last.generationSeconds.map { ["generation_s": $0] }
        }
        record.probe = try? MediaProbe.probe(path: plan.output)
        if plan.segments == 1, let report = attempts.last?.report {
            record.qa = try? JSONDecoder().decode(ValidationReport.self, from: Data(report.utf8))
        } else {
            let library = PresetLibrary.standard()
            record.seamFrames = result.seamFrames
            try record.write(beside: plan.output)
            let expectations = ExpectationPlanner(library: library).plan(for: plan.output).expectations
            record.qa = SeamCheck.adding(to: ClipValidator(expectations: expectations).validate(path: plan.output))
        }
        try record.write(beside: plan.output)
    }

    static func print(_ result: ChainResult) {
        for segment in result.segments {
            var line = "segment \(segment.segment): task \(segment.taskID ?? "?")  QA \(segment.verdict ?? "?")"
            if segment.attempts > 1 { line += "  (\(segment.attempts) attempts)" }
            if let seconds = segment.generationSeconds { line += String(format: "  generated in %.1f s", seconds) }
            if let psnr = segment.seamPSNR { line += String(format: "  seam to next: %.1f dB", psnr) }
            Output.line(line)
        }
        if let seams = result.seams {
            for drift in seams.segments.dropFirst() {
                Output.line(String(format: "drift of segment %d from the first: luma %+.1f, contrast x%.2f, saturation x%.2f",
                    drift.segment + 1, drift.drift.yMean, drift.drift.contrast, drift.drift.saturation))
            }
        }
        Output.line("\(result.output)  \(result.frameCount.map { "\($0) frames" } ?? "")  \(Human.seconds(result.durationSeconds))")
    }
}
