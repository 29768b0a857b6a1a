import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A child process for the tests' helper programs (the Python reference implementations, the
/// SMTP sink, `openssl`, the built `portier`), started with `posix_spawn`.
///
/// Not Foundation's `Process`: on Linux its `run()` looks for the highest open descriptor by
/// copying each `/proc/self/fd` entry as a full 256-byte `dirent` (swift-corelibs-foundation
/// #5472, still in Swift 6.3.1). Once the test process has about a thousand descriptors open —
/// which a few hundred test applications with event loops of their own have — that copy now and
/// then reads past glibc's buffer into an unmapped page and the whole run dies with signal 11.
/// Here the child closes every descriptor above 2 itself (`posix_spawn_file_actions_addclosefrom_np`),
/// the parent keeps its pipe ends close-on-exec, and a process is reaped only under a lock that
/// `terminate()` also takes, so a signal never reaches a recycled process ID.
public final class SpawnedProcess: @unchecked Sendable {
    /// What the child's standard input is.
    public enum Input: Sendable { case nothing, pipe }
    /// Where the child's standard output or standard error goes.
    public enum Output: Sendable { case discard, pipe }

    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }

    private let processIdentifier: pid_t
    /// The write end of the child's standard input (`Input.pipe`), else `nil`.
    public let standardInput: FileHandle?
    /// The read end of the child's standard output (`Output.pipe`), else `nil`.
    public let standardOutput: FileHandle?
    /// The read end of the child's standard error (`Output.pipe`), else `nil`.
    public let standardError: FileHandle?

    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` (by default `/usr/bin/env`, which finds a program on `PATH`) with
    /// `arguments`, in `workingDirectory`, with exactly `environment` (else this process's).
    public init(
        _ arguments: [String],
        executable: String = "/usr/bin/env",
        environment: [String: String]? = nil,
        workingDirectory: String? = nil,
        input: Input = .nothing,
        output: Output = .pipe,
        errors: Output = .pipe
    ) throws {
        Self.ignoreBrokenPipes
        guard let addCloseFrom = GlibcSpawnActions.addCloseFrom, let addChangeDirectory = GlibcSpawnActions.addChangeDirectory else {
            throw SpawnError(description: "posix_spawn needs glibc 2.34 or later (posix_spawn_file_actions_addclosefrom_np)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var childEnds: [Int32] = []
        defer { childEnds.forEach { close($0) } }

        func connect(_ target: Int32, pipe wanted: Bool, childReads: Bool) throws -> FileHandle? {
            guard wanted else {
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", childReads ? O_RDONLY : O_WRONLY, 0)
                return nil
            }
            // Close-on-exec at once after `pipe`: no other child inherits them (and each child
            // closes everything above 2 anyway).
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { throw Self.error("pipe") }
            ends.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
            let (childEnd, parentEnd) = childReads ? (ends[0], ends[1]) : (ends[1], ends[0])
            childEnds.append(childEnd)
            posix_spawn_file_actions_adddup2(&actions, childEnd, target)
            return FileHandle(fileDescriptor: parentEnd, closeOnDealloc: true)
        }
        standardInput = try connect(STDIN_FILENO, pipe: input == .pipe, childReads: true)
        standardOutput = try connect(STDOUT_FILENO, pipe: output == .pipe, childReads: false)
        standardError = try connect(STDERR_FILENO, pipe: errors == .pipe, childReads: false)
        _ = addCloseFrom(&actions, 3)
        if let workingDirectory {
            _ = addChangeDirectory(&actions, workingDirectory)
        }

        // The child starts with no blocked signals and SIGPIPE at its default, whatever the
        // spawning thread had.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let variables = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { variables.forEach { free($0) } }

        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, variables)
        guard status == 0 else {
            throw SpawnError(description: "\(executable) \(arguments.joined(separator: " ")): \(String(cString: strerror(status)))")
        }
        processIdentifier = pid
    }

    deinit {
        terminate()
        _ = waitUntilExit()
    }

    /// Whether the child has not ended yet.
    public var isRunning: Bool {
        lock.withLock { reap(blocking: false) == nil }
    }

    /// Asks a child that is still running to stop (SIGTERM).
    public func terminate() {
        lock.withLock {
            if reap(blocking: false) == nil { kill(processIdentifier, SIGTERM) }
        }
    }

    /// Waits for the child to end and returns its exit status (128 + the signal if a signal ended it).
    @discardableResult
    public func waitUntilExit() -> Int32 {
        // Wait without reaping, outside the lock, so `terminate()` is never held up by a wait.
        var info = siginfo_t()
        while waitid(P_PID, id_t(processIdentifier), &info, WEXITED | WNOWAIT) != 0, errno == EINTR {}
        return lock.withLock { reap(blocking: true) ?? -1 }
    }

    /// Writes `input` to the child (a child that stopped reading is no error), closes its
    /// standard input, reads standard output and standard error to their ends at the same time
    /// (so neither pipe can fill and stall the child) and waits for it to end. Blocks.
    public func communicate(input: Data = Data()) -> (status: Int32, output: Data, errors: Data) {
        let output = PipeDrain(standardOutput)
        let errors = PipeDrain(standardError)
        if let standardInput {
            try? standardInput.write(contentsOf: input)
            try? standardInput.close()
        }
        let status = waitUntilExit()
        return (status, output.finish(), errors.finish())
    }

    /// The status once the child has ended, reaping it then; `nil` while it runs. Callers hold `lock`.
    private func reap(blocking: Bool) -> Int32? {
        if let exitStatus { return exitStatus }
        var raw: Int32 = 0
        let result = waitpid(processIdentifier, &raw, blocking ? 0 : WNOHANG)
        guard result == processIdentifier else { return nil }
        let signal = raw & 0x7f
        exitStatus = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
        return exitStatus
    }

    /// A child that exits before reading all its input must not end the test run with SIGPIPE.
    private static let ignoreBrokenPipes: Void = {
        signal(SIGPIPE, SIG_IGN)
    }()

    private static func error(_ call: String) -> SpawnError {
        SpawnError(description: "\(call): \(String(cString: strerror(errno)))")
    }
}

/// glibc's `posix_spawn` file actions that Swift's `Glibc` module does not declare (they need
/// `_GNU_SOURCE`), looked up by name.
private enum GlibcSpawnActions {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    static let addCloseFrom: CloseFrom? = symbol("posix_spawn_file_actions_addclosefrom_np")
    static let addChangeDirectory: ChangeDirectory? = symbol("posix_spawn_file_actions_addchdir_np")

    private static func symbol<Function>(_ name: String) -> Function? {
        dlsym(dlopen(nil, RTLD_NOW), name).map { unsafeBitCast($0, to: Function.self) }
    }
}

/// Reads a pipe to its end on a thread of its own (blocking reads never occupy the few threads
/// Swift Concurrency shares with every other test).
private final class PipeDrain: @unchecked Sendable {
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle?) {
        guard let handle else {
            done.signal()
            return
        }
        Thread.detachNewThread { [self] in
            data = (try? handle.readToEnd()) ?? Data()
            done.signal()
        }
    }

    func finish() -> Data {
        done.wait()
        return data
    }
}
