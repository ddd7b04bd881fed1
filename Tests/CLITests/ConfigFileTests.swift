import Foundation
import Testing

@testable import wokmanager

@Suite("Config file")
struct ConfigFileTests {
    private func parse(_ text: String) throws(ConfigFile.Mistake) -> ConfigFile {
        try ConfigFile.parse(text, path: "wok.yaml")
    }

    private func mistake(_ text: String) -> String {
        do {
            _ = try parse(text)
            return "no mistake"
        } catch {
            return error.description
        }
    }

    @Test("each setting is read with its line, by its name with dashes or underscores")
    func settingsAndLines() throws {
        let file = try parse("# comment\nport: 6000\n\nhistory_retention: 14d\nread-timeout: 30s\npublic: /srv/public\n")
        #expect(file.values == ["port": "6000", "history-retention": "14d", "read-timeout": "30s", "public": "/srv/public"])
        #expect(file.lines == ["port": 2, "history-retention": 4, "read-timeout": 5, "public": 6])
        #expect(file.source(of: "history-retention") == "wok.yaml:4: history-retention")
        #expect(try parse("").values.isEmpty)
        #expect(try parse("# only a comment\n").values.isEmpty)
    }

    @Test("a mistake names its line")
    func mistakes() {
        #expect(mistake("port: 1\nprot: 2\n") == "wok.yaml:2: 'prot' is not a setting (did you mean 'port'?)")
        #expect(mistake("colour: blue\n") == "wok.yaml:1: 'colour' is not a setting")
        #expect(mistake("port:\n") == "wok.yaml:1: 'port' has no value")
        #expect(mistake("port: {a: 1}\n") == "wok.yaml:1: 'port' takes one value, not a mapping")
        #expect(mistake("host: a\nwrite-keys: [k]\n").hasPrefix("wok.yaml:2: 'write-keys': keys are not written in the config file"))
        #expect(mistake("port: 1\nport: 2\n").contains("twice"))
        #expect(mistake("port: 1\nhost: [\n").hasPrefix("wok.yaml:3: is not YAML"))
        #expect(mistake("just text\n") == "wok.yaml:1: must be a mapping of settings (key: value), one per line")
    }

    @Test("flags beat variables, which beat the file, which beats the defaults")
    func precedence() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("wok.yaml").path
        try "port: 6000\nhost: 0.0.0.0\nretention: 2d\nmax-streams: x\n".write(toFile: path, atomically: true, encoding: .utf8)
        func read(_ arguments: [String], _ environment: [String: String] = [:]) throws -> ServeSettings {
            try Serve.parse(["--config", path, "--max-streams", "10"] + arguments).readSettings(environment: environment)
        }
        let fromFile = try read([])
        #expect(fromFile.configuration.port == 6000 && fromFile.configuration.host == "0.0.0.0")
        #expect(fromFile.configuration.registry.retention.workers == 2 * 86_400)
        #expect(try read([], ["WOKMANAGER_PORT": "7000"]).configuration.port == 7000)
        #expect(try read(["--port", "8000"], ["WOKMANAGER_PORT": "7000"]).configuration.port == 8000)
        // The file's bad max-streams is never read: the flag wins over it.
        #expect(fromFile.configuration.limits.streams.total == 10)
        #expect(throws: (any Error).self) { try Serve.parse(["--config", path]).readSettings(environment: [:]) }
        let named = try Serve.parse([]).readSettings(environment: ["WOKMANAGER_CONFIG": path, "WOKMANAGER_MAX_STREAMS": "5"])
        #expect(named.configuration.port == 6000)
    }

    @Test("a value from the file that does not convert is named by its line")
    func conversionNamesTheLine() throws {
        let file = try parse("port: 5000\nsweep-interval: soon\n")
        let reader = SettingsReader(flags: SettingsReader.Flags(), environment: [:], file: file)
        #expect(throws: (any Error).self) { try ServeSettings(reading: reader) }
        do {
            _ = try ServeSettings(reading: reader)
        } catch {
            #expect(Serve.message(for: error).hasPrefix("wok.yaml:2: sweep-interval: 'soon' is not a duration"))
        }
    }
}
