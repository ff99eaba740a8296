import ArgumentParser
import ClipPipeline
import Foundation

struct Jobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the journal: runs, segments, task ids, states and timings.",
        subcommands: [List.self, Show.self, Resume.self])

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
            abstract: "Continue a run from its journal (polls submitted tasks; never submits them again).")
        @OptionGroup var location: Location
        @OptionGroup var providerOptions: ProviderOptions
        @OptionGroup var hosting: HostingOptions
        @Argument var id: String

        func run() async throws {
            try await reportingErrors {
                let journal = try location.open()
                guard let run = try await journal.run(id: id) else { throw PipelineError("no run \(id) in the journal") }
                let plan = try JSONDecoder().decode(ChainPlan.self, from: Data(run.plan.utf8))
                let session = try await PipelineSession.open(
                    providerOptions: providerOptions, hosting: hosting, workDirectory: location.workDir, plan: plan,
                    webhookURL: nil, logger: .init(label: "clipkit"))
                do {
                    let result = try await session.engine.run(plan)
                    try await ChainCommand.writeRecord(result: result, plan: plan, journal: session.journal)
                    await session.close()
                    ChainCommand.print(result)
                } catch {
                    await session.close()
                    throw error
                }
            }
        }
    }
}
