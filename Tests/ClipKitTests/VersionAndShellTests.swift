import ClipMedia
import ClipTestSupport
import Foundation
import Testing

/// `--version`, completions, the man page, progress lines and install.sh: clipkit in a user's shell.
struct VersionAndShellTests {
    @Test func versionNamesClipKitAndTheLinkedFFmpegLibraries() async throws {
        let run = try await CLI.running(["--version"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.range(of: #"^clipkit \d+\.\d+\.\d+$"#, options: .regularExpression) != nil, "\(lines)")
        let versions = LibraryVersions.current
        #expect(versions.libraries.map(\.name) == ["libavformat", "libavcodec", "libavutil", "libswscale"])
        for library in versions.libraries {
            // Run-time versions as the libraries report them, e.g. "libavformat 59.27.100".
            #expect(library.runtime.range(of: #"^\d+\.\d+\.\d+$"#, options: .regularExpression) != nil)
            #expect(lines.contains { $0.hasPrefix("\(library.name) \(library.runtime)") }, "\(run.stdout)")
            #expect(run.stdout.contains("\(library.name) \(library.builtAgainst)"))
        }
        #expect(lines.contains("FFmpeg \(versions.ffmpeg)"))
        #expect(versions.libraries[0].runtime.hasPrefix("59."), "FFmpeg 5.1's libavformat is 59.x")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptIsGeneratedForEachShell(shell: String) async throws {
        let run = try await CLI.running(["--generate-completion-script", shell])
        #expect(run.status == 0)
        for word in ["gallery", "check", "no-check", "poster-widths"] {
            #expect(run.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
        #expect(!run.stdout.contains("manual"), "the hidden man-page command is not offered")
        if shell == "bash", FileManager.default.isExecutableFile(atPath: "/bin/bash") {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: directory.file("clipkit.bash")))
            let syntax = try await ChildProcess.run("/bin/bash", ["-n", directory.file("clipkit.bash")])
            #expect(syntax.status == 0, "bash -n rejects the completion script: \(syntax.stderr)")
        }
    }

    @Test func manPageListsEveryVisibleCommandAndItsOptions() async throws {
        let run = try await CLI.running(["manual"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix(".TH CLIPKIT 1"))
        for command in ["probe", "last-frame", "thumbs", "check", "generate", "extend", "jobs", "serve", "sandbox", "join", "gallery"] {
            #expect(run.stdout.contains(".SS clipkit \(command)\n"), "no section for \(command)")
        }
        #expect(run.stdout.contains("\\fB\\-\\-no\\-check\\fR"))
        #expect(!run.stdout.contains(".SS clipkit manual"))
        // Every line starting with a dot is a roff request we wrote, never text.
        let requests = Set(run.stdout.split(separator: "\n").filter { $0.hasPrefix(".") }.map { $0.split(separator: " ")[0] })
        #expect(requests.isSubset(of: [".TH", ".SH", ".SS", ".B", ".I", ".TP", ".PP", ".br"]), "\(requests)")
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/man") {
            let directory = try TemporaryDirectory()
            defer { directory.remove() }
            let page = directory.file("clipkit.1")
            try Data(run.stdout.utf8).write(to: URL(fileURLWithPath: page))
            let man = try await ChildProcess.run(
                "/usr/bin/man", ["-l", page], extraEnvironment: ["MANPAGER": "cat", "PAGER": "cat", "MANWIDTH": "100"])
            #expect(man.stdout.contains("clipkit gallery"), "man renders the page")
        }
    }

    @Test func longCommandsDrawProgressOnlyOnATerminal() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = directory.file("clips")
        try FileManager.default.createDirectory(atPath: clips, withIntermediateDirectories: true)
        for name in ["a", "b", "c"] { try FixtureFactory.makeQAClip(at: clips + "/\(name).mp4", frames: 25) { _ in .moving } }
        let long = try FixtureFactory.makeQAClip(at: directory.file("long.mp4"), frames: 120) { _ in .moving }
        // Piped (the test's stderr is a file): nothing but the results.
        for arguments in [["check", clips], ["gallery", clips, "-o", directory.file("site")], ["thumbs", long, "-o", directory.file("t1"), "--count", "3"]] {
            let quiet = try await CLI.running(arguments)
            #expect(quiet.status == 0, "\(quiet.stderr)")
            #expect(!quiet.stderr.contains("\r") && !quiet.stderr.contains("\u{1B}["), "\(arguments[0]): \(quiet.stderr)")
        }
        // Forced on (what a terminal gets): one line rewritten in place, ending at 3/3.
        for arguments in [["check", clips], ["gallery", clips, "-o", directory.file("site2")], ["thumbs", long, "-o", directory.file("t2"), "--count", "3"]] {
            let drawn = try await CLI.running(arguments, environment: ["CLIPKIT_PROGRESS": "1"])
            #expect(drawn.status == 0)
            #expect(drawn.stderr.contains("\r\u{1B}[2K"), "\(arguments[0])")
            #expect(drawn.stderr.contains("3/3"), "\(arguments[0]): \(drawn.stderr.debugDescription)")
            #expect(!drawn.stdout.contains("\u{1B}["), "progress never reaches stdout")
        }
    }

    /// Builds a release binary and installs it into a temporary prefix: slow (several minutes), so only
    /// with CLIPKIT_TEST_INSTALL=1.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["CLIPKIT_TEST_INSTALL"] == "1"))
    func installScriptPutsAStrippedBinaryCompletionsManPageAndPresetsUnderThePrefix() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let prefix = directory.file("prefix")
        let install = try ChildProcess.runBlocking(
            "/bin/bash", [repository.appendingPathComponent("scripts/install.sh").path, prefix],
            directory: repository.path, timeout: 3600)
        #expect(install.status == 0, "\(install.stderr.suffix(2000))")
        let files = [
            "bin/clipkit", "share/bash-completion/completions/clipkit", "share/zsh/site-functions/_clipkit",
            "share/fish/vendor_completions.d/clipkit.fish", "share/man/man1/clipkit.1", "share/clipkit/presets/default.json",
        ]
        for file in files { #expect(FileManager.default.fileExists(atPath: prefix + "/" + file), "\(file)") }
        let size = try FileManager.default.attributesOfItem(atPath: prefix + "/bin/clipkit")[.size] as? Int ?? 0
        #expect(size > 0 && size < 60_000_000, "stripped binary: \(size) bytes")
        // The installed binary finds its presets from anywhere, without CLIPKIT_PRESETS or ./presets.
        let clip = try FixtureFactory.makeQAClip(at: directory.file("a.mp4"), frames: 25) { _ in .moving }
        let check = try ChildProcess.runBlocking(
            "/usr/bin/env", ["-u", "CLIPKIT_PRESETS", prefix + "/bin/clipkit", "check", clip, "--preset", "kkiai-ray2-720p-5s"],
            directory: directory.path, timeout: 300)
        #expect(check.stdout.contains("preset kkiai-ray2-720p-5s"), "\(check.stdout)")
    }
}
