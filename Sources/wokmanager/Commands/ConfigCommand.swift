import ArgumentParser
import Foundation
import Registry
import Web

/// `wokmanager config`: the config file of `wokmanager serve --config`.
struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with the server's config file.",
        subcommands: [Check.self]
    )

    /// `wokmanager config check FILE`: reads the file as `serve --config FILE` would, without starting.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a config file without starting the server.",
            discussion: """
                Reads FILE as `wokmanager serve --config FILE` would (flags and variables left out), converts every \
                setting, and reads the keys file, the expectations file, the webhooks file and the TLS certificate \
                and key it names. A mistake is printed as FILE:LINE: and the problem, and the exit status is 1.
                """
        )

        @Argument(help: "The YAML config file.")
        var file: String

        func run() throws {
            do {
                let config = try ConfigFile.load(file)
                let reader = SettingsReader(flags: SettingsReader.Flags(), environment: [:], file: config)
                let settings = try ServeSettings(reading: reader)
                try checkReferencedFiles(settings, config)
                print("\(file): ok, \(config.values.count) settings")
            } catch {
                FileHandle.standardError.write(Data("\(Config.Check.message(for: error))\n".utf8))
                throw ExitCode.failure
            }
        }

        /// The keys file, the TLS files, the expectations file and the webhooks file the settings name, each read as the server
        /// would; a problem is named by the line of the file's setting.
        private func checkReferencedFiles(_ settings: ServeSettings, _ config: ConfigFile) throws {
            let configuration = settings.configuration
            if let keysFile = configuration.keysFile {
                do throws(KeysFileError) {
                    _ = try KeysFile.load(at: keysFile)
                } catch {
                    throw ValidationError("\(config.source(of: ServeSetting.keysFile.key)): \(error.reason)")
                }
            }
            let declarations: [(ServeSetting, String?, (String) throws(EventValidationError) -> Int)] = [
                (.expectationsFile, configuration.expectationsFile, ExpectationsFile.check(at:)),
                (.webhooksFile, configuration.webhooksFile, WebhooksFile.check(at:)),
            ]
            if let tls = configuration.tls {
                do {
                    _ = try tls.check()
                } catch {
                    throw ValidationError("\(config.source(of: ServeSetting.tlsCertificate.key)): \(error)")
                }
            }
            for (setting, path, check) in declarations {
                guard let path else { continue }
                do throws(EventValidationError) {
                    _ = try check(path)
                } catch {
                    throw ValidationError("\(config.source(of: setting.key)): \(error)")
                }
            }
        }
    }
}
