import ClipPipeline
import ClipProviders
import Foundation
import Testing

/// Callback tokens belong to one provider and one submit; PiAPI's secret is checked on every path.
struct WebhookRoutingTests {
    actor Received {
        var callbacks: [ClipServer.Callback] = []
        func add(_ callback: ClipServer.Callback) { callbacks.append(callback) }
    }

    static let secret = "s3cret-for-tests"

    static func piapiBody(task: String) -> [UInt8] {
        Array(#"{"timestamp": 1, "data": {"task_id": "\#(task)", "status": "processing"}}"#.utf8)
    }

    static func lumaBody(task: String) -> [UInt8] { Array(#"{"id": "\#(task)", "state": "dreaming"}"#.utf8) }

    static func withServer(_ body: (ClipServer, RawHTTP, Received) async throws -> Void) async throws {
        let received = Received()
        let server = try await ClipServer.start(.init(webhookSecret: secret), onCallback: { await received.add($0) })
        do {
            try await body(server, RawHTTP(port: server.port), received)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// `url` with its provider segment replaced, as someone replaying a token elsewhere would post it.
    static func path(_ url: URL, under provider: String) -> String {
        var parts = url.path.split(separator: "/").map(String.init)
        parts[1] = provider
        return "/" + parts.joined(separator: "/")
    }

    @Test func aCallbackCarriesTheProviderAndReferenceItsURLWasMadeFor() async throws {
        try await Self.withServer { server, http, received async throws in
            let reference = UUID().uuidString
            let url = await server.callbackURL(for: .luma, reference: reference)
            #expect(url.path.hasPrefix("/hooks/luma/"))
            let reply = try await http.request("POST", url.path, body: Self.lumaBody(task: "gen-1"))
            #expect(reply.status == 200)
            let callbacks = await received.callbacks
            #expect(callbacks.count == 1)
            #expect(callbacks.first?.provider == .luma && callbacks.first?.reference == reference)
            #expect(callbacks.first?.event.taskID == "gen-1")
        }
    }

    @Test func aPiAPITokenPostedUnderAnotherProvidersPathIsRefusedWithoutItsSecret() async throws {
        try await Self.withServer { server, http, received async throws in
            let url = await server.callbackURL(for: .piapi, reference: UUID().uuidString)
            // The KKIAI reader would accept PiAPI's body shape: the path must not decide who is checked.
            for provider in ["kkiai", "luma", "pixwith"] {
                let reply = try await http.request("POST", Self.path(url, under: provider), body: Self.piapiBody(task: "t1"))
                #expect(reply.status == 404, "\(provider)")
                let signed = try await http.request(
                    "POST", Self.path(url, under: provider), headers: ["x-webhook-secret": Self.secret], body: Self.piapiBody(task: "t1"))
                #expect(signed.status == 404, "a token is only valid under its own provider's path: \(provider)")
            }
            let unsigned = try await http.request("POST", url.path, body: Self.piapiBody(task: "t1"))
            #expect(unsigned.status == 401)
            let wrong = try await http.request("POST", url.path, headers: ["x-webhook-secret": "guess"], body: Self.piapiBody(task: "t1"))
            #expect(wrong.status == 401)
            #expect(await received.callbacks.isEmpty)
            let signed = try await http.request("POST", url.path, headers: ["x-webhook-secret": Self.secret], body: Self.piapiBody(task: "t1"))
            #expect(signed.status == 200)
            #expect(await received.callbacks.count == 1)
        }
    }

    @Test func anotherProvidersTokenPostedUnderPiAPIsPathIsRefused() async throws {
        try await Self.withServer { server, http, received async throws in
            let url = await server.callbackURL(for: .kkiai, reference: UUID().uuidString)
            let reply = try await http.request(
                "POST", Self.path(url, under: "piapi"), headers: ["x-webhook-secret": Self.secret], body: Self.piapiBody(task: "t1"))
            #expect(reply.status == 404)
            #expect(await received.callbacks.isEmpty)
        }
    }

    @Test func aTokenCarriesTheEventsOfOneTaskOnly() async throws {
        try await Self.withServer { server, http, received async throws in
            let url = await server.callbackURL(for: .luma, reference: UUID().uuidString)
            #expect(try await http.request("POST", url.path, body: Self.lumaBody(task: "gen-1")).status == 200)
            #expect(try await http.request("POST", url.path, body: Self.lumaBody(task: "gen-2")).status == 409)
            let again = Array(#"{"id": "gen-1", "state": "completed"}"#.utf8)
            #expect(try await http.request("POST", url.path, body: again).status == 200)
            #expect(await received.callbacks.map(\.event.taskID) == ["gen-1", "gen-1"])
        }
    }

    @Test func unknownTokensAndProvidersAreNotFound() async throws {
        try await Self.withServer { server, http, received async throws in
            _ = await server.callbackURL(for: .luma, reference: "r")
            #expect(try await http.request("POST", "/hooks/luma/not-a-token", body: Self.lumaBody(task: "g")).status == 404)
            #expect(try await http.request("POST", "/hooks/nobody/x", body: Self.lumaBody(task: "g")).status == 404)
            #expect(await received.callbacks.isEmpty)
        }
    }
}
