import Foundation
import Synchronization

/// Runs a program as a child: standard input and output pass through, standard error passes through
/// while its tail is kept, and the signals a supervisor sends are forwarded to it.
final class ChildProcess {
    /// How the child ended.
    enum Ending: Equatable {
        case exited(Int32)
        case signalled(Int32)

        /// The shell's convention: the exit status, or 128 + the signal number.
        var code: Int32 {
            switch self {
            case .exited(let status): status
            case .signalled(let signal): 128 + signal
            }
        }
    }

    /// Signals passed on to the child rather than acted on by the wrapper.
    static let forwardedSignals: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2]
    /// How much of standard error is kept for the error report.
    static let tailLength = 2048

    private let process: Process
    private let errorTail = TailBuffer(capacity: tailLength)
    private var signalSources: [any DispatchSourceSignal] = []
    private var terminalHandedOver = false

    /// Prepares `command` (looked up in `PATH`) with `arguments`.
    init(command: String, arguments: [String]) {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + arguments
    }

    /// Starts the child and returns how it ended, once its standard error has been read to the end
    /// (or for at most two seconds more, should a grandchild keep it open).
    func run() async throws -> Ending {
        let errors = Pipe()
        process.standardError = errors
        let drained = AsyncStream<Never>.makeStream()
        let ending = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Ending, any Error>) in
            process.terminationHandler = { process in
                continuation.resume(returning: process.terminationReason == .uncaughtSignal
                    ? .signalled(process.terminationStatus) : .exited(process.terminationStatus))
            }
            do {
                try Self.spawn(process)
                forwardSignals(to: process.processIdentifier)
                handTerminal(to: process.processIdentifier)
                pump(errors.fileHandleForReading, into: errorTail, then: drained.continuation)
            } catch {
                continuation.resume(throwing: error)
            }
        }
        stopForwarding()
        takeTerminalBack()
        await withTaskGroup(of: Void.self) { group in
            group.addTask { for await _ in drained.stream {} }
            group.addTask { try? await Task.sleep(for: .seconds(2)) }
            await group.next()
            group.cancelAll()
        }
        return ending
    }

    /// Copies the child's standard error to ours on a thread of its own, keeping the tail, until end of file.
    private func pump(_ handle: FileHandle, into tail: TailBuffer, then drained: AsyncStream<Never>.Continuation) {
        Thread.detachNewThread {
            while true {
                let data = handle.availableData
                if data.isEmpty { break }
                FileHandle.standardError.write(data)
                tail.append(data)
            }
            drained.finish()
        }
    }

    /// Starts `process` with no signal blocked. A child inherits the blocked-signal mask of the thread
    /// that spawns it, and the concurrency pool's threads block nearly every signal: a child started
    /// there as it is would never see SIGTERM or SIGINT, forwarded or its own.
    private static func spawn(_ process: Process) throws {
        var none = sigset_t()
        var previous = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, &previous)
        defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
        try process.run()
    }

    /// The last lines the child wrote to standard error.
    var standardErrorTail: String {
        String(decoding: errorTail.bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func forwardSignals(to pid: Int32) {
        signalSources = Self.forwardedSignals.map { number -> any DispatchSourceSignal in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            // Foundation starts the child in a process group of its own: signal the whole group, so a
            // shell's children get it too.
            source.setEventHandler {
                if kill(-pid, number) != 0 { kill(pid, number) }
            }
            source.resume()
            return source
        }
    }

    /// Foundation starts the child in a process group of its own. When the wrapper runs in the
    /// foreground of a terminal, that group is made the foreground one, so the program can read the
    /// terminal (instead of being stopped by SIGTTIN) and gets Ctrl-C directly; the wrapper takes the
    /// terminal back when the program ends.
    private func handTerminal(to pid: Int32) {
        guard isatty(STDIN_FILENO) == 1, tcgetpgrp(STDIN_FILENO) == getpgrp() else { return }
        signal(SIGTTOU, SIG_IGN)
        terminalHandedOver = tcsetpgrp(STDIN_FILENO, pid) == 0
    }

    private func takeTerminalBack() {
        guard terminalHandedOver else { return }
        tcsetpgrp(STDIN_FILENO, getpgrp())
        terminalHandedOver = false
    }

    private func stopForwarding() {
        signalSources.forEach { $0.cancel() }
        signalSources = []
    }
}

/// The last bytes written to a stream, shared with the handler that reads it.
final class TailBuffer: Sendable {
    private let capacity: Int
    private let storage = Mutex([UInt8]())

    init(capacity: Int) {
        self.capacity = capacity
    }

    func append(_ data: Data) {
        storage.withLock { tail in
            tail.append(contentsOf: data)
            if tail.count > capacity { tail.removeFirst(tail.count - capacity) }
        }
    }

    var bytes: [UInt8] { storage.withLock { $0 } }
}
