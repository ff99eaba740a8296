import ArgumentParser
import ClipMedia
import ClipPipeline
import ClipProviders
import Foundation
import Logging

/// Options a generation request is built from. Unset values are filled from the preset, else from the
/// provider's documented defaults, explicitly, before anything is sent.
struct RequestOptions: ParsableArguments {
    @Option(help: "Clip length in seconds (Ray 2: 5 or 9; PiAPI 5 or 10; KKIAI 5).")
    var duration: Int?

    @Option(help: "Aspect ratio, e.g. 16:9, 9:16, 1:1 (KKIAI: the start image's shape by default).")
    var aspect: String?

    @Option(help: "540p, 720p or 1080p, where the provider takes it (default: the provider's documented default).")
    var resolution: String?

    @Flag(help: "Ask for a looping clip.")
    var loop = false

    @Option(help: "Model id (default: the provider's Ray 2 model for text or for images).")
    var model: String?

    @Flag(help: "Let the provider rewrite or translate the prompt (KKIAI expand_prompt, Pixwith prompt_optimization).")
    var enhancePrompt = false

    @Option(help: "A preset from presets/ (or a path): its request values fill what the flags leave unset.")
    var preset: String?

    @Option(help: "Start image: a PNG/JPEG/WebP file or an http(s) URL.")
    var startImage: String?

    @Option(help: "End image: a file or URL.")
    var endImage: String?

    /// A local path made absolute (the journal outlives the working directory); URLs as they are.
    static func reference(_ text: String?) -> String? {
        text.map { ChainPlanner.isURL($0) ? $0 : URL(fileURLWithPath: $0).standardizedFileURL.path }
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
                kind: .generate, prompts: [prompt], segments: 1, output: output, workDir: workDir,
                providerOptions: providerOptions, requestOptions: requestOptions, hosting: hosting,
                maxRetries: 0, mode: .lastFrame, seam: .drop, colorMatch: .none, webhookURL: webhookURL)
            if json { try Output.json(result) } else { ChainCommand.print(result) }
            if result.segments.contains(where: { $0.verdict == "fail" }) { throw ExitCode.failure }
        }
    }
}

/// What `generate` and `extend` share: build the plan, open a session, prove the plan, run it, print.
enum ChainCommand {
    static func run(
        kind: ChainPlan.Kind, prompts: [String], segments: Int, output: String, workDir: String?,
        providerOptions: ProviderOptions, requestOptions: RequestOptions, hosting: HostingOptions,
        maxRetries: Int, mode: ChainPlan.Mode, seam: SeamMode, colorMatch: ColorMatchMode, webhookURL: String?
    ) async throws -> ChainResult {
        let output = URL(fileURLWithPath: output).standardizedFileURL.path
        let directory = (output as NSString).deletingLastPathComponent
        let workDirectory = workDir.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? (directory as NSString).appendingPathComponent(".clipkit")
        let plan = ChainPlan(
            kind: kind, provider: providerOptions.kind, prompts: prompts, segments: segments,
            duration: requestOptions.duration, aspectRatio: requestOptions.aspect, resolution: requestOptions.resolution,
            loop: requestOptions.loop, model: requestOptions.model, enhancePrompt: requestOptions.enhancePrompt,
            startImage: RequestOptions.reference(requestOptions.startImage),
            endImage: RequestOptions.reference(requestOptions.endImage), output: output, maxRetries: maxRetries,
            mode: mode, seam: seam, colorMatch: colorMatch, preset: requestOptions.preset)
        try PipelineSession.requireOutputLocation(output)
        let logger = pipelineLogger()
        let settings = try hosting.settings(webhooks: webhookURL != nil, webhookURL: webhookURL)
        let (configuration, sandbox) = try await providerOptions.configuration(logger: logger)
        do {
            let session = try await PipelineSession.open(
                configuration: configuration, hosting: settings, workDirectory: workDirectory, fastPolling: sandbox != nil,
                logger: logger, report: reportProgress)
            do {
                let chain = try await session.prepare(plan)
                let result = try await session.run(chain)
                await session.close()
                await sandbox?.stop()
                return result
            } catch {
                await session.close()
                throw error
            }
        } catch {
            await sandbox?.stop()
            throw error
        }
    }

    static func print(_ result: ChainResult) {
        if result.alreadyDone == true { Output.line("run \(result.runID) finished earlier; nothing was submitted") }
        for segment in result.segments {
            var line = "segment \(segment.segment): task \(segment.taskID ?? "?")  QA \(segment.verdict ?? "?")"
            if segment.attempts > 1 { line += "  (\(segment.attempts) attempts)" }
            if let seconds = segment.generationSeconds { line += String(format: "  generated in %.1f s", seconds) }
            if let psnr = segment.seamPSNR {
                line += String(format: "  seam to next: %.1f dB", psnr)
                if let corrected = segment.seamPSNRCorrected { line += String(format: " (%.1f dB corrected)", corrected) }
            }
            if let source = segment.expectationSource { line += "  checked against \(source)" }
            Output.line(line)
        }
        for segment in result.segments.dropFirst() {
            guard let before = segment.driftBefore else { continue }
            var line = String(format: "drift of segment %d from the first: luma %+.1f, contrast x%.2f, saturation x%.2f",
                segment.segment, before.lumaOffset, before.contrastRatio, before.saturationRatio)
            if let after = segment.driftAfter, after != before {
                line += String(format: "; in the output: luma %+.1f, contrast x%.2f, saturation x%.2f",
                    after.lumaOffset, after.contrastRatio, after.saturationRatio)
            }
            Output.line(line)
        }
        Output.line("\(result.output)  \(result.frameCount.map { "\($0) frames" } ?? "")  \(Human.seconds(result.durationSeconds))")
    }
}
