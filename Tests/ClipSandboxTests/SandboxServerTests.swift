import Foundation
import Testing

@testable import ClipSandbox

struct SandboxServerTests {
    @Test func startFailsWithAClearErrorWhenThePortIsTaken() async throws {
        try await withSandbox { server, _ in
            var configuration = SandboxConfiguration.forTesting()
            configuration.port = server.port
            do {
                let second = try await SandboxServer.start(configuration)
                await second.stop()
                Issue.record("a second server bound the same port")
            } catch let error as SandboxError {
                #expect(error.message.contains("could not listen on 127.0.0.1:\(server.port)"))
            }
        }
    }

    @Test func rejectsAnOutOfRangeConfiguration() async {
        await #expect(throws: SandboxError.self) { try await SandboxServer.start(.init(renderScale: 0)) }
        await #expect(throws: SandboxError.self) { try await SandboxServer.start(.init(stepDelay: -1)) }
        await #expect(throws: SandboxError.self) { try await SandboxServer.start(.init(apiKey: "")) }
    }

    @Test func baseURLIsLoopbackWithTheBoundPort() async throws {
        try await withSandbox { server, _ in
            #expect(server.port > 0)
            #expect(server.baseURL == "http://127.0.0.1:\(server.port)")
            for provider in SandboxProvider.allCases { #expect(server.baseURL(for: provider) == server.baseURL) }
        }
    }
}
