import Foundation
import Hummingbird
import Testing

@testable import ClipSandbox

/// A loopback endpoint that records every POST and answers with scripted statuses (then 200).
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var path: String
        /// Header values by lowercase name.
        var headers: [String: String]
        var body: Data
        var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    }

    actor Log {
        var deliveries: [Delivery] = []
        var failuresLeft: Int
        init(failures: Int) { failuresLeft = failures }
        func record(_ delivery: Delivery) -> Bool {
            deliveries.append(delivery)
            guard failuresLeft > 0 else { return true }
            failuresLeft -= 1
            return false
        }
    }

    let log: Log
    let url: String
    private let task: Task<Void, any Error>

    private init(log: Log, url: String, task: Task<Void, any Error>) {
        self.log = log
        self.url = url
        self.task = task
    }

    static func start(failingFirst failures: Int = 0) async throws -> WebhookReceiver {
        let log = Log(failures: failures)
        let router = Router()
        router.post("/hook/:name") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 24)
            let ok = await log.record(
                Delivery(
                    path: request.uri.path,
                    headers: Dictionary(
                        request.headers.map { ($0.name.canonicalName, $0.value) },
                        uniquingKeysWith: { first, _ in first }),
                    body: Data(buffer: body)))
            return Response(status: ok ? .ok : .internalServerError)
        }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: {
                continuation.yield($0.localAddress?.port ?? 0)
                continuation.finish()
            })
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        return WebhookReceiver(log: log, url: "http://127.0.0.1:\(port)/hook", task: task)
    }

    func stop() async {
        task.cancel()
        _ = await task.result
    }

    /// Waits (bounded) until `count` deliveries arrived.
    func deliveries(atLeast count: Int) async throws -> [Delivery] {
        try await deliveries { $0.count >= count }
    }

    /// Waits (bounded) until the deliveries so far satisfy `isComplete`.
    func deliveries(until isComplete: ([Delivery]) -> Bool) async throws -> [Delivery] {
        for _ in 0..<2400 {
            let deliveries = await log.deliveries
            if isComplete(deliveries) { return deliveries }
            try await Task.sleep(for: .milliseconds(50))
        }
        return await log.deliveries
    }
}

/// The values in order with consecutive repeats collapsed: a webhook retried after a slow answer
/// arrives twice, which receivers must tolerate.
func collapsingRepeats<T: Equatable>(_ values: [T]) -> [T] {
    values.reduce(into: []) { result, value in
        if result.last != value { result.append(value) }
    }
}

struct WebhookTests {
    @Test func piapiPostsTimestampAndDataWithTheSecretHeader() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await withSandbox { _, client in
            let body = piapiSeedBody(webhook: receiver.url + "/piapi", secret: "s3cret")
            let created = try await client.send(.POST, "/api/v1/task", headers: client.piapi, json: body)
            let id = try #require(created.json["data"]?["task_id"]?.stringValue)
            let deliveries = try await receiver.deliveries {
                $0.last?.json["data"]?["status"]?.stringValue == "completed"
            }
            #expect(
                collapsingRepeats(deliveries.map { $0.json["data"]?["status"]?.stringValue }) == [
                    "processing", "completed",
                ])
            for delivery in deliveries {
                #expect(delivery.headers["x-webhook-secret"] == "s3cret")
                #expect(delivery.json["timestamp"]?.intValue != nil)
                #expect(delivery.json["data"]?["task_id"]?.stringValue == id)
            }
            #expect(deliveries.last?.json["data"]?["output"]?["video_raw"]?["url"]?.stringValue != nil)
        }
    }

    @Test func piapiSendsNoSecretHeaderWhenTheSecretIsEmpty() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await withSandbox { _, client in
            _ = try await client.send(
                .POST, "/api/v1/task", headers: client.piapi, json: piapiSeedBody(webhook: receiver.url + "/piapi"))
            let deliveries = try await receiver.deliveries {
                $0.last?.json["data"]?["status"]?.stringValue == "completed"
            }
            #expect(deliveries.count >= 2)
            #expect(deliveries.allSatisfy { $0.headers["x-webhook-secret"] == nil })
        }
    }

    @Test func lumaPostsTheGenerationOnDreamingAndCompleted() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await withSandbox { _, client in
            var body = LumaWireTests.body.objectValue!
            body["callback_url"] = .string(receiver.url + "/luma?token=abc")
            let created = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: .object(body))
            let id = try #require(created.json["id"]?.stringValue)
            let deliveries = try await receiver.deliveries { $0.last?.json["state"]?.stringValue == "completed" }
            #expect(collapsingRepeats(deliveries.map { $0.json["state"]?.stringValue }) == ["dreaming", "completed"])
            #expect(deliveries.allSatisfy { $0.json["id"]?.stringValue == id })
            #expect(deliveries.last?.json["assets"]?["video"]?.stringValue != nil)
        }
    }

    @Test func kkiaiPostsTheTaskToTheNotifyHookWhenItEnds() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { Task { await receiver.stop() } }
        try await withSandbox { _, client in
            var body = kkiaiSeedBody.objectValue!
            body["notify_hook"] = .string(receiver.url + "/kkiai")
            _ = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: .object(body))
            let deliveries = try await receiver.deliveries(atLeast: 1)
            #expect(deliveries.allSatisfy { $0.json["state"]?.stringValue == "completed" }, "only the end is notified")
            #expect(deliveries.first?.json["video_raw"]?["url"]?.stringValue != nil)
        }
    }

    @Test func retriesAfterANon2xxAnswer() async throws {
        let receiver = try await WebhookReceiver.start(failingFirst: 2)
        defer { Task { await receiver.stop() } }
        try await withSandbox { _, client in
            var body = kkiaiSeedBody.objectValue!
            body["notify_hook"] = .string(receiver.url + "/kkiai")
            _ = try await client.send(.POST, "/luma/generations", headers: client.bearer, json: .object(body))
            let deliveries = try await receiver.deliveries(atLeast: 3)
            #expect(deliveries.count >= 3)
            #expect(Set(deliveries.map(\.body)).count == 1, "every retry carries the same body")
        }
    }
}
