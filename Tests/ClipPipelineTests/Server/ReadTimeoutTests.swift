import ClipPipeline
import Foundation
import Testing

/// Half-sent requests do not hold a connection open forever.
struct ReadTimeoutTests {
    /// The server's timeouts are one second; the test waits up to `patience` for the hang-up, which only a
    /// server without timeouts would need (it never comes then).
    static let patience = 30.0

    static func withServer(_ body: (ClipServer, RawHTTP) async throws -> Void) async throws {
        let server = try await ClipServer.start(.init(idleTimeout: .seconds(1), bodyTimeout: .seconds(1)))
        do {
            try await body(server, RawHTTP(port: server.port))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func aRequestHeadThatNeverEndsIsClosed() async throws {
        try await Self.withServer { server, http async throws in
            let fd = try http.connect(readTimeout: Self.patience)
            defer { close(fd) }
            RawHTTP.send(fd, Array("GET /gallery/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8))
            let started = Date()
            let reply = await RawHTTP.readToClose(fd)
            #expect(reply != nil, "still open after \(Self.patience) s")
            #expect(Date().timeIntervalSince(started) < Self.patience)
        }
    }

    @Test func aConnectionThatSendsNothingIsClosed() async throws {
        try await Self.withServer { server, http async throws in
            let fd = try http.connect(readTimeout: Self.patience)
            defer { close(fd) }
            #expect(await RawHTTP.readToClose(fd) != nil, "still open after \(Self.patience) s")
        }
    }

    @Test func aWebhookBodyThatTricklesIsCutOff() async throws {
        try await Self.withServer { server, http async throws in
            let url = await server.callbackURL(for: .luma, reference: "r")
            let fd = try http.connect(readTimeout: 0.2)
            defer { close(fd) }
            RawHTTP.send(fd, Array("POST \(url.path) HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{".utf8))
            // One byte every 0.2 s keeps the connection from being idle; the body deadline still ends it.
            var received: [UInt8]?
            let deadline = Date().addingTimeInterval(Self.patience)
            while received == nil, Date() < deadline {
                RawHTTP.send(fd, Array(" ".utf8))
                received = await RawHTTP.readToClose(fd)
            }
            let bytes = try #require(received, "still reading the body after \(Self.patience) s")
            if !bytes.isEmpty {
                #expect(try RawHTTP.parse(bytes, method: "POST").status == 408)
            }
        }
    }
}
