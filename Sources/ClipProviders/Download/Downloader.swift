import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Downloads finished videos: streams to `NAME.part`, resumes with `Range` after a dropped connection or
/// a stall, retries with backoff, checks the announced length, refreshes expired links, verifies, then renames.
///
/// It connects only where ``addressPolicy`` allows (public addresses unless the provider's own base URL
/// is local), and follows redirects itself so each hop's address is checked too.
public struct Downloader: Sendable {
    /// One file to fetch with ``downloadAll(_:maxConcurrent:progress:)``.
    public struct Item: Sendable {
        public var url: URL
        public var destination: URL
        /// Called when the link answers 403/404/410 (expired): should re-fetch the task for a fresh URL.
        public var refreshURL: (@Sendable () async throws -> URL)?
        /// Called with the completed `.part` path before it is renamed; throw to reject the file.
        public var verify: (@Sendable (String) throws -> Void)?

        public init(
            url: URL,
            destination: URL,
            refreshURL: (@Sendable () async throws -> URL)? = nil,
            verify: (@Sendable (String) throws -> Void)? = nil
        ) {
            self.url = url
            self.destination = destination
            self.refreshURL = refreshURL
            self.verify = verify
        }
    }

    private let client: HTTPClient
    /// The largest file accepted (2 GiB by default).
    public var maximumBytes: Int64
    /// Attempts per file for network failures and 5xx answers (refreshing an expired link is extra).
    public var maxAttempts: Int
    /// How often an expired link may be refreshed.
    public var maxRefreshes: Int
    /// Backoff between attempts (its delays, not its status sets, are used).
    public var retryPolicy: RetryPolicy
    public var clock: ProviderClock
    /// Deadline for one HTTP request including its body.
    public var requestTimeout: Duration
    /// A body that delivers no byte for this long is given up on (and resumed, within ``maxAttempts``).
    public var idleTimeout: Duration
    /// Where the downloader may connect; see ``AddressPolicy``.
    public var addressPolicy: AddressPolicy
    /// Redirects followed per file.
    public var maxRedirects: Int = 10
    public var logger: Logger?

    /// - Parameters:
    ///   - client: must not follow redirects itself (``defaultClient`` does not), or redirect targets
    ///     escape ``addressPolicy``.
    ///   - trustedBaseURL: the provider's base URL; when it is on loopback or a private network, that kind
    ///     of address is allowed too (the sandbox, tests). Ignored when `addressPolicy` is given.
    public init(
        client: HTTPClient = Downloader.defaultClient,
        maximumBytes: Int64 = 2 << 30,
        maxAttempts: Int = 5,
        maxRefreshes: Int = 2,
        retryPolicy: RetryPolicy = RetryPolicy(baseDelay: .seconds(1), maxDelay: .seconds(30)),
        clock: ProviderClock = .live,
        requestTimeout: Duration = .seconds(30 * 60),
        idleTimeout: Duration = .seconds(60),
        trustedBaseURL: URL? = nil,
        addressPolicy: AddressPolicy? = nil,
        logger: Logger? = nil
    ) {
        self.idleTimeout = idleTimeout
        self.addressPolicy = addressPolicy ?? .trusting(baseURL: trustedBaseURL)
        self.client = client
        self.maximumBytes = maximumBytes
        self.maxAttempts = max(1, maxAttempts)
        self.maxRefreshes = max(0, maxRefreshes)
        self.retryPolicy = retryPolicy
        self.clock = clock
        self.requestTimeout = requestTimeout
        self.logger = logger
    }

    /// A process-wide client for downloads: like ``AsyncHTTPTransport/defaultClient`` but it never follows a
    /// redirect, so the downloader checks each hop's address before connecting.
    public static let defaultClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(15), read: .seconds(120)),
            decompression: .disabled
        )
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Progress is reported at most once per this many bytes (and when the last byte arrives).
    static let progressStep: Int64 = 256 * 1024

    /// The partial file used while downloading to `destination`: `NAME.part`.
    public static func partialFile(for destination: URL) -> URL {
        destination.deletingLastPathComponent().appendingPathComponent(destination.lastPathComponent + ".part")
    }

    /// Downloads one file.
    /// - Parameters:
    ///   - url: an http(s) URL.
    ///   - destination: the final path; replaced if it exists.
    ///   - refreshURL: gives a fresh link when this one answers 403/404/410.
    ///   - verify: checks the completed file (e.g. probes it as video) before it gets its final name.
    ///   - progress: called as bytes arrive.
    /// - Throws: ``DownloadError``, or `CancellationError`. The `.part` file is kept for a later resume
    ///   after network failures, and deleted after a verification failure or a size violation.
    @discardableResult
    public func download(
        from url: URL,
        to destination: URL,
        refreshURL: (@Sendable () async throws -> URL)? = nil,
        verify: (@Sendable (String) throws -> Void)? = nil,
        progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) async throws -> DownloadedFile {
        try Self.checkScheme(url)
        _ = try await connectionTarget(for: url)  // a refused address leaves no .part behind
        let part = Self.partialFile(for: destination)
        let fileName = destination.lastPathComponent
        let file = try PartialFile(url: part)
        var current = url
        var state = Attempts()
        var expectedTotal: Int64?

        while true {
            try Task.checkCancellation()
            state.requests += 1
            let offset = try file.size()
            let target: (url: URL, hostHeader: String?)
            do {
                target = try await connectionTarget(for: current)
            } catch let error as DownloadError {
                if (try? file.size()) == 0 { try? file.remove() }  // refused after a redirect: nothing to resume
                throw error
            }
            var request = HTTPClientRequest(url: target.url.absoluteString)
            if let host = target.hostHeader { request.headers.add(name: "Host", value: host) }
            request.headers.add(name: "User-Agent", value: "clipkit")
            if offset > 0 {
                request.headers.add(name: "Range", value: "bytes=\(offset)-")
            }
            logger?.debug(
                "download request",
                metadata: [
                    "location": "\(Self.location(current))", "offset": "\(offset)", "request": "\(state.requests)",
                ])
            do {
                let deadline = NIODeadline.now() + .nanoseconds(Int64(requestTimeout.seconds * 1e9))
                let response = try await client.execute(request, deadline: deadline, logger: logger)
                let status = Int(response.status.code)
                var writeFrom = offset
                var total: Int64?
                switch status {
                case 200:
                    if offset > 0 {
                        logger?.notice("server ignored Range; restarting", metadata: ["file": "\(fileName)"])
                        try file.truncate()
                        writeFrom = 0
                    }
                    total = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
                case 206:
                    let range = ContentRange(response.headers.first(name: "Content-Range"))
                    guard let range, range.start == offset else {
                        // An unexpected range: start again from zero without it.
                        logger?.notice("unexpected Content-Range; restarting", metadata: ["file": "\(fileName)"])
                        try file.truncate()
                        continue
                    }
                    state.resumed = true
                    total = range.total
                case 416 where offset > 0 && (expectedTotal ?? Self.unsatisfiedRangeTotal(response.headers)) == offset:
                    total = offset  // Already complete (a .part left whole by an earlier run).
                case 416:
                    try file.truncate()
                    continue
                case 301, 302, 303, 307, 308:
                    guard let location = response.headers.first(name: "Location"),
                        let next = URL(string: location, relativeTo: current)?.absoluteURL
                    else { throw DownloadError.httpStatus(status, location: Self.location(current)) }
                    try Self.checkScheme(next)
                    state.redirects += 1
                    guard state.redirects <= maxRedirects else {
                        throw DownloadError.httpStatus(status, location: Self.location(current) + " (more than \(maxRedirects) redirects)")
                    }
                    current = next  // checked against the address policy before the next request
                    continue
                case 403, 404, 410:
                    guard let refreshURL, state.refreshes < maxRefreshes else {
                        if refreshURL == nil {
                            throw DownloadError.httpStatus(status, location: Self.location(current))
                        }
                        throw DownloadError.linkExpired(status: status, location: Self.location(current))
                    }
                    logger?.notice(
                        "link answered \(status); asking for a fresh one", metadata: ["file": "\(fileName)"])
                    let fresh = try await refreshURL()
                    try Self.checkScheme(fresh)
                    current = fresh
                    state.refreshes += 1
                    continue
                case 408, 429, 500...599:
                    state.lastError = "HTTP \(status)"
                    try await backoffOrFail(&state, received: offset, expected: expectedTotal)
                    continue
                default:
                    throw DownloadError.httpStatus(status, location: Self.location(current))
                }

                if let total {
                    if let expectedTotal, expectedTotal != total {
                        try? file.remove()
                        throw DownloadError.contentLengthMismatch(expected: expectedTotal, actual: total)
                    }
                    expectedTotal = total
                    if total > maximumBytes {
                        try? file.remove()
                        throw DownloadError.tooLarge(limit: maximumBytes, announced: total)
                    }
                }

                var size = writeFrom
                if status != 416 {
                    let handle = try file.openForAppending()
                    defer { try? handle.close() }
                    do {
                        let announced = expectedTotal
                        size = try await readBody(
                            response.body, into: handle, startingAt: size, partPath: part.path,
                            progress: { bytes in progress?(DownloadProgress(fileName: fileName, bytesReceived: bytes, totalBytes: announced)) },
                            reportEvery: Self.progressStep, total: expectedTotal)
                    } catch let error as DownloadError {
                        if error.kind == .tooLarge { try? file.remove() }
                        throw error
                    } catch let stall as BodyStall {
                        state.lastError = stall.description
                        logger?.notice("download stalled; will resume", metadata: ["file": "\(fileName)", "bytes": "\(stall.received)"])
                        try await backoffOrFail(&state, received: (try? file.size()) ?? size, expected: expectedTotal)
                        continue
                    } catch let error as CancellationError {
                        throw error
                    } catch {
                        // The connection dropped mid-body: keep what arrived and resume.
                        state.lastError = AsyncHTTPTransport.classify(error).detail
                        logger?.notice(
                            "download interrupted; will resume",
                            metadata: ["file": "\(fileName)", "bytes": "\(size)", "error": "\(state.lastError)"])
                        try await backoffOrFail(&state, received: (try? file.size()) ?? size, expected: expectedTotal)
                        continue
                    }
                }

                if let expectedTotal, size != expectedTotal {
                    if size > expectedTotal {
                        try? file.remove()
                        throw DownloadError.contentLengthMismatch(expected: expectedTotal, actual: size)
                    }
                    state.lastError = "body ended at \(size) of \(expectedTotal) bytes"
                    try await backoffOrFail(&state, received: size, expected: expectedTotal)
                    continue
                }

                if let verify {
                    do {
                        try verify(part.path)
                    } catch {
                        try? file.remove()
                        throw DownloadError.verificationFailed("\(error)")
                    }
                }
                try file.move(to: destination)
                progress?(DownloadProgress(fileName: fileName, bytesReceived: size, totalBytes: size, isComplete: true))
                logger?.info("downloaded", metadata: ["file": "\(fileName)", "bytes": "\(size)"])
                return DownloadedFile(
                    file: destination, bytes: size, attempts: state.requests, resumed: state.resumed,
                    refreshes: state.refreshes)
            } catch let error as DownloadError {
                throw error
            } catch let error as CancellationError {
                throw error
            } catch let error as PartialFile.Failure {
                throw DownloadError.fileSystem(error.message)
            } catch {
                // Connect failures, timeouts before the head arrived, refreshURL failures.
                state.lastError = (error as? ProviderError)?.description ?? AsyncHTTPTransport.classify(error).detail
                try await backoffOrFail(&state, received: (try? file.size()) ?? 0, expected: expectedTotal)
            }
        }
    }

    /// Downloads several files with at most `maxConcurrent` at a time.
    /// - Returns: one result per item, in the items' order.
    public func downloadAll(
        _ items: [Item],
        maxConcurrent: Int = 3,
        progress: (@Sendable (DownloadProgress) -> Void)? = nil
    ) async -> [Result<DownloadedFile, any Error>] {
        var results = [Result<DownloadedFile, any Error>?](repeating: nil, count: items.count)
        await withTaskGroup(of: (Int, Result<DownloadedFile, any Error>).self) { group in
            var next = 0
            func start() {
                guard next < items.count else { return }
                let index = next
                let item = items[index]
                next += 1
                group.addTask {
                    do {
                        let result = try await download(
                            from: item.url, to: item.destination, refreshURL: item.refreshURL, verify: item.verify,
                            progress: progress)
                        return (index, .success(result))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            for _ in 0..<max(1, maxConcurrent) { start() }
            for await (index, result) in group {
                results[index] = result
                start()
            }
        }
        return results.map { $0! }
    }

    // MARK: Helpers

    private struct Attempts {
        var requests = 0
        var failures = 0
        var refreshes = 0
        var redirects = 0
        var resumed = false
        var lastError = ""
    }

    private func backoffOrFail(_ state: inout Attempts, received: Int64, expected: Int64?) async throws {
        state.failures += 1
        guard state.failures < maxAttempts else {
            throw DownloadError.incomplete(
                received: received, expected: expected, attempts: state.requests, lastError: state.lastError)
        }
        try await clock.sleep(retryPolicy.delay(forRetry: state.failures - 1))
    }

    /// Where to send the request for `url`: its host's addresses must all be allowed by ``addressPolicy``.
    /// A plain-http request goes to the checked address itself (with the name in `Host`), so a second DNS
    /// answer cannot move it; https keeps the name for its certificate, and its addresses are checked.
    func connectionTarget(for url: URL) async throws -> (url: URL, hostHeader: String?) {
        guard let host = url.host else { throw DownloadError.unsupportedScheme(url.absoluteString) }
        let policy = addressPolicy
        let addresses = try AddressPolicy.resolve(host)
        if let refused = addresses.first(where: { !policy.allows($0) }) {
            throw DownloadError.forbiddenAddress(
                location: Self.location(url), address: refused.description,
                kind: AddressPolicy.classify(refused).rawValue)
        }
        guard url.scheme?.lowercased() == "http", AddressPolicy.IPAddress(host) == nil,
            let address = addresses.first,
            var components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        else { return (url, nil) }
        components.host = address.bytes.count == 16 ? "[\(address)]" : address.description
        guard let pinned = components.url else { return (url, nil) }
        return (pinned, url.port.map { "\(host):\($0)" } ?? host)
    }

    /// Appends `body` to `handle`, giving up with ``BodyStall`` when no byte arrives for ``idleTimeout``.
    /// - Returns: the file's size once the body ended.
    private func readBody(
        _ body: HTTPClientResponse.Body, into handle: FileHandle, startingAt start: Int64, partPath: String,
        progress: @escaping @Sendable (Int64) -> Void, reportEvery step: Int64, total: Int64?
    ) async throws -> Int64 {
        let activity = Activity()
        let idle = idleTimeout
        let limit = maximumBytes
        let received = LockedCount(start)
        return try await withThrowingTaskGroup(of: Int64.self) { group in
            group.addTask {
                var size = start
                var reported = start
                for try await chunk in body {
                    activity.touch()
                    size += Int64(chunk.readableBytes)
                    received.set(size)
                    if size > limit { throw DownloadError.tooLarge(limit: limit, announced: nil) }
                    do {
                        try handle.write(contentsOf: Data(chunk.readableBytesView))
                    } catch {
                        throw DownloadError.fileSystem("cannot write \(partPath)")
                    }
                    if size - reported >= step || size == total {
                        reported = size
                        progress(size)
                    }
                }
                return size
            }
            group.addTask {
                while true {
                    let remaining = activity.remaining(of: idle)
                    if remaining <= .zero { throw BodyStall(idle: idle, received: received.value) }
                    try await Task.sleep(for: remaining)
                }
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    /// The total of `Content-Range: bytes */TOTAL`, sent with 416.
    static func unsatisfiedRangeTotal(_ headers: HTTPHeaders) -> Int64? {
        guard let value = headers.first(name: "Content-Range")?.trimmingCharacters(in: .whitespaces),
            value.lowercased().hasPrefix("bytes */")
        else { return nil }
        return Int64(value.dropFirst("bytes */".count))
    }

    static func checkScheme(_ url: URL) throws {
        let scheme = url.scheme?.lowercased() ?? ""
        guard scheme == "http" || scheme == "https", url.host != nil else {
            throw DownloadError.unsupportedScheme(scheme.isEmpty ? url.absoluteString : scheme)
        }
    }

    /// Host and path only: presigned query strings are credentials.
    static func location(_ url: URL) -> String {
        (url.host ?? "?") + url.path
    }
}

/// `Content-Range: bytes START-END/TOTAL` (TOTAL may be `*`).
struct ContentRange: Equatable {
    var start: Int64
    var end: Int64
    var total: Int64?

    init?(_ header: String?) {
        guard let header = header?.trimmingCharacters(in: .whitespaces), header.lowercased().hasPrefix("bytes ") else {
            return nil
        }
        let spec = header.dropFirst(6)
        let parts = spec.split(separator: "/", maxSplits: 1)
        guard parts.count == 2 else { return nil }
        let bounds = parts[0].split(separator: "-", maxSplits: 1)
        guard bounds.count == 2, let start = Int64(bounds[0]), let end = Int64(bounds[1]), end >= start else {
            return nil
        }
        self.start = start
        self.end = end
        self.total = parts[1] == "*" ? nil : Int64(parts[1])
    }
}

/// No byte of a body arrived for the idle timeout.
struct BodyStall: Error, CustomStringConvertible {
    var idle: Duration
    var received: Int64
    var description: String { "no data for \(idle.components.seconds) s at \(received) bytes" }
}

/// When a body last delivered bytes.
private final class Activity: @unchecked Sendable {
    private let lock = NSLock()
    private var last = ContinuousClock.now

    func touch() { lock.withLock { last = .now } }

    /// How much of `idle` is left since the last bytes.
    func remaining(of idle: Duration) -> Duration { lock.withLock { idle - (ContinuousClock.now - last) } }
}

/// A byte count shared between the body reader and the watchdog.
private final class LockedCount: @unchecked Sendable {
    private let lock = NSLock()
    private var count: Int64

    init(_ count: Int64) { self.count = count }
    func set(_ value: Int64) { lock.withLock { count = value } }
    var value: Int64 { lock.withLock { count } }
}
