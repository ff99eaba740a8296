import ClipProviders
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Testing

/// The downloader against a fake CDN on 127.0.0.1 that drops connections, ignores ranges and expires links.
struct DownloaderTests {
    struct Dropped: Error {}

    /// Deterministic pseudo-random bytes.
    static func payload(_ count: Int, seed: UInt64 = 42) -> Data {
        var state = seed
        var bytes = [UInt8](repeating: 0, count: count)
        for i in 0..<count {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            bytes[i] = UInt8(truncatingIfNeeded: state >> 33)
        }
        return Data(bytes)
    }

    static func temporaryDirectory() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-dl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    let clock = ManualClock()

    /// A downloader for the fake CDN on 127.0.0.1, trusted as a sandbox provider's own address would be.
    func downloader(maximumBytes: Int64 = 2 << 30, maxAttempts: Int = 5, idleTimeout: Duration = .seconds(60)) -> Downloader {
        Downloader(
            maximumBytes: maximumBytes, maxAttempts: maxAttempts, clock: clock.clock, requestTimeout: .seconds(20),
            idleTimeout: idleTimeout, trustedBaseURL: URL(string: "http://127.0.0.1"))
    }

    /// The full payload, or the part a `Range: bytes=N-` asks for.
    static func serve(_ data: Data, request: Request, honourRange: Bool = true) -> Response {
        if honourRange, let range = request.headers[.range], range.hasPrefix("bytes="),
            let start = Int(range.dropFirst(6).split(separator: "-").first ?? "")
        {
            if start >= data.count {
                var headers = HTTPFields()
                headers[.contentRange] = "bytes */\(data.count)"
                return Response(status: .rangeNotSatisfiable, headers: headers)
            }
            let slice = data.subdata(in: start..<data.count)
            var headers = HTTPFields()
            headers[.contentRange] = "bytes \(start)-\(data.count - 1)/\(data.count)"
            return Response(
                status: .partialContent, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: slice)))
        }
        return Response(status: .ok, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Announces the whole payload, sends `cut` bytes, then drops the connection.
    static func dropAfter(_ cut: Int, of data: Data) -> Response {
        let head = data.prefix(cut)
        return Response(
            status: .ok,
            body: ResponseBody(contentLength: data.count) { writer in
                try await writer.write(ByteBuffer(bytes: head))
                throw Dropped()
            })
    }

    @Test func resumesAfterADroppedConnectionAndEndsByteIdentical() async throws {
        let data = Self.payload(300_000)
        let ranges = Recorder<String>()
        let dir = try Self.temporaryDirectory()
        let destination = dir.appendingPathComponent("clip.mp4")
        let progress = Recorder<DownloadProgress>()
        let result = try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { request, _ in
                ranges.append(request.headers[.range] ?? "none")
                return ranges.all.count == 1 ? Self.dropAfter(150_000, of: data) : Self.serve(data, request: request)
            }
        }) { base in
            try await downloader().download(
                from: base.appendingPathComponent("v.mp4"), to: destination, progress: { progress.append($0) })
        }
        #expect(try Data(contentsOf: destination) == data)
        #expect(result.bytes == 300_000)
        #expect(result.attempts == 2)
        #expect(result.resumed)
        #expect(ranges.all.count == 2)
        #expect(ranges.all[0] == "none")
        #expect(ranges.all[1].hasPrefix("bytes=") && ranges.all[1] != "bytes=0-")
        #expect(!FileManager.default.fileExists(atPath: Downloader.partialFile(for: destination).path))
        #expect(progress.all.last?.isComplete == true)
        #expect(progress.all.last?.bytesReceived == 300_000)
    }

    @Test func aPartLeftByAnEarlierRunIsResumedOrFoundComplete() async throws {
        let data = Self.payload(60_000, seed: 3)
        let dir = try Self.temporaryDirectory()
        let half = dir.appendingPathComponent("half.mp4")
        let whole = dir.appendingPathComponent("whole.mp4")
        try data.prefix(25_000).write(to: Downloader.partialFile(for: half))
        try data.write(to: Downloader.partialFile(for: whole))
        let ranges = Recorder<String>()
        try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { request, _ in
                ranges.append(request.headers[.range] ?? "none")
                return Self.serve(data, request: request)
            }
        }) { base in
            let resumed = try await downloader().download(from: base.appendingPathComponent("v.mp4"), to: half)
            #expect(resumed.resumed)
            let complete = try await downloader().download(from: base.appendingPathComponent("v.mp4"), to: whole)
            #expect(complete.attempts == 1)
        }
        #expect(ranges.all == ["bytes=25000-", "bytes=60000-"])
        #expect(try Data(contentsOf: half) == data)
        #expect(try Data(contentsOf: whole) == data)
    }

    @Test func restartsWhenTheServerIgnoresRange() async throws {
        let data = Self.payload(200_000, seed: 7)
        let count = Recorder<Int>()
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        let result = try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { request, _ in
                count.append(1)
                return count.all.count == 1
                    ? Self.dropAfter(80_000, of: data) : Self.serve(data, request: request, honourRange: false)
            }
        }) { base in
            try await downloader().download(from: base.appendingPathComponent("v.mp4"), to: destination)
        }
        #expect(try Data(contentsOf: destination) == data)
        #expect(!result.resumed)
        #expect(result.attempts == 2)
    }

    @Test func anExpiredLinkIsRefreshed() async throws {
        let data = Self.payload(10_000)
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        let refreshed = Recorder<Int>()
        let result = try await FakeProviderServer.run({ router in
            router.get("/old.mp4") { _, _ in Response(status: .forbidden) }
            router.get("/fresh.mp4") { request, _ in Self.serve(data, request: request) }
        }) { base in
            try await downloader().download(
                from: base.appendingPathComponent("old.mp4"), to: destination,
                refreshURL: {
                    refreshed.append(1)
                    return base.appendingPathComponent("fresh.mp4")
                })
        }
        #expect(refreshed.all.count == 1)
        #expect(result.refreshes == 1)
        #expect(try Data(contentsOf: destination) == data)
    }

    @Test func anExpiredLinkWithoutRefreshFailsClearly() async throws {
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        try await FakeProviderServer.run({ router in
            router.get("/old.mp4") { _, _ in Response(status: .notFound) }
        }) { base in
            let error = await #expect(throws: DownloadError.self) {
                try await downloader().download(from: base.appendingPathComponent("old.mp4"), to: destination)
            }
            #expect(error?.kind == .httpStatus)
            #expect(error?.description == "download from 127.0.0.1/old.mp4 failed with HTTP 404")
            let expired = await #expect(throws: DownloadError.self) {
                try await downloader().download(
                    from: base.appendingPathComponent("old.mp4"), to: destination,
                    refreshURL: { base.appendingPathComponent("old.mp4") })
            }
            #expect(expired?.kind == .linkExpired)
        }
    }

    @Test func aContentLengthMismatchIsDetected() async throws {
        let data = Self.payload(1_000)
        let count = Recorder<Int>()
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { request, _ in
                count.append(1)
                if count.all.count == 1 { return Self.dropAfter(500, of: data) }
                // The resumed answer claims a different total: the file changed or the server is lying.
                var headers = HTTPFields()
                headers[.contentRange] = "bytes 500-1999/2000"
                return Response(
                    status: .partialContent, headers: headers,
                    body: ResponseBody(byteBuffer: ByteBuffer(bytes: Self.payload(1_500))))
            }
        }) { base in
            let error = await #expect(throws: DownloadError.self) {
                try await downloader().download(from: base.appendingPathComponent("v.mp4"), to: destination)
            }
            #expect(error?.kind == .contentLengthMismatch)
            #expect(error?.description == "download is corrupt: expected 1000 bytes but the server sent 2000")
        }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        #expect(!FileManager.default.fileExists(atPath: Downloader.partialFile(for: destination).path))
    }

    @Test func aConnectionThatKeepsDroppingEndsIncompleteAndKeepsThePart() async throws {
        let data = Self.payload(50_000)
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { _, _ in Self.dropAfter(10_000, of: data) }
        }) { base in
            let error = await #expect(throws: DownloadError.self) {
                try await downloader(maxAttempts: 3).download(
                    from: base.appendingPathComponent("v.mp4"), to: destination)
            }
            #expect(error?.kind == .incomplete)
        }
        #expect(FileManager.default.fileExists(atPath: Downloader.partialFile(for: destination).path))
        #expect(!FileManager.default.fileExists(atPath: destination.path))
        #expect(clock.sleeps.count == 2)
    }

    @Test(arguments: ["file:///etc/passwd", "ftp://example.com/v.mp4", "data:video/mp4;base64,AAAA"])
    func nonHTTPSchemesAreRefused(url: String) async throws {
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        let error = await #expect(throws: DownloadError.self) {
            try await downloader().download(from: URL(string: url)!, to: destination)
        }
        #expect(error?.kind == .unsupportedScheme)
        #expect(!FileManager.default.fileExists(atPath: Downloader.partialFile(for: destination).path))
    }

    @Test func filesAboveTheCapAreRefused() async throws {
        let data = Self.payload(5_000)
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { request, _ in Self.serve(data, request: request) }
        }) { base in
            let error = await #expect(throws: DownloadError.self) {
                try await downloader(maximumBytes: 1_000).download(
                    from: base.appendingPathComponent("v.mp4"), to: destination)
            }
            #expect(error?.kind == .tooLarge)
        }
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }

    @Test func theVerifyHookSeesThePartAndCanRejectIt() async throws {
        let data = Self.payload(4_000)
        let dir = try Self.temporaryDirectory()
        let good = dir.appendingPathComponent("good.mp4")
        let bad = dir.appendingPathComponent("bad.mp4")
        struct NotVideo: Error, CustomStringConvertible { var description: String { "no video stream" } }
        try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { request, _ in Self.serve(data, request: request) }
        }) { base in
            let seenPaths = Recorder<String>()
            try await downloader().download(
                from: base.appendingPathComponent("v.mp4"), to: good,
                verify: { path in
                    seenPaths.append(path)
                    let contents = try Data(contentsOf: URL(fileURLWithPath: path))
                    #expect(contents == data)
                })
            #expect(seenPaths.all == [Downloader.partialFile(for: good).path])
            let error = await #expect(throws: DownloadError.self) {
                try await downloader().download(
                    from: base.appendingPathComponent("v.mp4"), to: bad, verify: { _ in throw NotVideo() })
            }
            #expect(error?.description == "downloaded file failed verification: no video stream")
        }
        #expect(FileManager.default.fileExists(atPath: good.path))
        #expect(!FileManager.default.fileExists(atPath: bad.path))
        #expect(!FileManager.default.fileExists(atPath: Downloader.partialFile(for: bad).path))
    }

    @Test func downloadAllFetchesEveryFileWithinTheConcurrencyLimit() async throws {
        let dir = try Self.temporaryDirectory()
        let inFlight = InFlight()
        let results = try await FakeProviderServer.run({ router in
            router.get("/{n}") { request, context in
                let n = try context.parameters.require("n", as: Int.self)
                inFlight.enter()
                defer { inFlight.leave() }
                return Self.serve(Self.payload(20_000, seed: UInt64(n)), request: request)
            }
        }) { base in
            let items = (1...5).map {
                Downloader.Item(
                    url: base.appendingPathComponent("\($0)"), destination: dir.appendingPathComponent("\($0).mp4"))
            }
            return await downloader().downloadAll(items, maxConcurrent: 2)
        }
        #expect(results.count == 5)
        for (i, result) in results.enumerated() {
            let file = try result.get().file
            #expect(file.lastPathComponent == "\(i + 1).mp4")
            #expect(try Data(contentsOf: file) == Self.payload(20_000, seed: UInt64(i + 1)))
        }
        #expect(inFlight.maximum <= 2)
    }

    @Test func theProgressBarRendersAFractionAndUnknownSizes() {
        let bar = ProgressBar(width: 10)
        #expect(
            bar.line(for: DownloadProgress(fileName: "a.mp4", bytesReceived: 5_000_000, totalBytes: 10_000_000))
                == "a.mp4 [#####.....]  50%  5.0/10.0 MB")
        #expect(
            bar.line(for: DownloadProgress(fileName: "a.mp4", bytesReceived: 1_500_000, totalBytes: nil))
                == "a.mp4 1.5 MB")
    }

    final class InFlight: @unchecked Sendable {
        private let lock = NSLock()
        private var current = 0
        private(set) var maximum = 0

        func enter() {
            lock.lock()
            current += 1
            maximum = max(maximum, current)
            lock.unlock()
        }

        func leave() {
            lock.lock()
            current -= 1
            lock.unlock()
        }
    }
}

/// An idle timeout besides the deadline, and addresses the downloader must not reach.
extension DownloaderTests {
    /// Sends `cut` bytes of `data`, then nothing until `release` has an element (or 30 s pass).
    static func stallAfter(_ cut: Int, of data: Data, release: Recorder<Bool>) -> Response {
        let head = data.prefix(cut)
        return Response(
            status: .ok,
            body: ResponseBody(contentLength: data.count) { writer in
                try await writer.write(ByteBuffer(bytes: head))
                let start = ContinuousClock.now
                while release.all.isEmpty && ContinuousClock.now - start < .seconds(30) {
                    try await Task.sleep(for: .milliseconds(100))
                }
                throw Dropped()
            })
    }

    @Test func aBodyThatStallsIsGivenUpOnAndResumed() async throws {
        let data = Self.payload(40_000)
        let ranges = Recorder<String>()
        let release = Recorder<Bool>()
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        let result = try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { request, _ in
                ranges.append(request.headers[.range] ?? "none")
                return ranges.all.count == 1 ? Self.stallAfter(10_000, of: data, release: release) : Self.serve(data, request: request)
            }
        }) { base in
            defer { release.append(true) }
            // The request deadline (20 s) is far away: only the one-second idle timeout can end the stall.
            return try await downloader(idleTimeout: .seconds(1)).download(from: base.appendingPathComponent("v.mp4"), to: destination)
        }
        #expect(try Data(contentsOf: destination) == data)
        #expect(result.resumed)
        #expect(ranges.all == ["none", "bytes=10000-"])
        #expect(clock.sleeps.count == 1, "one backoff after the stall")
    }

    @Test(arguments: ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]"])
    func loopbackIsRefusedWithoutConnectingWhenTheProviderIsPublic(host: String) async throws {
        let requests = Recorder<String>()
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { request, _ in
                requests.append("v")
                return Self.serve(Self.payload(100), request: request)
            }
        }) { base in
            let url = URL(string: "http://\(host):\(base.port!)/v.mp4")!
            let error = await #expect(throws: DownloadError.self) {
                try await Downloader(clock: clock.clock, requestTimeout: .seconds(20)).download(from: url, to: destination)
            }
            #expect(error?.kind == .forbiddenAddress)
            #expect(error?.description.contains("loopback") == true, "\(String(describing: error))")
        }
        #expect(requests.all.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: Downloader.partialFile(for: destination).path))
        #expect(!FileManager.default.fileExists(atPath: destination.path))
    }

    @Test(arguments: ["http://10.20.30.40/v.mp4", "http://169.254.169.254/latest/meta-data", "http://[fd00::1]/v.mp4", "http://100.64.0.1/v.mp4", "http://0.0.0.0/v.mp4"])
    func aRedirectToAPrivateAddressIsRefusedBeforeConnecting(target: String) async throws {
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        try await FakeProviderServer.run({ router in
            router.get("/v.mp4") { _, _ in Response(status: .found, headers: [.location: target]) }
        }) { base in
            let error = await #expect(throws: DownloadError.self) {
                try await downloader().download(from: base.appendingPathComponent("v.mp4"), to: destination)
            }
            #expect(error?.kind == .forbiddenAddress, "\(String(describing: error))")
        }
        #expect(!FileManager.default.fileExists(atPath: Downloader.partialFile(for: destination).path))
    }

    @Test func redirectsWithinTheTrustedNetworkAreFollowed() async throws {
        let data = Self.payload(20_000)
        let destination = try Self.temporaryDirectory().appendingPathComponent("clip.mp4")
        try await FakeProviderServer.run({ router in
            router.get("/old.mp4") { _, _ in Response(status: .temporaryRedirect, headers: [.location: "/v.mp4"]) }
            router.get("/v.mp4") { request, _ in Self.serve(data, request: request) }
        }) { base in
            try await downloader().download(from: base.appendingPathComponent("old.mp4"), to: destination)
        }
        #expect(try Data(contentsOf: destination) == data)
    }

    @Test func addressesAreClassifiedAsTheirNetworks() throws {
        let expected: [(String, AddressPolicy.AddressClass)] = [
            ("8.8.8.8", .publicInternet), ("93.184.216.34", .publicInternet), ("2606:4700::1111", .publicInternet),
            ("127.0.0.1", .loopback), ("127.255.0.9", .loopback), ("::1", .loopback),
            ("10.0.0.1", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork),
            ("172.32.0.1", .publicInternet), ("192.168.1.1", .privateNetwork), ("fd12:3456::1", .privateNetwork),
            ("fc00::1", .privateNetwork), ("169.254.169.254", .linkLocal), ("fe80::1", .linkLocal),
            ("100.64.0.1", .sharedCGNAT), ("100.127.255.254", .sharedCGNAT), ("100.128.0.1", .publicInternet),
            ("0.0.0.0", .unspecified), ("::", .unspecified), ("224.0.0.1", .multicastOrReserved),
            ("255.255.255.255", .multicastOrReserved), ("ff02::1", .multicastOrReserved),
            ("::ffff:127.0.0.1", .loopback), ("::ffff:10.1.2.3", .privateNetwork), ("::ffff:8.8.8.8", .publicInternet),
            ("64:ff9b::a9fe:a9fe", .linkLocal), ("[::1]", .loopback),
        ]
        for (text, kind) in expected {
            let address = try #require(AddressPolicy.IPAddress(text), "\(text)")
            #expect(AddressPolicy.classify(address) == kind, "\(text)")
        }
        #expect(AddressPolicy.IPAddress("example.com") == nil)
    }

    @Test func aLocalProviderBaseURLTrustsOnlyItsOwnKindOfAddress() throws {
        let loopback = AddressPolicy.trusting(baseURL: URL(string: "http://127.0.0.1:8080"))
        #expect(loopback.allowed == [.loopback])
        #expect(loopback.allows(try #require(AddressPolicy.IPAddress("127.0.0.1"))))
        #expect(!loopback.allows(try #require(AddressPolicy.IPAddress("10.0.0.1"))))
        #expect(!loopback.allows(try #require(AddressPolicy.IPAddress("169.254.169.254"))))
        #expect(loopback.allows(try #require(AddressPolicy.IPAddress("8.8.8.8"))))
        let lan = AddressPolicy.trusting(baseURL: URL(string: "http://192.168.0.10"))
        #expect(lan.allowed == [.privateNetwork])
        #expect(AddressPolicy.trusting(baseURL: URL(string: "https://203.0.113.9")).allowed.isEmpty)
        #expect(AddressPolicy.trusting(baseURL: nil) == .publicOnly)
    }
}
