import NIOPosix

/// The one way ClipKit runs blocking media work (decoding, encoding, probing) from async code: on NIO's
/// shared blocking thread pool, never on the cooperative pool that drives HTTP and timers.
public enum MediaWork {
    public static func run<Result: Sendable>(_ work: @escaping @Sendable () throws -> Result) async throws -> Result {
        try await NIOThreadPool.singleton.runIfActive(work)
    }
}
