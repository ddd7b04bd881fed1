import ArgumentParser

/// The `wokmanager` command: the server (`serve`) and, later, the client subcommands.
@main
struct WokManager: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wokmanager",
        abstract: "Track which workers are running, lost, stopped or failed.",
        version: WokManager.version,
        subcommands: [Serve.self]
    )

    static let version = "0.1.0"
}
