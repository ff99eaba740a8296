import ArgumentParser

@main
struct ClipKit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clipkit",
        abstract: "Turn AI-generated video clips into verified outputs, long sequences and galleries.",
        version: "0.1.0",
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
        ]
    )
}
