import ArgumentParser
import ClipMedia
import ClipPipeline
import Foundation

struct Check: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check that clips are what was asked for: readable, fully decodable, the right length, shape, "
            + "size, rate and codec, with no black or frozen stretch.",
        discussion: """
            Expectations come from --expect-* flags, then --preset, then the clip's NAME.clip.json sidecar \
            (its preset or its request), then the 'default' preset. Presets are looked up in $CLIPKIT_PRESETS, \
            ./presets and the repository's presets/ directory. Exit status: 0 when no clip failed, 1 when any \
            clip failed (an unreadable file is a failed clip), 64 for usage errors.
            """)

    static let videoExtensions: Set<String> = ["mp4", "mov", "m4v", "webm", "mkv"]

    @Argument(help: "Video files, or directories to walk for .mp4 .mov .m4v .webm .mkv files.")
    var paths: [String]

    @Option(help: "A preset name (see presets/) or the path of a preset JSON file.")
    var preset: String?

    @Option(name: .customLong("expect-duration"), help: "Expected duration in seconds (tolerance from the preset, else 0.1 s).")
    var expectDuration: Double?

    @Option(name: .customLong("expect-aspect"), help: "Expected display aspect ratio, W:H (e.g. 16:9).")
    var expectAspect: String?

    @Option(name: .customLong("expect-resolution"), help: "Expected resolution: a class (540p, 720p, 1080p) or WxH.")
    var expectResolution: String?

    @Option(name: .customLong("expect-fps"), help: "Expected frame rate.")
    var expectFPS: Double?

    @Option(help: "Clips validated at once (default: the number of cores).")
    var jobs: Int?

    @Flag(help: "Print a JSON report: {clips: [...], summary: {pass, warn, fail}}.")
    var json = false

    @Option(help: "Also write a JUnit XML report to this path.")
    var junit: String?

    func validate() throws {
        if let expectDuration, !(expectDuration > 0) { throw ValidationError("--expect-duration must be a positive number of seconds") }
        if let expectFPS, !(expectFPS > 0) { throw ValidationError("--expect-fps must be positive") }
        if let expectAspect, Ratio(parsing: expectAspect) == nil {
            throw ValidationError("--expect-aspect '\(expectAspect)' is not a ratio such as 16:9")
        }
        if let expectResolution, ResolutionExpectation(parsing: expectResolution) == nil {
            throw ValidationError("--expect-resolution '\(expectResolution)' is not a class (720p) or a size (1280x720)")
        }
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1") }
    }

    func run() async throws {
        let library = PresetLibrary.standard()
        var chosen: Preset?
        if let preset {
            do {
                chosen = try library.load(preset)
            } catch {
                throw ValidationError(error.description)
            }
        }
        let overrides = ExpectationPlanner.Overrides(
            durationSeconds: expectDuration, aspect: expectAspect.flatMap(Ratio.init(parsing:)),
            resolution: expectResolution.flatMap { ResolutionExpectation(parsing: $0) }, fps: expectFPS)
        let planner = ExpectationPlanner(library: library, preset: chosen, overrides: overrides)

        if let junit {
            do {
                try OutputLocation.check(file: junit, inputs: paths)
            } catch {
                Output.error(error.description)
                throw ExitCode.failure
            }
        }
        let clips = try collectClips()
        let plans = clips.map { planner.plan(for: $0) }
        for plan in plans { plan.warnings.forEach(Output.warning) }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let parallel = max(1, min(jobs ?? cores, clips.count))
        let threads = parallel == 1 ? 0 : max(1, cores / parallel)
        let progress = ProgressLine("check", total: clips.count)
        let reports = await Self.validate(clips, plans: plans, jobs: parallel, threads: threads, progress: progress)
        progress.finish()

        let summary = Summary(reports)
        if json {
            try Output.json(CheckOutput(clips: reports, summary: summary))
        } else {
            for (report, plan) in zip(reports, plans) { Output.line(Self.table(report, source: plan.source)) }
            Output.line(summary.line)
        }
        if let junit { try Self.write(JUnitReport.xml(for: reports), to: junit) }
        if summary.fail > 0 { throw ExitCode.failure }
    }

    /// Files as given, directories walked (sorted) for video files.
    func collectClips() throws -> [String] {
        var clips: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                clips.append(path)  // a missing or unreadable file becomes a failed clip
                continue
            }
            let base = URL(fileURLWithPath: path)
            var found: [String] = []
            let enumerator = FileManager.default.enumerator(atPath: path)
            while let relative = enumerator?.nextObject() as? String {
                let name = (relative as NSString).lastPathComponent
                guard !name.hasPrefix("."), Self.videoExtensions.contains((name as NSString).pathExtension.lowercased()) else { continue }
                found.append(path == "." ? relative : base.appendingPathComponent(relative).relativePath)
            }
            if found.isEmpty { Output.warning("\(path): no video files (.mp4 .mov .m4v .webm .mkv) in this directory") }
            clips += found.sorted()
        }
        if clips.isEmpty { throw ValidationError("no video files to check") }
        return clips
    }

    /// Validates up to `jobs` clips at once, each on a Dispatch thread (decoding blocks), in input order.
    static func validate(
        _ clips: [String], plans: [ExpectationPlanner.Plan], jobs: Int, threads: Int, progress: ProgressLine? = nil
    ) async -> [ValidationReport] {
        await withTaskGroup(of: (Int, ValidationReport).self) { group in
            var reports = [ValidationReport?](repeating: nil, count: clips.count)
            var next = 0
            func start() {
                let index = next
                let validator = ClipValidator(expectations: plans[index].expectations, threads: threads)
                let path = clips[index]
                next += 1
                group.addTask {
                    let report = await MediaWork.perform { SeamCheck.adding(to: validator.validate(path: path)) }
                    return (index, report)
                }
            }
            for _ in 0..<min(jobs, clips.count) { start() }
            for await (index, report) in group {
                reports[index] = report
                progress?.advance(clips[index])
                if next < clips.count { start() }
            }
            return reports.map { $0! }
        }
    }

    static func table(_ report: ValidationReport, source: String) -> String {
        let value = { (name: CheckName) in report[name]?.actual }
        var facts = [value(.duration), value(.resolution), value(.fps), value(.codec)].compactMap { $0 }
        if report[.readable]?.status == .fail { facts = [report[.readable]?.message ?? "unreadable"] }
        var lines = ["\(report.verdict.rawValue.uppercased())  \(report.path)  \(facts.joined(separator: "  "))  [\(source)]"]
        for check in report.checks where check.status != .pass {
            let name = check.name.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            lines.append("      \(check.status.rawValue)  \(name)  \(check.message)")
        }
        return lines.joined(separator: "\n")
    }

    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).partial")
        do {
            try Data(text.utf8).write(to: temporary)
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(at: url) }
            try FileManager.default.moveItem(at: temporary, to: url)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            Output.error("\(path): cannot write the JUnit report: \(error.localizedDescription)")
            throw ExitCode.validationFailure
        }
    }
}

/// Counts of verdicts.
struct Summary: Encodable {
    var pass = 0
    var warn = 0
    var fail = 0

    init(_ reports: [ValidationReport]) {
        for report in reports {
            switch report.verdict {
            case .pass: pass += 1
            case .warn: warn += 1
            case .fail: fail += 1
            }
        }
    }

    var line: String {
        let total = pass + warn + fail
        return "\(total) clip\(total == 1 ? "" : "s"): \(pass) pass, \(warn) warn, \(fail) fail"
    }
}

/// The `--json` document.
struct CheckOutput: Encodable {
    var clips: [ValidationReport]
    var summary: Summary
}
