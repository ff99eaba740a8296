import Foundation
import Testing

@testable import ClipSandbox

struct ByteRangeTests {
    @Test func resolvesTheThreeFormsOfASingleRange() {
        #expect(ByteRange(header: "bytes=0-99", size: 1000) == .partial(lower: 0, upper: 99))
        #expect(ByteRange(header: "bytes=900-", size: 1000) == .partial(lower: 900, upper: 999))
        #expect(ByteRange(header: "bytes=-100", size: 1000) == .partial(lower: 900, upper: 999))
        #expect(ByteRange(header: "bytes=990-5000", size: 1000) == .partial(lower: 990, upper: 999))
    }

    @Test func servesTheWholeFileForMissingOrUnusableHeaders() {
        #expect(ByteRange(header: nil, size: 10) == .whole)
        #expect(ByteRange(header: "bytes=0-1,4-5", size: 10) == .whole)
        #expect(ByteRange(header: "items=0-1", size: 10) == .whole)
        #expect(ByteRange(header: "bytes=5-2", size: 10) == .whole)
    }

    @Test func refusesARangePastTheEnd() {
        #expect(ByteRange(header: "bytes=1000-", size: 1000) == .unsatisfiable)
        #expect(ByteRange(header: "bytes=-0", size: 1000) == .unsatisfiable)
    }
}

struct SignedLinkTests {
    let store = FileStore(directory: URL(fileURLWithPath: "/tmp"), lifetime: 60)

    func token(of link: String) -> String { String(link.split(separator: "token=")[1]) }

    @Test func aFreshLinkOpensItsFileOnly() {
        let link = store.link(to: "a.mp4", baseURL: "http://127.0.0.1:1")
        #expect(store.refusal(name: "a.mp4", token: token(of: link)) == nil)
        #expect(store.refusal(name: "b.mp4", token: token(of: link)) == "the link's token is invalid")
        #expect(store.refusal(name: "a.mp4", token: nil) == "the link has no token")
    }

    @Test func aLinkExpiresAfterItsLifetime() {
        let link = store.link(to: "a.mp4", baseURL: "http://127.0.0.1:1")
        #expect(
            store.refusal(name: "a.mp4", token: token(of: link), now: Date().addingTimeInterval(120))
                == "the link expired")
    }

    @Test func everyMintedLinkIsDistinct() {
        #expect(store.link(to: "a.mp4", baseURL: "x") != store.link(to: "a.mp4", baseURL: "x"))
    }

    @Test func rejectsPathTraversalNames() {
        #expect(!FileStore.isValidName("../etc/passwd"))
        #expect(!FileStore.isValidName(".hidden"))
        #expect(FileStore.isValidName("abc_last_frame.jpg"))
    }
}

struct FileRoutesTests {
    @Test func rangeRequestsAnswer206WithTheRightBytes() async throws {
        try await withSandbox { _, client in
            let created = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: LumaWireTests.body)
            let id = try #require(created.json["id"]?.stringValue)
            let url = try #require(try await client.lumaGeneration(id).json["assets"]?["video"]?.stringValue)

            let full = try await client.send(.GET, url)
            #expect(full.status == 200)
            #expect(full.headers.first(name: "Accept-Ranges") == "bytes")
            #expect(full.headers.first(name: "Content-Length") == String(full.data.count))
            #expect(full.headers.first(name: "Content-Type") == "video/mp4")

            let part = try await client.send(.GET, url, headers: [("Range", "bytes=100-199")])
            #expect(part.status == 206)
            #expect(part.headers.first(name: "Content-Range") == "bytes 100-199/\(full.data.count)")
            #expect(part.headers.first(name: "Content-Length") == "100")
            #expect(part.data == full.data[100..<200])

            let tail = try await client.send(.GET, url, headers: [("Range", "bytes=-10")])
            #expect(tail.data == full.data.suffix(10))

            let beyond = try await client.send(.GET, url, headers: [("Range", "bytes=\(full.data.count)-")])
            #expect(beyond.status == 416)
            #expect(beyond.headers.first(name: "Content-Range") == "bytes */\(full.data.count)")

            let head = try await client.send(.HEAD, url)
            #expect(head.status == 200)
            #expect(head.headers.first(name: "Content-Length") == String(full.data.count))
        }
    }

    @Test func aTamperedTokenIsForbidden() async throws {
        try await withSandbox { _, client in
            let created = try await client.send(
                .POST, "/dream-machine/v1/generations", headers: client.bearer, json: LumaWireTests.body)
            let id = try #require(created.json["id"]?.stringValue)
            let url = try #require(try await client.lumaGeneration(id).json["assets"]?["video"]?.stringValue)
            let tampered = try await client.send(.GET, String(url.dropLast()) + (url.hasSuffix("0") ? "1" : "0"))
            #expect(tampered.status == 403)
            let bare = try await client.send(.GET, String(url.prefix { $0 != "?" }))
            #expect(bare.status == 403)
        }
    }
}
