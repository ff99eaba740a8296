import ClipProviders
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// Each client against a fake provider on 127.0.0.1: exact paths, methods, auth header names and bodies.
struct LiveProviderTests {
    struct Seen: Sendable {
        var method: String
        var path: String
        var headers: [String: String]
        var body: Data
    }

    static func record(_ request: Request, into recorder: Recorder<Seen>) async throws {
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let body = try await FakeProviderServer.body(of: request)
        recorder.append(Seen(method: request.method.rawValue, path: request.uri.string, headers: headers, body: body))
    }

    static func options() -> ProviderClientOptions {
        ProviderClientOptions(retryPolicy: .none, timeout: .seconds(10))
    }

    @Test func piapiSendsXAPIKeyAndSpeaksTheTaskEndpoints() async throws {
        let seen = Recorder<Seen>()
        let created = try Samples.data("piapi/create-response.json")
        let completed = try Samples.data("piapi/task-completed-dialect-b.json")
        try await FakeProviderServer.run({ router in
            router.post("/api/v1/task") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(created)
            }
            router.get("/api/v1/task/{id}") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(completed)
            }
            router.delete("/api/v1/task/{id}") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(#"{"code": 200, "message": "success", "data": null}"#)
            }
        }) { base in
            let client = PiAPIClient(
                configuration: ProviderConfiguration(kind: .piapi, baseURL: base, apiKey: APIKey("pi-key-1")),
                options: Self.options())
            let id = try await client.submit(GenerationRequest(prompt: "a cafe", duration: 5))
            #expect(id == "c42f6ec7-36cd-45a3-981c-826b6d101f58")
            let snapshot = try await client.fetch(taskID: id)
            #expect(snapshot.state == .succeeded)
            try await client.cancel(taskID: id)
        }
        let requests = seen.all
        #expect(requests.map(\.method) == ["POST", "GET", "DELETE"])
        #expect(
            requests.map(\.path) == [
                "/api/v1/task", "/api/v1/task/c42f6ec7-36cd-45a3-981c-826b6d101f58",
                "/api/v1/task/c42f6ec7-36cd-45a3-981c-826b6d101f58",
            ])
        for request in requests {
            #expect(request.headers["x-api-key"] == "pi-key-1")
            #expect(request.headers["authorization"] == nil)
        }
        #expect(requests[0].headers["content-type"] == "application/json")
        let body = try JSONValue.parse(requests[0].body)
        #expect(body.string(at: "input.prompt") == "a cafe")
    }

    @Test func piapiUploadsToItsOwnBaseURLAndAcceptsBothAnswerShapes() async throws {
        let seen = Recorder<Seen>()
        try await FakeProviderServer.run({ router in
            router.post("/api/ephemeral_resource") { request, _ in
                try await Self.record(request, into: seen)
                return seen.all.count == 1
                    ? FakeProviderServer.json(
                        #"{"code":200,"data":{"url":"https://img.theapi.app/e/frame.png"},"message":"success"}"#)
                    : FakeProviderServer.json(#"{"url":"https://img.theapi.app/e/other.png"}"#)
            }
        }) { base in
            let client = PiAPIClient(
                configuration: ProviderConfiguration(
                    kind: .piapi, baseURL: URL(string: "http://127.0.0.1:1")!, apiKey: APIKey("pi-key-1"),
                    uploadBaseURL: base),
                options: Self.options())
            let url = try await client.uploadImage(Data([0x89, 0x50, 0x4E, 0x47]), fileName: "frame.png")
            #expect(url.absoluteString == "https://img.theapi.app/e/frame.png")
            let second = try await client.uploadImage(Data([1, 2]), fileName: "b.jpg")
            #expect(second.absoluteString == "https://img.theapi.app/e/other.png")
        }
        let body = try JSONValue.parse(seen.all[0].body)
        #expect(body.string(at: "file_name") == "frame.png")
        #expect(body.string(at: "file_data") == Data([0x89, 0x50, 0x4E, 0x47]).base64EncodedString())
        #expect(seen.all[0].headers["x-api-key"] == "pi-key-1")
    }

    @Test func kkiaiSendsBearerAndAcceptAndReadsTheEnvelopeFamily() async throws {
        let seen = Recorder<Seen>()
        let envelope = try Samples.data("kkiai/create-response-envelope.json")
        let done = try Samples.data("kkiai/task-completed.json")
        try await FakeProviderServer.run({ router in
            router.post("/luma/generations") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(envelope)
            }
            router.post("/luma/generations/{id}/extend") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(#"{"id": "ext-2", "state": "pending"}"#)
            }
            router.get("/luma/generations/{id}") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(done)
            }
        }) { base in
            let client = KKIAIClient(
                configuration: ProviderConfiguration(kind: .kkiai, baseURL: base, apiKey: APIKey("kk-key-2")),
                options: Self.options())
            let id = try await client.submit(GenerationRequest(prompt: "wind"))
            #expect(id == "4665a07c-7641-4809-a133-10786201bb56")
            #expect(try await client.fetch(taskID: id).state == .succeeded)
            let extended = try await client.submit(GenerationRequest(prompt: "more", extend: ExtendSource(taskID: id)))
            #expect(extended == "ext-2")
        }
        let requests = seen.all
        #expect(
            requests.map(\.path) == [
                "/luma/generations", "/luma/generations/4665a07c-7641-4809-a133-10786201bb56",
                "/luma/generations/4665a07c-7641-4809-a133-10786201bb56/extend",
            ])
        for request in requests {
            #expect(request.headers["authorization"] == "Bearer kk-key-2")
            #expect(request.headers["accept"] == "application/json")
        }
    }

    @Test func pixwithSendsApiKeyAndPollsWithAPost() async throws {
        let seen = Recorder<Seen>()
        let created = try Samples.data("pixwith/create-response.json")
        let done = try Samples.data("pixwith/task-completed.json")
        try await FakeProviderServer.run({ router in
            router.post("/api/task/create") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(created)
            }
            router.post("/api/task/get") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(done)
            }
        }) { base in
            let client = PixwithClient(
                configuration: ProviderConfiguration(
                    kind: .pixwith, baseURL: base, apiKey: APIKey("key_00000000000000000000000000000000")),
                options: Self.options())
            let id = try await client.submit(GenerationRequest(prompt: "a cat"))
            #expect(id == "d425ab4dc256f0ebaa84862b9cea8a3d")
            let snapshot = try await client.fetch(taskID: id)
            #expect(snapshot.videoURL != nil)
            let cancel = await #expect(throws: ProviderError.self) { try await client.cancel(taskID: id) }
            #expect(cancel?.kind == .unsupported)
        }
        let requests = seen.all
        #expect(requests.map(\.method) == ["POST", "POST"])
        #expect(requests[1].body == Data(#"{"task_id":"d425ab4dc256f0ebaa84862b9cea8a3d"}"#.utf8))
        for request in requests {
            #expect(request.headers["api-key"] == "key_00000000000000000000000000000000")
        }
    }

    @Test func lumaSendsBearerAndReportsTheDetailOfAnError() async throws {
        let seen = Recorder<Seen>()
        let error400 = try Samples.data("luma/error-400.json")
        let completed = try Samples.data("luma/generation-completed.json")
        try await FakeProviderServer.run({ router in
            router.post("/prefix/dream-machine/v1/generations") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(error400, status: .badRequest)
            }
            router.get("/prefix/dream-machine/v1/generations/{id}") { request, _ in
                try await Self.record(request, into: seen)
                return FakeProviderServer.json(completed)
            }
        }) { base in
            let client = LumaClient(
                configuration: ProviderConfiguration(
                    kind: .luma, baseURL: base.appendingPathComponent("prefix"), apiKey: APIKey("lu-key-3")),
                options: Self.options())
            let error = await #expect(throws: ProviderError.self) {
                try await client.submit(GenerationRequest(prompt: "a tiger"))
            }
            #expect(error?.statusCode == 400)
            #expect(error?.description == "Luma answered HTTP 400: 400: concepts are not supported for this model")
            let fetched = try await client.fetch(taskID: "d1968551")
            #expect(fetched.state == .succeeded)
        }
        for request in seen.all {
            #expect(request.headers["authorization"] == "Bearer lu-key-3")
        }
    }

    @Test func unauthorizedAnswersBecomeAuthenticationErrors() async throws {
        try await FakeProviderServer.run({ router in
            router.get("/api/v1/task/{id}") { _, _ in
                FakeProviderServer.json(#"{"code": 401, "message": "Invalid API key"}"#, status: .unauthorized)
            }
        }) { base in
            let client = PiAPIClient(
                configuration: ProviderConfiguration(kind: .piapi, baseURL: base, apiKey: APIKey("wrong")),
                options: Self.options())
            let error = await #expect(throws: ProviderError.self) { try await client.fetch(taskID: "x") }
            #expect(error?.kind == .authentication)
            #expect(error?.description == "PiAPI rejected the credentials: HTTP 401: Invalid API key")
        }
    }

    @Test func aRefusedConnectionIsATransportFailureThatSentNothing() async throws {
        let port = try FreePort.closedLoopbackPort()
        let transport = AsyncHTTPTransport()
        let error = await #expect(throws: TransportError.self) {
            try await transport.send(
                ProviderHTTPRequest(method: .GET, url: URL(string: "http://127.0.0.1:\(port)/x")!),
                timeout: .seconds(5),
                logger: nil)
        }
        #expect(error?.nothingSent == true)
    }
}
