import ClipMedia
import ClipPipeline
import ClipTestSupport
import Foundation
import Testing

/// Every writing command refuses a bad output location in one line, with exit 1, before any work.
///
/// The tests run as root, for whom `access(W_OK)` says yes to almost anything, so "cannot be written" is
/// tested with `/sys`, a folder the kernel refuses files in even for root.
struct OutputPathCommandTests {
    enum BadPath: String, CaseIterable, Sendable {
        case missingFolder, unwritableFolder, fileAsFolder, isAFolder, isAnInput
    }

    /// A file output of kind `bad` for a run whose input is `input`, in `directory`.
    static func fileOutput(_ bad: BadPath, input: String, in directory: TemporaryDirectory) -> String {
        switch bad {
        case .missingFolder: directory.file("no/such/folder/out.x")
        case .unwritableFolder: "/sys/clipkit-\(UUID().uuidString).x"
        case .fileAsFolder: input + "/out.x"
        case .isAFolder: directory.path
        case .isAnInput: input
        }
    }

    static func expectRefused(_ run: CLI.Result, output: String, _ comment: Comment? = nil) {
        #expect(run.status == 1, "\(run.stderr)")
        let lines = run.stderr.split(whereSeparator: \.isNewline)
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(run.stderr.contains(output) && run.stderr.contains("cannot write the output"), "\(run.stderr)")
        #expect(!run.stderr.contains("Backtrac") && !run.stderr.contains("Fatal error"))
        #expect(run.stdout.isEmpty, "\(run.stdout)")
    }

    /// The files in `directory`, so a test can see that a refused run left nothing behind.
    static func contents(of directory: TemporaryDirectory) -> Set<String> {
        Set(FileManager.default.subpaths(atPath: directory.path) ?? [])
    }

    static func clip(in directory: TemporaryDirectory) throws -> String {
        try FixtureFactory.makeClip(
            at: directory.file("a.mp4"), settings: VideoEncodingSettings(width: 160, height: 90, frameRate: 24), frames: 12)
    }

    @Test(arguments: BadPath.allCases)
    func lastFrameRefusesABadOutputBeforeDecoding(_ bad: BadPath) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try Self.clip(in: directory)
        let before = Self.contents(of: directory)
        let output = Self.fileOutput(bad, input: input, in: directory)
        Self.expectRefused(try await CLI.running(["last-frame", input, "-o", output]), output: output)
        #expect(Self.contents(of: directory) == before)
        #expect(try MediaProbe.probe(path: input).video?.frameCount == 12, "the input is untouched")
    }

    @Test(arguments: BadPath.allCases)
    func joinRefusesABadOutputBeforeReadingTheClips(_ bad: BadPath) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // Not videos at all: a join that opened them first would fail on them, not on the output.
        let a = directory.file("a.mp4")
        try Data("not a video".utf8).write(to: URL(fileURLWithPath: a))
        let b = directory.file("b.mp4")
        try Data("not a video either".utf8).write(to: URL(fileURLWithPath: b))
        let before = Self.contents(of: directory)
        let output = Self.fileOutput(bad, input: a, in: directory)
        Self.expectRefused(try await CLI.running(["join", a, b, "-o", output]), output: output)
        #expect(Self.contents(of: directory) == before)
    }

    @Test func joinIntoAMissingFolderNoLongerCrashes() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Self.clip(in: directory)
        let run = try await CLI.running(["join", a, a, "-o", "/no/such/dir/x.mp4"])
        Self.expectRefused(run, output: "/no/such/dir/x.mp4")
    }

    @Test func theJoinerItselfThrowsWhenItCannotOpenTheOutput() async throws {
        // Below the command's check: the muxer's failed open must be an error, not a double free.
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let a = try Self.clip(in: directory)
        #expect(throws: (any Error).self) {
            try ClipJoiner.join(inputs: [a, a], output: directory.file("missing/x.mp4"), options: JoinOptions(seam: .keep))
        }
        #expect(throws: (any Error).self) {
            try ClipJoiner.join(inputs: [a, a], output: directory.file("missing/y.mp4"), options: JoinOptions(seam: .drop))
        }
        #expect(Self.contents(of: directory) == ["a.mp4"])
    }

    @Test(arguments: [BadPath.missingFolder, .unwritableFolder, .fileAsFolder, .isAFolder, .isAnInput])
    func checkRefusesABadJUnitPathBeforeDecoding(_ bad: BadPath) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try Self.clip(in: directory)
        let before = Self.contents(of: directory)
        let output = Self.fileOutput(bad, input: input, in: directory)
        Self.expectRefused(try await CLI.running(["check", input, "--junit", output]), output: output)
        #expect(Self.contents(of: directory) == before)
    }

    /// A folder output of kind `bad`: thumbs and gallery create missing folders, so "missing" means a
    /// missing ancestor under a file or an unwritable one.
    static func folderOutput(_ bad: BadPath, input: String) -> String? {
        switch bad {
        case .missingFolder: nil  // created on demand: not an error
        case .unwritableFolder: "/sys/clipkit-\(UUID().uuidString)/site"
        case .fileAsFolder: input + "/site"
        case .isAFolder: nil  // a folder is what is wanted
        case .isAnInput: input
        }
    }

    @Test(arguments: BadPath.allCases)
    func thumbsAndGalleryRefuseABadOutputFolder(_ bad: BadPath) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try Self.clip(in: directory)
        let before = Self.contents(of: directory)
        guard let output = Self.folderOutput(bad, input: input) else { return }
        Self.expectRefused(try await CLI.running(["thumbs", input, "-o", output, "--count", "2"]), output: output)
        Self.expectRefused(try await CLI.running(["gallery", input, "-o", output]), output: output)
        #expect(Self.contents(of: directory) == before)
    }

    @Test func thumbsCreatesAMissingOutputFolder() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let input = try Self.clip(in: directory)
        let run = try await CLI.running(["thumbs", input, "-o", directory.file("new/thumbs"), "--count", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect((try? FileManager.default.contentsOfDirectory(atPath: directory.file("new/thumbs")))?.count == 2)
    }

    @Test func theCheckLeavesNoProbeFileBehind() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try OutputLocation.check(file: directory.file("out.mp4"))
        try OutputLocation.check(directory: directory.file("site"))
        #expect(Self.contents(of: directory).isEmpty)
        #expect(throws: OutputLocationError.self) { try OutputLocation.check(file: "") }
    }
}
