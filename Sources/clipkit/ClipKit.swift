import ArgumentParser
import ClipMedia

@main
struct ClipKit: AsyncParsableCommand {
    /// ClipKit's own version.
    static let version = "0.2.0"

    static let configuration = CommandConfiguration(
        commandName: "clipkit",
        abstract: "Turn AI-generated video clips into verified outputs, long sequences and galleries.",
        discussion: """
            Shell completions: clipkit --generate-completion-script bash|zsh|fish. \
            Man page: clipkit manual > clipkit.1 (scripts/install.sh installs both).
            """,
        version: versionText,
        subcommands: [
            Probe.self,
            LastFrame.self,
            Thumbs.self,
            Check.self,
            Generate.self,
            Extend.self,
            Jobs.self,
            Serve.self,
            Sandbox.self,
            Join.self,
            Gallery.self,
            Batch.self, WorkerCommand.self,
            Manual.self,
        ]
    )

    /// `clipkit --version`: ClipKit's version, then each FFmpeg library as loaded now and as built against.
    static var versionText: String {
        let libraries = LibraryVersions.current
        var lines = ["clipkit \(version)", "FFmpeg \(libraries.ffmpeg)"]
        for library in libraries.libraries {
            let note = library.runtime == library.builtAgainst ? "" : " (built against \(library.builtAgainst))"
            lines.append("\(library.name) \(library.runtime)\(note)")
        }
        lines.append("built against: " + libraries.libraries.map { "\($0.name) \($0.builtAgainst)" }.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}
