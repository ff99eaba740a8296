import ClipProviders
import Foundation
import NIOHTTP1
import Testing

/// Creates are never repeated once they may have arrived; reads and 429s are, with backoff and Retry-After.
struct RetryPolicyTests {
    let clock = ManualClock()

    func luma(_ transport: ScriptedTransport, policy: RetryPolicy = RetryPolicy(random: { $0.upperBound }))
        -> LumaClient
    {
        LumaClient(
            configuration: ProviderConfiguration(kind: .luma, apiKey: APIKey("k-123456")),
            options: ProviderClientOptions(transport: transport, retryPolicy: policy, clock: clock.clock))
    }

    static let created = #"{"id": "gen-1", "state": "queued"}"#
    let request = GenerationRequest(prompt: "a tiger")

    @Test func createIsRetriedAfter429HonouringRetryAfterSeconds() async throws {
        let transport = ScriptedTransport([
            ScriptedTransport.response(429, #"{"detail": "slow down"}"#, headers: ["Retry-After": "7"]),
            ScriptedTransport.response(201, Self.created),
        ])
        let id = try await luma(transport).submit(request)
        #expect(id == "gen-1")
        #expect(transport.requests.count == 2)
        #expect(clock.sleeps == [.seconds(7)])
    }

    @Test func retryAfterAsAnHTTPDateIsHonoured() async throws {
        let date = clock.date.addingTimeInterval(12)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        let transport = ScriptedTransport([
            ScriptedTransport.response(429, headers: ["Retry-After": formatter.string(from: date)]),
            ScriptedTransport.response(200, Self.created),
        ])
        _ = try await luma(transport).submit(request)
        #expect(clock.sleeps == [.seconds(12)])
    }

    @Test func createIsNotRetriedAfterA500() async throws {
        let transport = ScriptedTransport([
            ScriptedTransport.response(500, #"{"detail": "internal"}"#), ScriptedTransport.response(200, Self.created),
        ])
        let error = await #expect(throws: ProviderError.self) { try await luma(transport).submit(request) }
        #expect(error?.kind == .mayHaveBeenSubmitted)
        #expect(error?.description.contains("HTTP 500") == true)
        #expect(transport.requests.count == 1)
        #expect(clock.sleeps.isEmpty)
    }

    @Test func createIsNotRetriedAfterATimeoutOnceSent() async throws {
        let transport = ScriptedTransport([
            .failure(TransportError(nothingSent: false, detail: "timed out waiting for the answer")),
            ScriptedTransport.response(200, Self.created),
        ])
        let error = await #expect(throws: ProviderError.self) { try await luma(transport).submit(request) }
        #expect(error?.kind == .mayHaveBeenSubmitted)
        #expect(transport.requests.count == 1)
    }

    @Test func createIsRetriedWhenNothingWasSent() async throws {
        let transport = ScriptedTransport([
            .failure(TransportError(nothingSent: true, detail: "connection refused")),
            ScriptedTransport.response(200, Self.created),
        ])
        #expect(try await luma(transport).submit(request) == "gen-1")
        #expect(transport.requests.count == 2)
        #expect(clock.sleeps == [.milliseconds(500)])
    }

    @Test func readsAreRetriedOn503AndTransportErrors() async throws {
        let transport = ScriptedTransport([
            ScriptedTransport.response(503),
            .failure(TransportError(nothingSent: false, detail: "the server closed the connection")),
            ScriptedTransport.response(200, Self.created),
        ])
        let snapshot = try await luma(transport).fetch(taskID: "gen-1")
        #expect(snapshot.state == .queued)
        #expect(transport.requests.count == 3)
        #expect(clock.sleeps == [.milliseconds(500), .seconds(1)])
    }

    @Test func readsGiveUpAfterMaxAttempts() async throws {
        let transport = ScriptedTransport(Array(repeating: ScriptedTransport.response(502), count: 10))
        let error = await #expect(throws: ProviderError.self) {
            try await luma(transport, policy: RetryPolicy(maxAttempts: 3, random: { $0.upperBound })).fetch(taskID: "g")
        }
        #expect(error?.statusCode == 502)
        #expect(transport.requests.count == 3)
    }

    @Test func anOverlongRetryAfterFailsAsRateLimited() async throws {
        let transport = ScriptedTransport([ScriptedTransport.response(429, headers: ["Retry-After": "3600"])])
        let error = await #expect(throws: ProviderError.self) { try await luma(transport).submit(request) }
        #expect(error?.kind == .rateLimited)
        #expect(error?.retryAfter == .seconds(3600))
        #expect(transport.requests.count == 1)
    }

    @Test func backoffCeilingDoublesAndIsCapped() {
        let policy = RetryPolicy(baseDelay: .milliseconds(500), maxDelay: .seconds(20))
        #expect(policy.ceiling(forRetry: 0) == .milliseconds(500))
        #expect(policy.ceiling(forRetry: 1) == .seconds(1))
        #expect(policy.ceiling(forRetry: 3) == .seconds(4))
        #expect(policy.ceiling(forRetry: 10) == .seconds(20))
        #expect(policy.ceiling(forRetry: 1000) == .seconds(20))
    }

    @Test func jitteredDelaysStayWithinZeroAndTheCeiling() {
        let policy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(8))
        for retry in 0..<8 {
            for _ in 0..<50 {
                let delay = policy.delay(forRetry: retry)
                #expect(delay >= .zero)
                #expect(delay <= policy.ceiling(forRetry: retry))
            }
        }
        let low = RetryPolicy(random: { $0.lowerBound })
        #expect(low.delay(forRetry: 4) == .zero)
    }

    @Test func retryAfterParsesSecondsDatesAndRejectsGarbage() {
        let now = Date(timeIntervalSince1970: 1_445_412_480)  // Wed, 21 Oct 2015 07:28:00 GMT
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse(nil, now: now) == nil)
    }

    @Test func a503OnCreateCanBeOptedIntoRetrying() async throws {
        let transport = ScriptedTransport([
            ScriptedTransport.response(503), ScriptedTransport.response(200, Self.created),
        ])
        let policy = RetryPolicy(createRetryableStatuses: [429, 503], random: { $0.upperBound })
        #expect(try await luma(transport, policy: policy).submit(request) == "gen-1")
        #expect(transport.requests.count == 2)
    }

    @Test func anUnreadable2xxCreateAnswerMayHaveCreatedATask() async throws {
        let transport = ScriptedTransport([ScriptedTransport.response(200, "<html>gateway</html>")])
        let error = await #expect(throws: ProviderError.self) { try await luma(transport).submit(request) }
        #expect(error?.kind == .mayHaveBeenSubmitted)
        #expect(transport.requests.count == 1)
    }
}
