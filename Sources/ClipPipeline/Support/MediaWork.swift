import NIOPosix

/// The one way ClipKit runs blocking media work (decoding, encoding, probing) from async code: on NIO's
/// shared blocking thread pool, never on the cooperative pool that drives HTTP and timers.
public enum MediaWork {
    public static func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    /// The same for work that cannot fail (it runs in place if the pool is shutting down).
    public static func perform<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async -> Result {
        if let result = try? await NIOThreadPool.singleton.runIfActive(work) { return result }
        return work()
    }
}
