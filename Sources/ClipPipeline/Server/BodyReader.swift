import Hummingbird
import NIOCore

/// Reads a request body with a deadline, so a body that trickles in is given up on.
enum BodyReader {
    /// The body, up to `limit` bytes; nil when it has not fully arrived within `timeout`.
    static func collect(_ body: RequestBody, upTo limit: Int, within timeout: Duration) async throws -> ByteBuffer? {
        try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask { try await body.collect(upTo: limit) }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }
}
