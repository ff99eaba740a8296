import ClipPipeline
import ClipTestSupport
import Foundation
import Hummingbird
import NIOCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Serves a built site on 127.0.0.1 the way `clipkit serve --gallery SITE` mounts it.
struct GallerySiteTests {
    @Test func servesThePageAssetsAndClipRangesUnderAPrefix() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let clips = try GalleryTestClips.makeFolder(directory.file("clips"))
        try GalleryTestClips.good("a.mp4", in: clips)
        let site = directory.file("site")
        let report = try await GalleryBuilder(inputs: [clips], site: site).build()
        let entry = try #require(report.manifest.clips.first)

        let router = Router()
        GallerySite.addRoutes(to: router, root: site, path: "/gallery")
        let port = PortBox()
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { await port.set($0.localAddress?.port ?? 0) })
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        let base = "http://127.0.0.1:\(await port.wait())"

        let session = URLSession(configuration: .ephemeral)
        let redirect = try await Fetch.get(base + "/gallery", session: session)
        #expect(redirect.status == 200 && redirect.body.contains("ClipKit gallery"), "/gallery serves the page")
        let index = try await Fetch.get(base + "/gallery/", session: session)
        #expect(index.status == 200 && index.body.contains(entry.id))
        let vtt = try await Fetch.get(base + "/gallery/\(entry.assetDirectory!)/sprite.vtt", session: session)
        #expect(vtt.status == 200 && vtt.body.hasPrefix("WEBVTT"))
        #expect(vtt.contentType?.hasPrefix("text/vtt") == true)
        let range = try await Fetch.get(base + "/gallery/\(entry.media!)", session: session, headers: ["Range": "bytes=0-99"])
        #expect(range.status == 206 && range.length == 100)
        let missing = try await Fetch.get(base + "/gallery/clips/nope/poster-320.jpg", session: session)
        #expect(missing.status == 404)
    }
}

actor PortBox {
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, Never>] = []

    func set(_ value: Int) {
        port = value
        for waiter in waiters { waiter.resume(returning: value) }
        waiters = []
    }

    func wait() async -> Int {
        if let port { return port }
        return await withCheckedContinuation { waiters.append($0) }
    }
}

enum Fetch {
    struct Reply {
        var status: Int
        var body: String
        var length: Int
        var contentType: String?
        var url: String
    }

    static func get(_ url: String, session: URLSession, headers: [String: String] = [:]) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        return Reply(
            status: http.statusCode, body: String(decoding: data, as: UTF8.self), length: data.count,
            contentType: http.value(forHTTPHeaderField: "Content-Type"), url: http.url?.absoluteString ?? url)
    }
}
