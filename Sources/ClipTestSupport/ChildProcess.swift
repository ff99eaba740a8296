import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process for tests, started with `posix_spawn` and waited for by polling `waitpid(WNOHANG)`.
///
/// Foundation's `Process` is not used by the tests, for two reasons that together hung whole test runs on
/// a busy 2-core machine: it learns of a child's exit through a socket pair that is not close-on-exec, so a
/// child spawned at the same moment by another test can inherit the other end and hide that exit until it
/// exits itself; and `waitUntilExit()` blocks its thread, which in an async test is one of the very few
/// cooperative threads the in-process servers need. Here the child closes every descriptor above stderr,
/// its output goes straight to files it opens itself (no pipe to fill), and every wait is a bounded poll
/// that sleeps with `Task.sleep` in async code.
public final class ChildProcess: @unchecked Sendable {
    /// How a child ended: its exit code, or the signal that killed it.
    public struct Termination: Sendable, Hashable, CustomStringConvertible {
        public var exitCode: Int32?
        public var signal: Int32?

        /// The exit code, or the signal number (as Foundation's `terminationStatus`).
        public var status: Int32 { exitCode ?? signal ?? -1 }

        public var description: String {
            if let exitCode { return "exit \(exitCode)" }
            return "signal \(signal ?? -1)"
        }
    }

    public let pid: pid_t
    public let arguments: [String]
    private let lock = NSLock()
    private var ended: Termination?

    /// Starts `executable` (a full path) with `arguments`.
    /// - Parameters:
    ///   - extraEnvironment: Added to (or replacing in) this process's environment for the child.
    ///   - standardInput: A file the child reads; nil: /dev/null.
    ///   - standardOutput, standardError: Files the child writes to (created or truncated); nil: /dev/null.
    ///     The same path for both gives one interleaved log.
    ///   - directory: The child's working directory (default: this process's).
    public init(
        _ executable: String, _ arguments: [String], extraEnvironment: [String: String] = [:],
        standardInput: String? = nil, standardOutput: String? = nil, standardError: String? = nil, directory: String? = nil
    ) throws {
        self.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in extraEnvironment { environment[key] = value }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, standardInput ?? "/dev/null", O_RDONLY, 0)
        let writeFlags = O_WRONLY | O_CREAT | O_TRUNC
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput ?? "/dev/null", writeFlags, 0o644)
        if let standardError, standardError == standardOutput {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        } else {
            posix_spawn_file_actions_addopen(&actions, 2, standardError ?? "/dev/null", writeFlags, 0o644)
        }
        // Nothing of this process (sockets, other children's pipes, database connections) leaks into the child.
        guard let closeFrom = GlibcSpawnExtensions.closeFrom, closeFrom(&actions, 3) == 0 else {
            throw ChildProcessError(message: "cannot start \(executable): posix_spawn_file_actions_addclosefrom_np (glibc 2.34+) failed")
        }
        if let directory {
            guard let changeDirectory = GlibcSpawnExtensions.changeDirectory, changeDirectory(&actions, directory) == 0 else {
                throw ChildProcessError(message: "cannot start \(executable) in \(directory)")
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a signal typed at the terminal that runs the tests reaches only the tests,
        // and the default signal dispositions and mask, whatever this process changed.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for number in [SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGCHLD, SIGUSR1, SIGUSR2] { sigaddset(&defaults, number) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        posix_spawnattr_setpgroup(&attributes, 0)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw ChildProcessError(message: "cannot start \(executable): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    /// Starts `clipkit arguments`: the binary beside the test bundle.
    public static func clipkit(
        _ arguments: [String], extraEnvironment: [String: String] = [:],
        standardOutput: String? = nil, standardError: String? = nil
    ) throws -> ChildProcess {
        try ChildProcess(
            clipkitExecutable.path, arguments, extraEnvironment: extraEnvironment,
            standardOutput: standardOutput, standardError: standardError)
    }

    /// The `clipkit` executable beside the test bundle (.build/<configuration>/clipkit).
    public static var clipkitExecutable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        while directory.path != "/" {
            let candidate = directory.appendingPathComponent("clipkit")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: ".build/debug/clipkit")
    }

    /// How it ended, once it has; reaps it without waiting.
    public var termination: Termination? {
        lock.lock()
        defer { lock.unlock() }
        if let ended { return ended }
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        if reaped == pid {
            let low = status & 0x7f
            ended = low == 0 ? Termination(exitCode: (status >> 8) & 0xff) : Termination(signal: low)
        } else if reaped == -1 && errno == ECHILD {
            ended = Termination(signal: -1)  // reaped by someone else: gone, status unknown
        }
        return ended
    }

    public var isRunning: Bool { termination == nil }

    /// Sends `signal` (SIGTERM, SIGKILL, SIGSTOP, ...) unless it has already been reaped.
    public func signal(_ signal: Int32) {
        lock.lock()
        defer { lock.unlock() }
        if ended == nil { kill(pid, signal) }
    }

    /// Waits up to `timeout` seconds for it to end; nil if it is still running.
    public func wait(timeout: TimeInterval) async -> Termination? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let termination { return termination }
            if Date() >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// ``wait(timeout:)`` for a thread that is not one of Swift concurrency's (it sleeps the thread).
    public func waitBlocking(timeout: TimeInterval) -> Termination? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let termination { return termination }
            if Date() >= deadline { return nil }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    /// Ends it for sure: SIGTERM, up to `grace` seconds, then SIGKILL.
    @discardableResult
    public func stop(grace: TimeInterval = 5) async -> Termination {
        signal(SIGTERM)
        if let ended = await wait(timeout: grace) { return ended }
        signal(SIGKILL)
        return await wait(timeout: .infinity) ?? Termination(signal: SIGKILL)
    }

    /// ``stop(grace:)`` for a thread that is not one of Swift concurrency's.
    @discardableResult
    public func stopBlocking(grace: TimeInterval = 5) -> Termination {
        signal(SIGTERM)
        if let ended = waitBlocking(timeout: grace) { return ended }
        signal(SIGKILL)
        return waitBlocking(timeout: .infinity) ?? Termination(signal: SIGKILL)
    }

    deinit {
        if termination == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
        }
    }
}

/// glibc's posix_spawn extensions (2.34+), which Swift's Glibc module does not import.
private enum GlibcSpawnExtensions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    static let closeFrom: CloseFrom? = function("posix_spawn_file_actions_addclosefrom_np")
    static let changeDirectory: ChangeDirectory? = function("posix_spawn_file_actions_addchdir_np")

    private static func function<F>(_ name: String) -> F? {
        dlsym(dlopen(nil, RTLD_NOW), name).map { unsafeBitCast($0, to: F.self) }
    }
}

public struct ChildProcessError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension ChildProcess {
    /// What a finished run printed and how it ended.
    public struct Output: Sendable {
        public var termination: Termination
        /// Standard output as bytes.
        public var stdoutData: Data
        public var stderr: String
        public var status: Int32 { termination.status }
        /// Standard output as UTF-8 text.
        public var stdout: String { String(decoding: stdoutData, as: UTF8.self) }
    }

    /// Runs `executable arguments` to its end (at most `timeout` seconds, then it is stopped and this throws)
    /// and returns what it printed; `input` is what it reads on its standard input. Async: waits with `Task.sleep`.
    public static func run(
        _ executable: String, _ arguments: [String], extraEnvironment: [String: String] = [:],
        input: String? = nil, directory: String? = nil, timeout: TimeInterval = 600
    ) async throws -> Output {
        let files = try OutputFiles(input: input)
        defer { files.remove() }
        let child = try ChildProcess(
            executable, arguments, extraEnvironment: extraEnvironment, standardInput: files.input,
            standardOutput: files.out, standardError: files.err, directory: directory)
        guard let termination = await child.wait(timeout: timeout) else {
            await child.stop()
            throw ChildProcessError(message: "\(executable) \(arguments.joined(separator: " ")) did not finish in \(Int(timeout)) s")
        }
        return Output(termination: termination, stdoutData: files.data(files.out), stderr: files.read(files.err))
    }

    /// ``run(_:_:extraEnvironment:directory:timeout:)`` for a thread that is not one of Swift concurrency's.
    public static func runBlocking(
        _ executable: String, _ arguments: [String], extraEnvironment: [String: String] = [:],
        input: String? = nil, directory: String? = nil, timeout: TimeInterval = 600
    ) throws -> Output {
        let files = try OutputFiles(input: input)
        defer { files.remove() }
        let child = try ChildProcess(
            executable, arguments, extraEnvironment: extraEnvironment, standardInput: files.input,
            standardOutput: files.out, standardError: files.err, directory: directory)
        guard let termination = child.waitBlocking(timeout: timeout) else {
            child.stopBlocking()
            throw ChildProcessError(message: "\(executable) \(arguments.joined(separator: " ")) did not finish in \(Int(timeout)) s")
        }
        return Output(termination: termination, stdoutData: files.data(files.out), stderr: files.read(files.err))
    }

    /// The executable named `name` on PATH, if any.
    public static func onPath(_ name: String) -> String? {
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Temporary files for a child's standard input (when it is given one), output and error.
private struct OutputFiles {
    let input: String?
    let out: String
    let err: String

    init(input text: String?) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("clipkit-child-\(UUID().uuidString)").path
        out = base + ".out"
        err = base + ".err"
        if let text {
            input = base + ".in"
            try Data(text.utf8).write(to: URL(fileURLWithPath: base + ".in"))
        } else {
            input = nil
        }
    }

    func read(_ path: String) -> String { String(decoding: data(path), as: UTF8.self) }
    func data(_ path: String) -> Data { FileManager.default.contents(atPath: path) ?? Data() }

    func remove() {
        if let input { try? FileManager.default.removeItem(atPath: input) }
        try? FileManager.default.removeItem(atPath: out)
        try? FileManager.default.removeItem(atPath: err)
    }
}
