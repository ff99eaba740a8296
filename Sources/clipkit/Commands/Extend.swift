import ArgumentParser
import ClipMedia
import ClipPipeline
import Foundation

struct Extend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Chain clips through their exact last frames into one long sequence, resumable, joined without a repeated frame.",
        discussion: """
            Segment k+1 starts from segment k's exact last frame (lossless PNG). Each segment is generated, \
            downloaded and checked; failures are retried up to --max-retries. Every step is journalled in \
            --work-dir first: rerun the same command after a crash to resume without submitting any task twice.
            """)

    @OptionGroup var providerOptions: ProviderOptions
    @OptionGroup var requestOptions: RequestOptions
    @OptionGroup var hosting: HostingOptions

    @Option(parsing: .singleValue, help: "A prompt; repeat for one per segment (the last one repeats).")
    var prompt: [String] = []

    @Option(help: "A text file with one prompt per line.")
    var promptsFile: String?

    @Option(help: "Number of segments (default: the number of prompts).")
    var segments: Int?

    @Option(name: .shortAndLong, help: "The joined output (.mp4).")
    var output: String

    @Option(help: "Where the journal, segments and frames go (default: .clipkit beside the output).")
    var workDir: String?

    @Option(help: "Attempts per segment beyond the first when the task fails or the clip fails QA.")
    var maxRetries: Int = 2

    @Option(help: "last-frame (any provider) or native (the provider's own extend: Luma, KKIAI).")
    var mode: ChainPlan.Mode = .lastFrame

    @Option(help: "drop (remove the repeated first frame of each continuation), keep, or crossfade=SECONDS.")
    var seam: SeamMode = .drop

    @Option(help: "none, or first: correct each continuation's colours towards the first segment.")
    var colorMatch: ColorMatchMode = .none

    @Flag(help: "Print the per-segment report as JSON.")
    var json = false

    func validate() throws {
        if prompt.isEmpty && promptsFile == nil { throw ValidationError("give at least one --prompt or --prompts-file") }
        if let segments, !(1...100).contains(segments) { throw ValidationError("--segments must be 1-100") }
        guard (0...10).contains(maxRetries) else { throw ValidationError("--max-retries must be 0-10") }
    }

    func run() async throws {
        try await reportingErrors {
            var prompts = prompt
            if let file = promptsFile {
                guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { throw PipelineError("\(file): cannot read the prompts file") }
                prompts += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            }
            guard !prompts.isEmpty else { throw PipelineError("no prompts") }
            let result = try await ChainCommand.run(
                kind: .extend, prompts: prompts, segments: segments ?? prompts.count, output: output, workDir: workDir,
                providerOptions: providerOptions, requestOptions: requestOptions, hosting: hosting,
                maxRetries: maxRetries, mode: mode, seam: seam, colorMatch: colorMatch, webhookURL: nil)
            if json { try Output.json(result) } else { ChainCommand.print(result) }
        }
    }
}

extension ChainPlan.Mode: ExpressibleByArgument {}
