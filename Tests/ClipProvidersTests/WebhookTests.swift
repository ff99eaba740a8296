import ClipProviders
import Foundation
import Testing

/// Callback authentication, parsing and de-duplication.
struct WebhookTests {
    @Test func piapiSecretMatchesOnlyTheRightValue() {
        let verifier = WebhookVerifier(secret: "correct horse battery staple")
        #expect(verifier.isValid(headerValue: "correct horse battery staple"))
        #expect(!verifier.isValid(headerValue: "correct horse battery stapl"))
        #expect(!verifier.isValid(headerValue: "wrong"))
        #expect(!verifier.isValid(headerValue: ""))
        #expect(!verifier.isValid(headerValue: nil))
    }

    @Test func constantTimeComparisonComparesEveryByte() {
        #expect(WebhookVerifier.constantTimeEquals([1, 2, 3], [1, 2, 3]))
        #expect(!WebhookVerifier.constantTimeEquals([1, 2, 3], [1, 2, 4]))
        #expect(!WebhookVerifier.constantTimeEquals([1, 2, 3], [1, 2]))
    }

    @Test func tokensVerifyForTheirTaskKeyOnly() throws {
        let tokens = try #require(WebhookToken(encodedSecret: WebhookToken.generateSecret()))
        let token = tokens.token(for: "job-1")
        #expect(tokens.isValid(token, for: "job-1"))
        #expect(!tokens.isValid(token, for: "job-2"))
        #expect(!tokens.isValid("not-a-token", for: "job-1"))
        let other = try #require(WebhookToken(encodedSecret: WebhookToken.generateSecret()))
        #expect(!other.isValid(token, for: "job-1"))
    }

    @Test func randomSecretsAre32BytesAndDiffer() {
        let a = WebhookToken.random()
        let b = WebhookToken.random()
        #expect(a != b)
        #expect(a.count == 43)  // 32 bytes in unpadded base64url
    }

    @Test func callbackURLsCarryAVerifiableToken() throws {
        let tokens = WebhookToken(secret: Data(repeating: 7, count: 32))
        let url = tokens.callbackURL(base: URL(string: "https://tunnel.example/hooks/luma")!, taskKey: "job-42")
        #expect(tokens.verifiedTaskKey(in: url) == "job-42")
        var tampered = URLComponents(url: url, resolvingAgainstBaseURL: false)!
        tampered.queryItems = tampered.queryItems?.map {
            $0.name == "key" ? URLQueryItem(name: "key", value: "job-43") : $0
        }
        #expect(tokens.verifiedTaskKey(in: tampered.url!) == nil)
        #expect(tokens.verifiedTaskKey(in: URL(string: "https://tunnel.example/hooks/luma?key=job-42")!) == nil)
    }

    @Test func piapiCallbackBodyIsParsedIntoASnapshot() throws {
        let event = try WebhookEvent.parse(try Samples.data("piapi/webhook-completed.json"), provider: .piapi)
        #expect(event.taskID == "c42f6ec7-36cd-45a3-981c-826b6d101f58")
        #expect(event.stateHint == .succeeded)
        #expect(event.timestamp == 1771252779)
        #expect(event.snapshot?.videoURL?.absoluteString == "https://storage.cdn-luma.com/dream-machine/3f1c/ab12.mp4")
    }

    @Test func lumaCallbackIsTheGenerationObject() throws {
        let event = try WebhookEvent.parse(try Samples.data("luma/generation-failed.json"), provider: .luma)
        #expect(event.taskID == "d1968551-6113-4b46-b567-09210c2e79b0")
        #expect(event.stateHint == .failed(reason: "Advanced prompt moderation failed"))
    }

    @Test func kkiaiCallbacksAreReadBestEffortInEitherFamily() throws {
        let luma = try WebhookEvent.parse(try Samples.data("kkiai/task-completed.json"), provider: .kkiai)
        #expect(luma.stateHint == .succeeded)
        let relay = try WebhookEvent.parse(try Samples.data("kkiai/task-relay-success.json"), provider: .kkiai)
        #expect(relay.taskID == "luma-91b2")
        #expect(relay.stateHint == .succeeded)
    }

    @Test func bodiesWithoutATaskIDAreRejected() {
        for provider in ProviderKind.allCases {
            #expect(throws: ProviderError.self) {
                try WebhookEvent.parse(Data(#"{"hello": "world"}"#.utf8), provider: provider)
            }
            #expect(throws: ProviderError.self) { try WebhookEvent.parse(Data("not json".utf8), provider: provider) }
        }
    }

    @Test func repeatedTerminalCallbacksAreDroppedButHintsPass() async {
        let dedup = WebhookDeduplicator()
        let done = WebhookEvent(provider: .piapi, taskID: "t1", stateHint: .succeeded, timestamp: 1)
        let retry = WebhookEvent(provider: .piapi, taskID: "t1", stateHint: .succeeded, timestamp: 2)
        let running = WebhookEvent(provider: .piapi, taskID: "t1", stateHint: .running)
        #expect(await dedup.shouldProcess(running))
        #expect(await dedup.shouldProcess(running))
        #expect(await dedup.shouldProcess(done))
        #expect(await !dedup.shouldProcess(retry))
        #expect(await dedup.shouldProcess(WebhookEvent(provider: .piapi, taskID: "t2", stateHint: .succeeded)))
        #expect(await dedup.shouldProcess(WebhookEvent(provider: .luma, taskID: "t1", stateHint: .succeeded)))
    }

    @Test func theDeduplicatorForgetsBeyondItsCapacity() async {
        let dedup = WebhookDeduplicator(capacity: 2)
        for id in ["a", "b", "c"] {
            #expect(await dedup.shouldProcess(WebhookEvent(provider: .luma, taskID: id, stateHint: .succeeded)))
        }
        #expect(await dedup.shouldProcess(WebhookEvent(provider: .luma, taskID: "a", stateHint: .succeeded)))
        #expect(await !dedup.shouldProcess(WebhookEvent(provider: .luma, taskID: "c", stateHint: .succeeded)))
    }
}
