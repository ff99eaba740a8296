import ClipProviders
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Testing

/// An API key must not appear in error descriptions, log lines, encoded requests or snapshots.
struct SecretLeakTests {
    static let key = "sk-live-SECRET-7f3a9c1d2e"

    @Test func apiKeyNeverPrintsOrEncodesItsValue() throws {
        let key = APIKey(Self.key)
        #expect(!"\(key)".contains(Self.key))
        #expect(!String(reflecting: key).contains(Self.key))
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains(Self.key))
        #expect(!String(decoding: try JSONEncoder().encode(key), as: UTF8.self).contains(Self.key))
        let configuration = ProviderConfiguration(kind: .luma, apiKey: key)
        #expect(!"\(configuration)".contains(Self.key))
        var dumpedConfiguration = ""
        dump(configuration, to: &dumpedConfiguration)
        #expect(!dumpedConfiguration.contains(Self.key))
    }

    @Test func theKeyStaysOutOfErrorsAndLogsEvenWhenTheServerEchoesIt() async throws {
        let (logger, store) = CapturingLogHandler.logger()
        let errors = Recorder<String>()
        try await FakeProviderServer.run({ router in
            router.post("/api/v1/task") { request, _ in
                let echoed = request.headers[HTTPField.Name("x-api-key")!] ?? ""
                return FakeProviderServer.json(
                    #"{"code": 401, "message": "key \#(echoed) is not valid"}"#, status: .unauthorized)
            }
            router.get("/api/v1/task/{id}") { request, _ in
                let echoed = request.headers[HTTPField.Name("x-api-key")!] ?? ""
                return FakeProviderServer.json("upstream exploded for \(echoed)", status: .internalServerError)
            }
            router.post("/dream-machine/v1/generations") { request, _ in
                let echoed = request.headers[.authorization] ?? ""
                return FakeProviderServer.json(#"{"detail": "bad header \#(echoed)"}"#, status: .badGateway)
            }
        }) { base in
            let options = ProviderClientOptions(
                retryPolicy: RetryPolicy(maxAttempts: 2, random: { _ in 0 }), timeout: .seconds(10), logger: logger)
            let piapi = PiAPIClient(
                configuration: ProviderConfiguration(kind: .piapi, baseURL: base, apiKey: APIKey(Self.key)),
                options: options)
            let luma = LumaClient(
                configuration: ProviderConfiguration(kind: .luma, baseURL: base, apiKey: APIKey(Self.key)),
                options: options)
            do { _ = try await piapi.submit(GenerationRequest(prompt: "a")) } catch { errors.append("\(error)") }
            do { _ = try await piapi.fetch(taskID: "t") } catch { errors.append("\(error)") }
            do { _ = try await luma.submit(GenerationRequest(prompt: "a cat")) } catch { errors.append("\(error)") }
        }
        #expect(errors.all.count == 3)
        for message in errors.all {
            #expect(!message.contains(Self.key), "\(message)")
        }
        #expect(errors.all[0].contains("<redacted>"))
        #expect(!store.lines.isEmpty)
        for line in store.lines {
            #expect(!line.contains(Self.key), "\(line)")
        }
    }

    @Test func snapshotsRedactThePiAPIWebhookSecretEcho() async throws {
        var sample = try Samples.json("piapi/task-completed-dialect-b.json")
        if case .object(var root) = sample, case .object(var data)? = root["data"],
            case .object(var config)? = data["config"]
        {
            config["webhook_config"] = .object([
                "endpoint": .string("https://hooks.example/p"), "secret": .string("hook-secret-123"),
            ])
            data["config"] = .object(config)
            root["data"] = .object(data)
            sample = .object(root)
        }
        let transport = ScriptedTransport(status: 200, json: sample.encoded())
        let client = PiAPIClient(
            configuration: ProviderConfiguration(kind: .piapi, apiKey: APIKey(Self.key)),
            options: ProviderClientOptions(transport: transport))
        let snapshot = try await client.fetch(taskID: "c42f6ec7")
        let encoded = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        #expect(!encoded.contains("hook-secret-123"))
        #expect(!String(decoding: snapshot.raw, as: UTF8.self).contains("hook-secret-123"))
        #expect(encoded.contains("hooks.example"))
        // The key was sent in the header, not in the URL or body.
        let request = try #require(transport.requests.first)
        #expect(!request.url.absoluteString.contains(Self.key))
        #expect(request.body == nil)
        #expect(request.headers.first(name: "x-api-key") == Self.key)
    }

    @Test func encodedRequestsNeverContainTheWebhookSecret() throws {
        let request = GenerationRequest(
            prompt: "a", webhookURL: URL(string: "https://h.example/x"), webhookSecret: "whsec-999")
        let encoded = String(decoding: try JSONEncoder().encode(request), as: UTF8.self)
        #expect(!encoded.contains("whsec-999"))
        #expect(!request.description.contains("whsec-999"))
        let decoded = try JSONDecoder().decode(GenerationRequest.self, from: Data(encoded.utf8))
        #expect(decoded.webhookSecret == nil)
        #expect(decoded.webhookURL == request.webhookURL)
    }

    // MARK: Provider text that echoes the key

    static func client(_ kind: ProviderKind, answering body: String, status: Int = 200) -> any VideoGenerationProvider {
        ProviderClients.make(
            ProviderConfiguration(kind: kind, apiKey: APIKey(key)),
            options: ProviderClientOptions(
                transport: ScriptedTransport(status: status, json: Data(body.utf8)), retryPolicy: .none))
    }

    /// A failed task per provider (and per answer family) whose failure text quotes the key.
    static let failedTasks: [(ProviderKind, String)] = [
        (
            .piapi,
            #"{"code": 200, "message": "success", "data": {"task_id": "t", "status": "failed", "error": {"code": 10000, "message": "upstream refused key \#(key)", "raw_message": "\#(key)"}}}"#
        ),
        (.kkiai, #"{"id": "t", "state": "failed", "failure_reason": "token \#(key) was rejected"}"#),
        (
            .kkiai,
            #"{"code": 0, "message": "SUCCEED", "data": {"task_id": "t", "task_status": "failed", "task_status_msg": "token \#(key) was rejected"}}"#
        ),
        (.pixwith, #"{"code": 1, "message": "success", "data": {"task_id": "t", "status": 3, "error": "key \#(key) has no credits"}}"#),
        (.pixwith, #"{"code": 1, "message": "key \#(key) has no credits", "data": {"task_id": "t", "status": 3}}"#),
        (.luma, #"{"id": "t", "state": "failed", "failure_reason": "Failed to read user input frames for \#(key)"}"#),
    ]

    @Test(arguments: 0..<failedTasks.count)
    func aFailureReasonThatEchoesTheKeyIsRedacted(index: Int) async throws {
        let (kind, body) = Self.failedTasks[index]
        let snapshot = try await Self.client(kind, answering: body).fetch(taskID: "t")
        guard case .failed(let reason) = snapshot.state else {
            Issue.record("\(kind): expected a failed state, got \(snapshot.state)")
            return
        }
        #expect(!reason.contains(Self.key), "\(kind): \(reason)")
        #expect(reason.contains("<redacted>"), "\(kind): \(reason)")
        #expect(!ProviderError.taskFailed(reason: reason, provider: kind).description.contains(Self.key))
        let encoded = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        #expect(!encoded.contains(Self.key), "\(kind): \(encoded)")
    }

    /// A create refused with a message that quotes the key, per provider.
    static let refusedCreates: [(ProviderKind, String, Int)] = [
        (.piapi, #"{"code": 10002, "message": "insufficient credits for \#(key)", "data": {}}"#, 200),
        (.kkiai, #"{"code": 401, "message": "invalid token \#(key)"}"#, 200),
        (.kkiai, #"{"code": 0, "message": "accepted \#(key)", "data": null}"#, 200),
        (.pixwith, #"{"code": 0, "message": "Insufficient credits for \#(key)", "data": null}"#, 200),
        (.pixwith, #"{"code": 2, "message": "Invalid API key \#(key)", "data": null}"#, 200),
        (.luma, #"{"detail": "400: bad request from \#(key)"}"#, 400),
    ]

    @Test(arguments: 0..<refusedCreates.count)
    func aCreateErrorThatEchoesTheKeyIsRedacted(index: Int) async throws {
        let (kind, body, status) = Self.refusedCreates[index]
        let error = await #expect(throws: ProviderError.self) {
            try await Self.client(kind, answering: body, status: status).submit(GenerationRequest(prompt: "a cat"))
        }
        let text = error?.description ?? ""
        #expect(!text.isEmpty)
        #expect(!text.contains(Self.key), "\(kind): \(text)")
        #expect(text.contains("<redacted>"), "\(kind): \(text)")
    }
}
