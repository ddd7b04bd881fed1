import ArgumentParser
import Web

/// The `wokmanager` command: the server (`serve`) and the client subcommands.
@main
struct WokManager: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wokmanager",
        abstract: "Track which workers are running, lost, stopped or failed.",
        version: wokmanagerVersion,
        subcommands: [Serve.self, Config.self, Backup.self, Restore.self, Workers.self, Tree.self, Errors.self, Show.self, Emit.self, Run.self, Keys.self, Problems.self, Ack.self, Expect.self, Silence.self, Webhooks.self, Watch.self]
    )
}
