import ArgumentParser
import ClipPipeline
import Foundation

struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the journal: runs, segments, task ids, states and timings.",
        subcommands: [List.self, Show.self, Resume.self, Resolve.self])

    struct Location: ParsableArguments {
        @Option(help: "The work directory holding journal.sqlite (default: ./.clipkit).")
        var workDir: String = ".clipkit"

        func open() throws -> SQLiteJournal {
            let path = (workDir as NSString).appendingPathComponent("journal.sqlite")
            guard FileManager.default.fileExists(atPath: path) else { throw PipelineError("\(path): no journal here (use --work-dir)") }
            return try SQLiteJournal(path: path)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs.")
        @OptionGroup var location: Location
        @Flag var json = false

        func run() async throws {
            try await reportingErrors {
                let runs = try await location.open().runs()
                if json { try Output.json(runs); return }
                for run in runs {
                    Output.line("\(run.id)  \(run.kind)  \(run.provider)  \(run.state.rawValue)  \(run.output)\(run.message.map { "  — \($0)" } ?? "")")
                }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one run's attempts and steps.")
        @OptionGroup var location: Location
        @Argument var id: String
        @Flag var json = false

        func run() async throws {
            try await reportingErrors {
                let journal = try location.open()
                guard let run = try await journal.run(id: id) else { throw PipelineError("no run \(id) in the journal") }
                let attempts = try await journal.attempts(runID: id)
                if json {
                    struct Shown: Encodable { var run: JournalRun; var attempts: [JournalAttempt]; var events: [JournalEvent] }
                    try Output.json(Shown(run: run, attempts: attempts, events: try await journal.events(runID: id)))
                    return
                }
                Output.line("\(run.id)  \(run.kind)  \(run.provider)  \(run.state.rawValue)  -> \(run.output)")
                for a in attempts {
                    var line = "  segment \(a.segment + 1) attempt \(a.attempt + 1): \(a.step.rawValue)  task \(a.taskID ?? "-")"
                    if let verdict = a.verdict { line += "  QA \(verdict)" }
                    if let seconds = a.generationSeconds { line += String(format: "  %.1f s", seconds) }
                    if let failure = a.failure { line += "  — \(failure)" }
                    Output.line(line)
                }
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Continue a run from its journal: its provider, base URL, model and requests come from the journal; submitted tasks are polled, never submitted again.")
        @OptionGroup var location: Location
        @OptionGroup var hosting: HostingOptions
        @Argument var id: String

        @Option(help: "API key (else the provider's *_API_KEY variable or the config file). Never logged.")
        var apiKey: String?

        @Option(help: "Configuration file (JSON) with keys.")
        var config: String?

        @Option(help: "Refused: a run's provider is fixed by its journal.")
        var provider: String?

        @Option(help: "Refused: a run's base URL is fixed by its journal.")
        var baseURL: String?

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() async throws {
            try await reportingErrors {
                let journal = try location.open()
                guard let run = try await journal.run(id: id) else { throw PipelineError("no run \(id) in the journal") }
                let plan = try JSONDecoder().decode(ChainPlan.self, from: Data(run.plan.utf8))
                if let provider, provider != plan.provider.rawValue {
                    throw PipelineError(
                        "--provider \(provider): run \(id) was paid for on \(plan.provider.rawValue); resuming elsewhere would submit new tasks. Leave --provider out")
                }
                if let baseURL, baseURL != run.baseURL {
                    throw PipelineError("--base-url: run \(id)'s tasks live at \(run.baseURL ?? "the provider's default URL"); leave --base-url out")
                }
                guard let recorded = run.baseURL else { throw PipelineError("run \(id) has no recorded base URL (made by an older ClipKit)") }
                let configuration = try ProviderOptions.configuration(
                    plan.provider, apiKey: apiKey, baseURL: recorded,
                    uploadBaseURL: ProcessInfo.processInfo.environment["CLIPKIT_PIAPI_UPLOAD_BASE_URL"], config: config)
                let logger = pipelineLogger()
                let session = try await PipelineSession.open(
                    configuration: configuration, hosting: try hosting.settings(webhooks: false),
                    workDirectory: location.workDir, logger: logger, report: reportProgress)
                do {
                    let chain = try await session.prepare(plan)
                    let result = try await session.run(chain)
                    await session.close()
                    if json { try Output.json(result) } else { ChainCommand.print(result) }
                } catch {
                    await session.close()
                    throw error
                }
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle a segment whose submit has an unknown outcome: adopt the task you found on the provider's dashboard, or pay again knowingly.")
        @OptionGroup var location: Location
        @Argument var id: String

        @Option(help: "The segment (1-based) to settle.")
        var segment: Int

        @Option(help: "The provider's id of the task this submit created: it is polled and downloaded, not paid again.")
        var taskID: String?

        @Flag(help: "No task was created (or you accept paying twice): the next run submits this segment again.")
        var resubmit = false

        func validate() throws {
            if (taskID == nil) == !resubmit { throw ValidationError("give exactly one of --task-id ID or --resubmit") }
            if segment < 1 { throw ValidationError("--segment is 1-based") }
        }

        func run() async throws {
            try await reportingErrors {
                let journal = try location.open()
                guard var run = try await journal.run(id: id) else { throw PipelineError("no run \(id) in the journal") }
                let attempts = try await journal.attempts(runID: id).filter { $0.segment == segment - 1 }
                guard var attempt = attempts.last(where: { $0.step == .submitting }) else {
                    throw PipelineError("run \(id), segment \(segment): no submit with an unknown outcome to settle")
                }
                if let taskID {
                    attempt.taskID = taskID
                    attempt.step = .submitted
                    attempt.failure = nil
                    try await journal.save(attempt)
                    try await journal.record(JournalEvent(runID: id, segment: attempt.segment, attempt: attempt.attempt, step: "resolved", detail: "adopted task \(taskID)"))
                    Output.line("run \(id), segment \(segment): adopted task \(taskID); rerun the command (or `clipkit jobs resume \(id)`) to continue")
                } else {
                    attempt.step = .failed
                    attempt.failure = "submit outcome unknown; resubmitted knowingly"
                    try await journal.save(attempt)
                    try await journal.record(JournalEvent(runID: id, segment: attempt.segment, attempt: attempt.attempt, step: "resolved", detail: "resubmit"))
                    Output.line("run \(id), segment \(segment): will be submitted again (a new paid task) on the next run")
                }
                run.state = .failed
                run.message = "settled by a person; rerun to continue"
                try await journal.save(run)
            }
        }
    }
}
