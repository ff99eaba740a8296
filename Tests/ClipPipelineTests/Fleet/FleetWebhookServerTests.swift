import ClipPipeline
import ClipProviders
import Foundation
import Logging
import Synchronization
import Testing

/// The fleet's webhook listener on its own, its queue replaced by a scripted `wake`: each callback's outcome
/// is told to `observe` exactly once (what a worker counts in `clipkit_webhooks_total`).
struct FleetWebhookServerTests {
    struct QueueDown: Error {}

    /// What the listener reported, and how often it tried to wake.
    final class Observed: Sendable {
        let outcomes = Mutex<[String]>([])
        let seconds = Mutex<[Double]>([])
        let wakes = Mutex(0)

        /// The outcomes ("PROVIDER OUTCOME") once there are `count` of them (a verified callback's comes
        /// from a task of its own); what there is after a generous deadline otherwise.
        func outcomes(count: Int) async throws -> [String] {
            let deadline = Date().addingTimeInterval(30)
            while outcomes.withLock({ $0.count }) < count, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            return outcomes.withLock { $0 }
        }
    }

    static let body = Array(#"{"id": "task-1", "state": "completed"}"#.utf8)

    /// A listener whose `wake` gives `answers` in turn (the last one again after that; nil: the queue is down),
    /// retrying twice after 10 ms when nothing was woken.
    static func withListener(
        answers: [Int?], _ body: (_ callback: String, _ http: RawHTTP, _ observed: Observed) async throws -> Void
    ) async throws {
        let observed = Observed()
        let webhooks = try #require(FleetWebhooks(key: WebhookToken.generateSecret(), publicURL: URL(string: "http://127.0.0.1")!))
        var logger = Logger(label: "test.fleet-webhooks")
        logger.logLevel = .critical
        let server = try await FleetWebhookServer.start(
            port: 0, webhooks: webhooks, logger: logger, retryDelays: [0.01, 0.01],
            observe: { provider, outcome, seconds in
                observed.seconds.withLock { $0.append(seconds) }
                observed.outcomes.withLock { $0.append("\(provider) \(outcome.rawValue)") }
            },
            wake: { _, _ in
                let attempt = observed.wakes.withLock { count in
                    count += 1
                    return count
                }
                guard let woken = answers[min(attempt, answers.count) - 1] else { throw QueueDown() }
                return woken
            })
        do {
            try await body(webhooks.callback(for: .kkiai, clientRef: UUID()).url.path, RawHTTP(port: server.port), observed)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func aCallbackThatWakesAStepOnItsSecondTryIsReportedOnceAsWokeAndRefusedOnesAsRejectedOrMalformed() async throws {
        try await Self.withListener(answers: [0, 1]) { callback, http, observed async throws in
            #expect(try await http.request("POST", callback, body: Self.body).status == 202)
            #expect(try await observed.outcomes(count: 1) == ["kkiai woke"])
            #expect(observed.wakes.withLock { $0 } == 2)
            // Measured from its arrival: it includes the 10 ms pause before the second try.
            #expect(try #require(observed.seconds.withLock { $0.first }) >= 0.01)
            let parts = callback.split(separator: "/").map(String.init)  // hooks, kkiai, REFERENCE, TOKEN
            let refused = [
                ("/hooks/kkiai/\(parts[2])/\(WebhookToken.random())", Self.body, 404),
                ("/hooks/luma/\(parts[2])/\(parts[3])", Self.body, 404),
                ("/hooks/kkiai/\(UUID().uuidString)/\(parts[3])", Self.body, 404),
                ("/hooks/kkiai/not-a-reference/\(parts[3])", Self.body, 404),
                ("/hooks/nosuch/\(parts[2])/\(parts[3])", Self.body, 404),
                (callback, Array("not json".utf8), 400),
                (callback, Array("{}".utf8), 400),
            ]
            for (path, body, status) in refused {
                #expect(try await http.request("POST", path, body: body).status == status, "\(path)")
            }
            #expect(try await observed.outcomes(count: 8) == [
                "kkiai woke", "kkiai rejected", "luma rejected", "kkiai rejected", "kkiai malformed", "unknown malformed",
                "kkiai malformed", "kkiai malformed",
            ])
            #expect(observed.wakes.withLock { $0 } == 2, "a refused callback wakes nothing")
        }
    }

    @Test func aVerifiedCallbackThatWakesNothingIsReportedOnceItsRetriesAreDone() async throws {
        try await Self.withListener(answers: [0]) { callback, http, observed async throws in
            #expect(try await http.request("POST", callback, body: Self.body).status == 202)
            #expect(try await observed.outcomes(count: 1) == ["kkiai no_waiting_step"])
            #expect(observed.wakes.withLock { $0 } == 3, "the first try and two retries")
        }
    }

    @Test func aVerifiedCallbackThatCannotReachTheQueueIsReportedAsWakeFailed() async throws {
        try await Self.withListener(answers: [nil]) { callback, http, observed async throws in
            #expect(try await http.request("POST", callback, body: Self.body).status == 202)
            #expect(try await observed.outcomes(count: 1) == ["kkiai wake_failed"])
            #expect(observed.wakes.withLock { $0 } == 3)
        }
    }
}
