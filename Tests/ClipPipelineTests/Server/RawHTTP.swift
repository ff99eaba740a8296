import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A bare HTTP/1.1 client on a socket, so tests see exactly what the server sends (status, headers,
/// body bytes) and can send half a request and wait to see the server hang up.
struct RawHTTP {
    struct Reply {
        var status: Int
        var headers: [String: String]  // lowercased names
        var body: [UInt8]
    }

    enum Failure: Error { case connect, noReply(String) }

    let port: Int

    /// Opens a connection whose reads give up after `readTimeout` seconds.
    func connect(readTimeout: Double) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.connect }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure.connect
        }
        var timeout = timeval(tv_sec: Int(readTimeout), tv_usec: Int((readTimeout - Double(Int(readTimeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    static func send(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Runs blocking socket work on its own thread: the server's handlers need the cooperative pool.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// Everything the server sends until it closes the connection; nil if it was still open after the read timeout.
    static func readToClose(_ fd: Int32) async -> [UInt8]? {
        (try? await offPool { readToCloseBlocking(fd) }) ?? nil
    }

    static func readToCloseBlocking(_ fd: Int32) -> [UInt8]? {
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                received += buffer[0..<count]
            } else if count == 0 || errno == ECONNRESET {
                return received
            } else if errno == EINTR {
                continue
            } else {
                return nil  // timed out: still open
            }
        }
    }

    /// Sends `method path` with `headers` (and Connection: close) and reads the whole reply.
    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) async throws -> Reply {
        let port = self.port
        return try await Self.offPool { try RawHTTP(port: port).requestBlocking(method, path, headers: headers, body: body) }
    }

    func requestBlocking(_ method: String, _ path: String, headers: [String: String], body: [UInt8]) throws -> Reply {
        let fd = try connect(readTimeout: 60)
        defer { close(fd) }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        Self.send(fd, Array(head.utf8) + body)
        guard let bytes = Self.readToCloseBlocking(fd) else { throw Failure.noReply("\(method) \(path): no reply within 60 s") }
        return try Self.parse(bytes, method: method)
    }

    static func parse(_ bytes: [UInt8], method: String) throws -> Reply {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = (0...max(0, bytes.count - 4)).first(where: { Array(bytes[$0..<min($0 + 4, bytes.count)]) == separator })
        else { throw Failure.noReply(String(decoding: bytes, as: UTF8.self)) }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let status = Int(lines[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"] == "chunked" { body = dechunk(body) }
        return Reply(status: status, headers: headers, body: body)
    }

    static func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = (index..<bytes.count - 1).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }) else { break }
            let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16) ?? 0
            if size == 0 { break }
            result += bytes[(lineEnd + 2)..<min(bytes.count, lineEnd + 2 + size)]
            index = lineEnd + 2 + size + 2
        }
        return result
    }
}
