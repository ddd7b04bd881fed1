import ArgumentParser
import Foundation
import Registry

extension WokManager {
    /// `wokmanager run --id ID --group G -- COMMAND ...`: any program as a reporting worker.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run a program as a reporting worker: started, heartbeats, then stopped with its exit code.",
            discussion: """
                Sends `started`, a heartbeat every third of the TTL while the program runs, and `stopped` with its exit \
                code when it ends (128 + N when killed by signal N, so a crash shows as failed). When it fails, the tail \
                of its standard error is reported as an error. Signals are forwarded to it, and its exit code is returned. \
                If the server cannot be reached the program still runs; events are retried in the background.
                """)

        @OptionGroup var server: ClientOptions
        @OptionGroup var worker: WorkerOptions
        @Option(help: "How long to keep retrying undelivered events after the program ends, in seconds.") var flushTimeout = 5.0
        @Argument(parsing: .captureForPassthrough, help: "The program and its arguments, after --.") var command: [String]

        mutating func validate() throws {
            if command.first == "--" { command.removeFirst() }
            if command.isEmpty { throw ValidationError("give the program to run after --, e.g. wokmanager run --id a --group g -- ./import.sh") }
        }

        func run() async throws {
            let ttl = worker.ttl ?? 30
            let reporter = EventReporter(client: try server.client()) { line in
                FileHandle.standardError.write(Data((line + "\n").utf8))
            }
            var started = worker.body(event: .started)
            started["ttl"] = .number(ttl)
            started["pid"] = .integer(Int(getpid()))
            started["host"] = .string(ProcessInfo.processInfo.hostName)
            await reporter.send(started)

            let heartbeats = Task {
                guard ttl > 0 else { return }  // a TTL of 0 never expires: nothing to keep alive
                let interval = Duration.milliseconds(Int64(max(ttl / 3, 0.2) * 1000))
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    await reporter.send(worker.body(event: .heartbeat))
                }
            }
            let child = ChildProcess(command: command[0], arguments: Array(command.dropFirst()))
            let ending: ChildProcess.Ending
            do {
                ending = try await child.run()
            } catch {
                heartbeats.cancel()
                _ = try? await heartbeats.value
                await report(failure: "could not start \(command[0]): \(error)", code: 127, reporter: reporter)
                throw ExitCode(127)
            }
            heartbeats.cancel()
            _ = try? await heartbeats.value  // no heartbeat may follow the stop
            if ending.code != 0 {
                let reason = switch ending {
                case .exited(let status): "exited with status \(status)"
                case .signalled(let signal): "was killed by signal \(signal)"
                }
                let tail = child.standardErrorTail
                await report(failure: "\(command[0]) \(reason)" + (tail.isEmpty ? "" : ":\n" + tail), code: ending.code, reporter: reporter)
            } else {
                var stopped = worker.body(event: .stopped)
                stopped["exit_code"] = .integer(0)
                await reporter.send(stopped)
            }
            await finish(reporter)
            if ending.code != 0 { throw ExitCode(ending.code) }
        }

        private func report(failure message: String, code: Int32, reporter: EventReporter) async {
            var error = worker.body(event: .error)
            error["message"] = .string(message)
            error["action"] = .string("aborted")
            await reporter.send(error)
            var stopped = worker.body(event: .stopped)
            stopped["exit_code"] = .integer(Int(code))
            await reporter.send(stopped)
            if code == 127 { await finish(reporter) }
        }

        private func finish(_ reporter: EventReporter) async {
            let left = await reporter.flush(timeout: .milliseconds(Int64(flushTimeout * 1000)))
            if left > 0 {
                FileHandle.standardError.write(Data("wokmanager run: \(left) event(s) could not be delivered\n".utf8))
            }
        }
    }
}
