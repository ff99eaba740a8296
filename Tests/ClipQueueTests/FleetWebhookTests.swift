import AsyncHTTPClient
import ClipPipeline
import ClipProviders
import ClipQueue
import ClipSandbox
import ClipTestSupport
import Foundation
import NIOCore
import NIOPosix
import Testing

/// Webhooks for the fleet: a worker started with `--webhook-port` puts a callback URL naming each submit's
/// client reference in the request; the provider's callback wakes the segment's `await` step at once. The
/// renders are polled only every `pollDelay` seconds here, so without the webhooks the jobs could not finish
/// inside the tests' windows.
@Suite(.enabled(if: TestDatabase.isAvailable, TestDatabase.skipReason), .serialized)
struct FleetWebhookTests {
    /// Far longer than the window each test waits: only a webhook can end a render's wait in time.
    static let pollDelay = 900.0
    static let window = FleetChainTests.startup + 180

    /// The port the worker's webhook listener bound (it was asked for port 0), from its log.
    static func listenerPort(_ worker: WorkerProcess) async throws -> Int? {
        try await loggedPort(worker, #"listen=http://127\.0\.0\.1:[0-9]+"#)
    }

    /// The port the worker's metrics server bound (it was asked for port 0), from its log.
    static func metricsPort(_ worker: WorkerProcess) async throws -> Int? {
        try await loggedPort(worker, #"metrics at http://127\.0\.0\.1:[0-9]+"#)
    }

    static func loggedPort(_ worker: WorkerProcess, _ pattern: String) async throws -> Int? {
        var port: Int?
        _ = try await eventually(timeout: FleetChainTests.startup) {
            let log = worker.log
            guard let range = log.range(of: pattern, options: .regularExpression) else { return false }
            port = Int(log[range].split(separator: ":").last ?? "")
            return true
        }
        return port
    }

    /// A worker's `/metrics`, parsed: each sample's value by its series, labels in name order
    /// (`clipkit_webhooks_total{outcome="woke",provider="kkiai"}`).
    static func metrics(port: Int) async throws -> [String: Double] {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(30))
        #expect(response.status == .ok)
        let text = String(buffer: try await response.body.collect(upTo: 4 << 20))
        var values: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            let sample = line[..<space]
            guard let brace = sample.firstIndex(of: "{"), sample.hasSuffix("}") else {
                values[String(sample)] = value
                continue
            }
            let labels = sample[sample.index(after: brace)..<sample.index(before: sample.endIndex)]
                .split(separator: ",").map(String.init).sorted()
            values[String(sample[..<brace]) + "{" + labels.joined(separator: ",") + "}"] = value
        }
        return values
    }

    /// The series key ``metrics(port:)`` uses.
    static func series(_ name: String, _ labels: [String: String]) -> String {
        name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",") + "}"
    }

    /// The `clipkit_webhooks_total` samples alone.
    static func webhookCounts(_ metrics: [String: Double]) -> [String: Double] {
        metrics.filter { $0.key.hasPrefix("clipkit_webhooks_total{") }
    }

    static func post(_ url: String, body: String, headers: [(String, String)] = []) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        _ = try? await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    @Test func webhookOptionsThatCannotWorkAreRefusedBeforeTheQueueIsReached() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-webhook-options")
        defer { directory.remove() }
        let base = ["worker", "--queue", "postgres://clipkit@127.0.0.1:1/postgres", "--store", directory.file("store")]
        for (extra, flag) in [
            (["--public-url", "https://hooks.example.com"], "--public-url needs --webhook-port"),
            (["--webhook-port", "0", "--public-url", "ftp://hooks.example.com"], "--public-url must be an http(s) URL"),
            (["--webhook-port", "70000"], "--webhook-port must be 0...65535"),
        ] {
            let result = try await runClipKit(base + extra, in: directory.path)
            #expect(result.status != 0 && result.stderr.contains(flag), "\(extra): \(result.stderr)")
        }
    }

    @Test func aWebhookWakesTheAwaitStepSoAChainFinishesLongBeforeItsPollWouldHaveComeWithOneCreatePerSegment() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-webhooks")
        defer { directory.remove() }
        let sandbox = try await FleetChainTests.sandbox()
        do {
            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                try await FleetChainTests.submit([FleetChainTests.line("h", sandbox: sandbox, segments: 2)], url: url, in: directory)
                let store = directory.file("store")
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                let worker = try WorkerProcess(
                    name: "w", url: url, store: store, concurrency: 2, lease: FleetChainTests.lease,
                    extra: ["--webhook-port", "0", "--debug-poll-delay", "\(Self.pollDelay)"],
                    environment: FleetChainTests.environment)
                let port = try #require(try await Self.listenerPort(worker), "\(worker.log)")
                #expect(try await eventually(timeout: Self.window) { try await FleetChainTests.settled(queue) }, "\(worker.log)")
                worker.signal(SIGTERM)
                #expect(await worker.waitForExit(timeout: FleetChainTests.lease * 10) == 0, "\(worker.log)")
                let job = try #require(try await queue.job("h"))
                #expect(job.state == .done, "\(job.error ?? "")")
                let submits = job.tasks.filter { $0.kind == "submit" }
                #expect(submits.map(\.segment) == [0, 1])
                let creates = await sandbox.creates(of: .kkiai)
                #expect(creates.filter { $0.taskID != nil }.count == 2, "one create per segment")
                let inspection = await sandbox.inspect()
                for submit in submits {
                    let taskID = try #require(submit.providerTaskID)
                    let task = try #require(inspection.tasks.first { $0.id == taskID })
                    // The callback URL names the worker's listener and the submit's reference.
                    #expect(task.callbackURL?.hasPrefix(
                        "http://127.0.0.1:\(port)/hooks/kkiai/\(submit.clientRef.uuidString.lowercased())/") == true)
                    #expect(inspection.webhooksDelivered(for: taskID) >= 1, "the worker accepted the task's callback")
                }
                // Each segment's await step was woken by its callback (and polled once: the task had finished).
                let woken = worker.log.components(separatedBy: "webhook woke 1 step(s)").count - 1
                #expect(woken == 2, "\(worker.log)")
                let awaits = job.tasks.filter { $0.kind == "await" }
                #expect(awaits.count == 2 && awaits.allSatisfy { $0.state == .done })
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    @Test func aWebhookWithAWrongTokenOrReferenceIsRefusedAndWakesNothingWhileTheRightOneDoesAndMetricsCountEach() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-webhooks-forged")
        defer { directory.remove() }
        let sandbox = try await FleetChainTests.sandbox()
        do {
            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                try await FleetChainTests.submit([FleetChainTests.line("f", sandbox: sandbox, segments: 2)], url: url, in: directory)
                let store = directory.file("store")
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                // The provider is told a public URL nobody listens on: its own callbacks are lost, and only the
                // test's hand-made ones reach the listener.
                let worker = try WorkerProcess(
                    name: "w", url: url, store: store, concurrency: 2, lease: FleetChainTests.lease,
                    extra: ["--webhook-port", "0", "--public-url", "http://127.0.0.1:9", "--debug-poll-delay", "\(Self.pollDelay)",
                            "--metrics-port", "0"],
                    environment: FleetChainTests.environment)
                let port = try #require(try await Self.listenerPort(worker), "\(worker.log)")
                let metricsPort = try #require(try await Self.metricsPort(worker), "\(worker.log)")
                // Wait until the submit was recorded and its await step sleeps.
                var submit: StepStatus?
                #expect(try await eventually(timeout: Self.window) {
                    let job = try await queue.job("f")
                    submit = job?.tasks.first { $0.kind == "submit" && $0.segment == 0 && $0.state == .done }
                    return submit != nil && job?.tasks.contains { $0.kind == "await" && $0.state == .available } == true
                }, "\(worker.log)")
                let step = try #require(submit)
                let taskID = try #require(step.providerTaskID)
                let reference = step.clientRef.uuidString.lowercased()
                let key = try await queue.webhookKey()
                let webhooks = try #require(FleetWebhooks(key: key, publicURL: URL(string: "http://127.0.0.1:\(port)")!))
                let good = webhooks.callback(for: .kkiai, clientRef: step.clientRef).url.absoluteString
                let token = String(good.split(separator: "/").last!)
                let body = #"{"id": "\#(taskID)", "state": "completed"}"#
                let base = "http://127.0.0.1:\(port)/hooks"
                // A wrong token, another reference with this token, this token under another provider's path,
                // and a URL signed with another fleet's key: all refused before anything is woken.
                #expect(try await Self.post("\(base)/kkiai/\(reference)/\(WebhookToken.random())", body: body) == 404)
                #expect(try await Self.post("\(base)/kkiai/\(UUID().uuidString.lowercased())/\(token)", body: body) == 404)
                #expect(try await Self.post("\(base)/luma/\(reference)/\(token)", body: body) == 404)
                let other = try #require(
                    FleetWebhooks(key: WebhookToken.generateSecret(), publicURL: URL(string: "http://127.0.0.1:\(port)")!))
                #expect(try await Self.post(other.callback(for: .kkiai, clientRef: step.clientRef).url.absoluteString, body: body) == 404)
                // Not callbacks at all: a reference that is not a UUID, a provider ClipKit does not have, and the
                // right URL with a body that names no task.
                #expect(try await Self.post("\(base)/kkiai/not-a-reference/\(token)", body: body) == 404)
                #expect(try await Self.post("\(base)/nosuch/\(reference)/\(token)", body: body) == 404)
                #expect(try await Self.post(good, body: "not json") == 400)
                #expect(!worker.log.contains("webhook woke"), "\(worker.log)")
                // Nothing was woken: the first segment's await step still sleeps.
                #expect(try await queue.job("f")?.tasks.contains { $0.kind == "submit" && $0.segment == 1 } == false)
                // The callback the worker issued is accepted and ends the wait: the second segment is submitted.
                // Sent, as KKIAI sends it, once the render has finished (the woken step polls only once).
                #expect(try await eventually(timeout: Self.window) {
                    await sandbox.inspect().tasks.first { $0.id == taskID }?.state == .succeeded
                })
                #expect(try await Self.post(good, body: body) == 202)
                #expect(try await eventually(timeout: Self.window) {
                    try await queue.job("f")?.tasks.contains { $0.kind == "submit" && $0.segment == 1 && $0.state == .done } == true
                }, "\(worker.log)")
                // The worker's /metrics counts every callback once, by provider and outcome.
                let woke = Self.series("clipkit_webhooks_total", ["provider": "kkiai", "outcome": "woke"])
                var counts: [String: Double] = [:]
                #expect(try await eventually(timeout: Self.window) {
                    counts = Self.webhookCounts(try await Self.metrics(port: metricsPort))
                    return counts[woke] == 1
                }, "\(counts)")
                #expect(counts == [
                    woke: 1,
                    Self.series("clipkit_webhooks_total", ["provider": "kkiai", "outcome": "rejected"]): 3,
                    Self.series("clipkit_webhooks_total", ["provider": "luma", "outcome": "rejected"]): 1,
                    Self.series("clipkit_webhooks_total", ["provider": "kkiai", "outcome": "malformed"]): 2,
                    Self.series("clipkit_webhooks_total", ["provider": "unknown", "outcome": "malformed"]): 1,
                ])
                let wakes = try await Self.metrics(port: metricsPort)
                #expect(wakes[Self.series("clipkit_webhook_wake_duration_seconds_count", ["provider": "kkiai"])] == 1, "\(wakes)")
                // The woken await step was claimed once (its lag from the wake to the claim is recorded).
                #expect(wakes[Self.series("clipkit_queue_claim_lag_seconds_count", ["kind": "await"])] == 1, "\(wakes)")
                worker.signal(SIGTERM)
                #expect(await worker.waitForExit(timeout: FleetChainTests.lease * 10) == 0, "\(worker.log)")
                #expect(worker.log.contains("webhook woke 1 step(s)"), "\(worker.log)")
                #expect(await sandbox.creates(of: .kkiai).filter { $0.taskID != nil }.count == 2, "one create per segment")
                #expect(await sandbox.inspect().webhooksDelivered(for: taskID) == 0, "the provider's own callback went nowhere")
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }

    /// A free port on loopback now (the listener that takes it later binds with SO_REUSEADDR).
    static func reservePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close().get()
        return port
    }

    /// Behind a load balancer a provider's callback reaches any worker: here each worker's public URL is the
    /// other's listener, so whichever worker submits a segment, its callback lands on the one that did not.
    /// That worker verifies it with the fleet's key from the queue and wakes the step; the renders' polls
    /// (900 s) could not have ended the wait inside the window.
    @Test func aCallbackThatReachesTheWorkerThatDidNotSubmitIsVerifiedThereAndWakesTheStepWithOneCreatePerSegment() async throws {
        let directory = try TemporaryDirectory("clipkit-fleet-webhooks-routed")
        defer { directory.remove() }
        let sandbox = try await FleetChainTests.sandbox()
        do {
            try await TestDatabase.withQueue { (queue: PostgresJobQueue, url: QueueURL) async throws -> Void in
                let store = directory.file("store")
                try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
                // No worker is killed here: a long lease, so no step changes hands on a busy machine.
                let lease = 10.0
                let common = ["--debug-poll-delay", "\(Self.pollDelay)", "--metrics-port", "0"]
                let portB = try await Self.reservePort()
                let a = try WorkerProcess(
                    name: "a", url: url, store: store, concurrency: 2, lease: lease,
                    extra: ["--webhook-port", "0", "--public-url", "http://127.0.0.1:\(portB)"] + common,
                    environment: FleetChainTests.environment)
                let portA = try #require(try await Self.listenerPort(a), "\(a.log)")
                let b = try WorkerProcess(
                    name: "b", url: url, store: store, concurrency: 2, lease: lease,
                    extra: ["--webhook-port", "\(portB)", "--public-url", "http://127.0.0.1:\(portA)"] + common,
                    environment: FleetChainTests.environment)
                #expect(try await Self.listenerPort(b) == portB, "\(b.log)")
                let metricsPorts = [
                    "a": try #require(try await Self.metricsPort(a), "\(a.log)"),
                    "b": try #require(try await Self.metricsPort(b), "\(b.log)"),
                ]
                let listeners = ["a": portA, "b": portB]
                // Only now the work: every callback URL a worker issues names a listener already up.
                try await FleetChainTests.submit([FleetChainTests.line("lb", sandbox: sandbox, segments: 2)], url: url, in: directory)
                #expect(try await eventually(timeout: Self.window) { try await FleetChainTests.settled(queue) }, "\(a.log)\n\(b.log)")

                let job = try #require(try await queue.job("lb"))
                #expect(job.state == .done, "\(job.error ?? "")")
                let submits = job.tasks.filter { $0.kind == "submit" }
                #expect(submits.map(\.segment) == [0, 1])
                #expect(await sandbox.creates(of: .kkiai).filter { $0.taskID != nil }.count == 2, "one create per segment")
                let inspection = await sandbox.inspect()
                let logs = ["a": a.log, "b": b.log]
                var expectedWakes = ["a": 0.0, "b": 0.0]
                for submit in submits {
                    let submitter = try #require(submit.completedBy)
                    let receiver = submitter == "a" ? "b" : "a"
                    expectedWakes[receiver, default: 0] += 1
                    let taskID = try #require(submit.providerTaskID)
                    let task = try #require(inspection.tasks.first { $0.id == taskID })
                    // The submitter sent the provider the other worker's address, and the provider delivered there.
                    #expect(task.callbackURL?.hasPrefix(
                        "http://127.0.0.1:\(listeners[receiver]!)/hooks/kkiai/\(submit.clientRef.uuidString.lowercased())/") == true,
                        "\(task.callbackURL ?? "none")")
                    #expect(inspection.webhooksDelivered(for: taskID) >= 1)
                    // The receiver verified it and woke the segment's step; the submitter saw no callback.
                    let reference = submit.clientRef.uuidString
                    func wokeIt(_ log: String) -> Bool {
                        log.split(separator: "\n").contains { $0.contains("webhook woke 1 step(s)") && $0.contains(reference) }
                    }
                    #expect(wokeIt(logs[receiver]!), "segment \(submit.segment): \(logs[receiver]!)")
                    #expect(!logs[submitter]!.split(separator: "\n").contains { $0.contains("webhook") && $0.contains(reference) },
                            "segment \(submit.segment): \(logs[submitter]!)")
                }
                let awaits = job.tasks.filter { $0.kind == "await" }
                #expect(awaits.count == 2 && awaits.allSatisfy { $0.state == .done })
                // Each worker's /metrics: as many wakes as the other worker submitted, and nothing refused.
                for name in ["a", "b"] {
                    let woke = Self.series("clipkit_webhooks_total", ["provider": "kkiai", "outcome": "woke"])
                    var counts: [String: Double] = [:]
                    _ = try await eventually(timeout: FleetChainTests.startup) {
                        counts = Self.webhookCounts(try await Self.metrics(port: metricsPorts[name]!))
                        return counts[woke, default: 0] >= expectedWakes[name]!
                    }
                    #expect(counts[woke, default: 0] == expectedWakes[name]!, "worker \(name): \(counts)")
                    #expect(counts.keys.allSatisfy { !$0.contains("rejected") && !$0.contains("malformed") }, "worker \(name): \(counts)")
                }
                for worker in [a, b] { worker.signal(SIGTERM) }
                for worker in [a, b] { #expect(await worker.waitForExit(timeout: lease * 10) == 0, "\(worker.log)") }
            }
        } catch {
            await sandbox.stop()
            throw error
        }
        await sandbox.stop()
    }
}
