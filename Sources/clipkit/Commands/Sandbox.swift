import ArgumentParser
import ClipSandbox
import Dispatch
import Foundation
import Logging

/// `clipkit sandbox`: runs the local provider sandbox in the foreground until Ctrl-C.
struct Sandbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a local server that speaks the PiAPI, KKIAI, Pixwith and Luma APIs and renders real clips.",
        discussion: """
            Prints its base URL and one line per provider to paste into a shell. Faults come from --faults
            and the CLIPKIT_SANDBOX_FAULTS environment variable (both are added), e.g.
            rate-limit-create:1,fail-task:1,cut-download:1,expire-link:1,wrong-duration:1,
            delay-create-answer:1 (the task is created, its answer held for --create-answer-delay seconds),
            insufficient-credits:1 (PiAPI's envelope with a non-200 code), and can be added at run time with
            POST /_sandbox/faults. GET /_sandbox/tasks lists every task, GET /_sandbox/creates every create
            call with its body as received. Each generation from a start image darkens and flattens by
            --drift, as generators do (0 disables).
            """
    )

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: Int = 0

    @Option(help: "The address to bind.")
    var host: String = "127.0.0.1"

    @Option(help: "Seconds a task spends queued, then running.")
    var delay: Double = 1

    @Option(help: "Faults to inject, each for the next N times: name:N,...")
    var faults: String?

    @Option(help: "Scale of the rendered clips, in (0, 1].")
    var scale: Double = 1

    @Option(help: "The API key every provider route accepts.")
    var apiKey: String = SandboxConfiguration.defaultAPIKey

    @Option(help: "Fraction each generation from a start image darkens and flattens (luma, contrast, saturation), in [0, 1).")
    var drift: Double = GenerationDrift.default.luma

    @Option(help: "Seconds a create's answer is held back when a delay-create-answer fault fires.")
    var createAnswerDelay: Double = 30

    @Option(help: "KKIAI's answer family: generation, task-status or merged.")
    var kkiaiAnswers: String = KKIAIAnswerFamily.generation.rawValue

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be in 0...65535, got \(port)") }
        guard delay >= 0, delay.isFinite else { throw ValidationError("--delay must be ≥ 0 seconds, got \(delay)") }
        guard scale > 0, scale <= 1 else { throw ValidationError("--scale must be in (0, 1], got \(scale)") }
        guard !apiKey.isEmpty else { throw ValidationError("--api-key must not be empty") }
        guard drift >= 0, drift < 1 else { throw ValidationError("--drift must be in [0, 1), got \(drift)") }
        guard createAnswerDelay >= 0, createAnswerDelay.isFinite else {
            throw ValidationError("--create-answer-delay must be ≥ 0 seconds, got \(createAnswerDelay)")
        }
        guard KKIAIAnswerFamily(rawValue: kkiaiAnswers) != nil else {
            let known = KKIAIAnswerFamily.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--kkiai-answers must be one of \(known), got '\(kkiaiAnswers)'")
        }
        do {
            _ = try Self.faults(flag: faults)
        } catch let error as SandboxError {
            throw ValidationError(error.message)
        }
    }

    /// The faults of `CLIPKIT_SANDBOX_FAULTS` plus those of the flag.
    static func faults(flag: String?) throws -> SandboxFaults {
        var counts = try SandboxFaults(spec: ProcessInfo.processInfo.environment["CLIPKIT_SANDBOX_FAULTS"] ?? "").counts
        for (fault, count) in try SandboxFaults(spec: flag ?? "").counts { counts[fault, default: 0] += count }
        return SandboxFaults(counts)
    }

    func run() async throws {
        // Logs go to stderr, so stdout carries only the lines meant for a shell.
        var logger = Logger(label: "clipkit.sandbox") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .info
        let configuration = SandboxConfiguration(
            host: host, port: port, stepDelay: delay, faults: try Self.faults(flag: faults), renderScale: scale,
            apiKey: apiKey, drift: .uniform(drift), createAnswerDelay: createAnswerDelay,
            kkiaiAnswers: KKIAIAnswerFamily(rawValue: kkiaiAnswers) ?? .generation
        )
        let server: SandboxServer
        do {
            server = try await SandboxServer.start(configuration, logger: logger)
        } catch let error as SandboxError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
        print("ClipKit sandbox listening on \(server.baseURL) (files in \(server.storageDirectory.path))")
        for provider in SandboxProvider.allCases {
            print(
                "export \(provider.baseURLEnvironmentVariable)=\(server.baseURL(for: provider)) \(provider.apiKeyEnvironmentVariable)=\(apiKey)"
            )
        }
        if !configuration.faults.counts.isEmpty { print("faults armed: \(configuration.faults)") }
        print("Press Ctrl-C to stop.")
        fflush(nil)  // all output streams, so a pipe sees the URL lines at once

        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { Task { await server.stop() } }
            source.resume()
            return source
        }
        defer { for source in sources { source.cancel() } }
        try await server.run()
        print("sandbox stopped")
    }
}
