import ClipProviders
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

/// A whole run against a fake Luma: submit, poll, an expired link refreshed, download, verify.
struct GenerationRunnerTests {
    struct BytesDiffer: Error {}

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0

        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }

    func runner(base: URL, clock: ManualClock) -> GenerationRunner {
        let provider = LumaClient(
            configuration: ProviderConfiguration(kind: .luma, baseURL: base, apiKey: APIKey("lu-key")),
            options: ProviderClientOptions(retryPolicy: .none, timeout: .seconds(10)))
        return GenerationRunner(
            provider: provider,
            poller: TaskPoller(initialDelay: .seconds(2), clock: clock.clock),
            downloader: Downloader(clock: clock.clock, requestTimeout: .seconds(10), trustedBaseURL: base),
            clock: clock.clock)
    }

    static func generation(_ state: String, video: String? = nil, reason: String? = nil) -> String {
        let assets = video.map { #"{"video": "\#($0)"}"# } ?? "null"
        let failure = reason.map { #""\#($0)""# } ?? "null"
        return #"{"id": "gen-7", "state": "\#(state)", "failure_reason": \#(failure), "assets": \#(assets)}"#
    }

    @Test func runsFromRequestToAVerifiedFile() async throws {
        let clip = DownloaderTests.payload(30_000, seed: 9)
        let polls = Counter()
        let events = Recorder<String>()
        let destination = try DownloaderTests.temporaryDirectory().appendingPathComponent("out.mp4")
        let clock = ManualClock()
        let outcome = try await FakeProviderServer.run({ router in
            router.post("/dream-machine/v1/generations") { _, _ in
                FakeProviderServer.json(Self.generation("queued"), status: .created)
            }
            router.get("/dream-machine/v1/generations/{id}") { request, _ in
                let n = polls.next()
                let host = request.head.authority ?? "127.0.0.1"
                switch n {
                case 1: return FakeProviderServer.json(Self.generation("dreaming"))
                case 2:
                    return FakeProviderServer.json(Self.generation("completed", video: "http://\(host)/files/old.mp4"))
                default:
                    return FakeProviderServer.json(Self.generation("completed", video: "http://\(host)/files/new.mp4"))
                }
            }
            router.get("/files/old.mp4") { _, _ in Response(status: .forbidden) }
            router.get("/files/new.mp4") { request, _ in DownloaderTests.serve(clip, request: request) }
        }) { base in
            try await runner(base: base, clock: clock).run(
                GenerationRequest(prompt: "a fox in snow", resolution: "720p"), to: destination,
                verify: { path in
                    guard (try? Data(contentsOf: URL(fileURLWithPath: path))) == clip else {
                        throw BytesDiffer()
                    }
                },
                onEvent: { event in
                    switch event {
                    case .submitted(let id): events.append("submitted \(id)")
                    case .snapshot(let s): events.append("state \(s.state.name)")
                    case .downloading(let p) where p.isComplete: events.append("downloaded \(p.bytesReceived)")
                    case .downloading: break
                    }
                })
        }
        #expect(outcome.taskID == "gen-7")
        #expect(outcome.provider == .luma)
        #expect(outcome.bytes == 30_000)
        #expect(try Data(contentsOf: outcome.file) == clip)
        #expect(outcome.snapshot.state == .succeeded)
        #expect(events.all == ["submitted gen-7", "state running", "state succeeded", "downloaded 30000"])
        #expect(outcome.timings.generationSeconds >= 0)
        let sidecar = String(decoding: try JSONEncoder().encode(outcome), as: UTF8.self)
        #expect(sidecar.contains("gen-7"))
        #expect(!sidecar.contains("lu-key"))
    }

    @Test func aFailedTaskReportsTheReasonAndWritesNothing() async throws {
        let destination = try DownloaderTests.temporaryDirectory().appendingPathComponent("out.mp4")
        try await FakeProviderServer.run({ router in
            router.post("/dream-machine/v1/generations") { _, _ in
                FakeProviderServer.json(Self.generation("queued"), status: .created)
            }
            router.get("/dream-machine/v1/generations/{id}") { _, _ in
                FakeProviderServer.json(Self.generation("failed", reason: "Failed to read user input frames"))
            }
        }) { base in
            let error = await #expect(throws: ProviderError.self) {
                try await runner(base: base, clock: ManualClock()).run(
                    GenerationRequest(prompt: "a fox", startImage: .url(URL(string: "https://img.example/a.png")!)),
                    to: destination)
            }
            #expect(error?.description == "Luma task failed: Failed to read user input frames")
        }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }

    @Test func anInvalidRequestSendsNothing() async throws {
        let transport = ScriptedTransport([])
        let provider = PixwithClient(
            configuration: ProviderConfiguration(kind: .pixwith, apiKey: APIKey("k")),
            options: ProviderClientOptions(transport: transport))
        let runner = GenerationRunner(provider: provider)
        let error = await #expect(throws: ProviderError.self) {
            try await runner.run(
                GenerationRequest(prompt: "a", duration: 10), to: URL(fileURLWithPath: "/tmp/never.mp4"))
        }
        #expect(error?.field == "duration")
        #expect(transport.requests.isEmpty)
    }
}
