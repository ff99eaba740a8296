import ClipPipeline
import ClipTestSupport
import Foundation
import Testing

/// `clipkit serve`'s byte ranges and HEAD, as RFC 9110 §14 reads them, on a gallery file and a hosted frame.
struct ByteRangeTests {
    static let content: [UInt8] = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }

    /// A server with a site holding `clip.mp4` (1000 known bytes), and a hosted frame with the same bytes.
    static func withServer(_ body: (RawHTTP, _ framePath: String) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let site = directory.file("site")
        try FileManager.default.createDirectory(atPath: site, withIntermediateDirectories: true)
        try Data(content).write(to: URL(fileURLWithPath: site + "/clip.mp4"))
        try Data("<html>ClipKit gallery</html>".utf8).write(to: URL(fileURLWithPath: site + "/index.html"))
        try Data(content).write(to: URL(fileURLWithPath: directory.file("frame.png")))
        let server = try await ClipServer.start(.init(site: site))
        let frame = await server.host(file: directory.file("frame.png"))
        do {
            try await body(RawHTTP(port: server.port), frame.path)
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    static let paths = ["/gallery/clip.mp4", "frame"]

    @Test(arguments: paths)
    func aSuffixRangeServesTheLastBytes(_ which: String) async throws {
        try await Self.withServer { http, frame async throws in
            let path = which == "frame" ? frame : which
            let reply = try await http.request("GET", path, headers: ["Range": "bytes=-100"])
            #expect(reply.status == 206)
            #expect(reply.headers["content-range"] == "bytes 900-999/1000")
            #expect(reply.body == Array(Self.content[900...]))
            let longer = try await http.request("GET", path, headers: ["Range": "bytes=-5000"])
            #expect(longer.status == 206 && longer.body == Self.content, "a suffix longer than the file is the whole file")
            #expect(longer.headers["content-range"] == "bytes 0-999/1000")
        }
    }

    @Test(arguments: paths)
    func rangesWithinAndAcrossTheEndAreServedClamped(_ which: String) async throws {
        try await Self.withServer { http, frame async throws in
            let path = which == "frame" ? frame : which
            let first = try await http.request("GET", path, headers: ["Range": "bytes=0-99"])
            #expect(first.status == 206 && first.body == Array(Self.content[0..<100]))
            let open = try await http.request("GET", path, headers: ["Range": "bytes=990-"])
            #expect(open.status == 206 && open.body == Array(Self.content[990...]))
            let across = try await http.request("GET", path, headers: ["Range": "bytes=995-5000"])
            #expect(across.status == 206 && across.body == Array(Self.content[995...]))
            #expect(across.headers["content-range"] == "bytes 995-999/1000")
        }
    }

    @Test(arguments: paths)
    func aRangeStartingAtOrPastTheEndIs416WithTheLength(_ which: String) async throws {
        try await Self.withServer { http, frame async throws in
            let path = which == "frame" ? frame : which
            for range in ["bytes=1000-", "bytes=1000-1200", "bytes=5000-6000", "bytes=-0", "bytes=99999999999999999999999-"] {
                let reply = try await http.request("GET", path, headers: ["Range": range])
                #expect(reply.status == 416, "\(range)")
                #expect(reply.headers["content-range"] == "bytes */1000", "\(range)")
                #expect(reply.body.isEmpty, "\(range)")
            }
        }
    }

    /// Several ranges, invalid ones and other units are ignored: the whole file, 200 (§14.2 allows it).
    @Test(arguments: paths)
    func multipleInvalidAndForeignRangesAreIgnored(_ which: String) async throws {
        try await Self.withServer { http, frame async throws in
            let path = which == "frame" ? frame : which
            for range in ["bytes=0-1,5-6", "bytes=5-2", "bytes=abc", "bytes=", "bytes=-", "items=0-1", "bytes 0-1"] {
                let reply = try await http.request("GET", path, headers: ["Range": range])
                #expect(reply.status == 200, "\(range)")
                #expect(reply.body == Self.content, "\(range)")
                #expect(reply.headers["content-range"] == nil, "\(range)")
            }
        }
    }

    @Test(arguments: paths)
    func headAnswersLikeGetWithoutTheBody(_ which: String) async throws {
        try await Self.withServer { http, frame async throws in
            let path = which == "frame" ? frame : which
            let get = try await http.request("GET", path)
            let head = try await http.request("HEAD", path)
            #expect(get.status == 200 && head.status == 200)
            #expect(head.body.isEmpty)
            #expect(head.headers["content-length"] == "1000" && get.headers["content-length"] == "1000")
            #expect(head.headers["content-type"] == get.headers["content-type"])
            #expect(head.headers["accept-ranges"] == "bytes")
            // Range is defined for GET only: a HEAD with one describes the whole file.
            let ranged = try await http.request("HEAD", path, headers: ["Range": "bytes=-100"])
            #expect(ranged.status == 200 && ranged.headers["content-length"] == "1000" && ranged.body.isEmpty)
            let missing = try await http.request("HEAD", which == "frame" ? frame + "x" : "/gallery/none.mp4")
            #expect(missing.status == 404)
        }
    }
}
