import ArgumentParser
import Foundation
import Registry
import Testing

@testable import wokmanager

@Suite("Server settings")
struct ServeSettingsTests {
    private func read(_ arguments: [String] = [], _ environment: [String: String] = [:]) throws -> ServeSettings {
        try Serve.parse(arguments).readSettings(environment: environment)
    }

    private func message(_ arguments: [String] = [], _ environment: [String: String] = [:]) -> String {
        do {
            _ = try read(arguments, environment)
            return "no error"
        } catch {
            return Serve.message(for: error)
        }
    }

    @Test("a flag beats its variable, which beats the default")
    func precedence() throws {
        #expect(try read().configuration.port == 5000)
        #expect(try read([], ["WOKMANAGER_PORT": "6000"]).configuration.port == 6000)
        #expect(try read(["--port", "7000"], ["WOKMANAGER_PORT": "6000"]).configuration.port == 7000)
        #expect(try read([], ["WOKMANAGER_PORT": ""]).configuration.port == 5000)  // an empty variable is unset
        let fromFlag = try read(["--sweep-interval", "2s"], ["WOKMANAGER_SWEEP_INTERVAL": "1m"]).configuration.registry
        #expect(fromFlag.sweepInterval == .seconds(2))
        #expect(fromFlag.pruneInterval == .seconds(24))
    }

    @Test("each documented variable is the one swift-configuration reads")
    func everyVariableIsRead() throws {
        for setting in ServeSetting.all {
            let reader = SettingsReader(flags: SettingsReader.Flags(), environment: [setting.variable: "a, b"])
            switch setting.kind {
            case .list: #expect(reader.list(setting) == ["a", "b"], "\(setting.variable)")
            default: #expect(reader.given(setting) == "a, b", "\(setting.variable)")
            }
        }
    }

    @Test("the defaults are the documented ones")
    func defaults() throws {
        let settings = try read()
        let configuration = settings.configuration
        #expect(configuration.host == "127.0.0.1")
        #expect(settings.store.databasePath == "./data/wokmanager.sqlite")
        #expect(configuration.keysFile?.hasSuffix("data/wokmanager.keys") == true)
        #expect(settings.store.databaseURL == nil)
        #expect(configuration.accessKeys.isEmpty)
        #expect(configuration.registry.retention.workers == 7 * 86_400)
        #expect(configuration.registry.retention.history == 30 * 86_400)
        #expect(configuration.registry.sweepInterval == .seconds(5))
        #expect(configuration.limits.idleTimeout == .seconds(60))
        #expect(configuration.publicFolder == "Public")
        #expect(!configuration.readsRequireKey && !configuration.perWorkerMetrics)
        #expect(settings.logLevel == .info)
        #expect(ServeSetting.retention.defaultText == "7d" && ServeSetting.defaultTTL.defaultText == "0")
    }

    @Test("keys come from repeated flags, else comma-separated variables, each role on its own")
    func keys() throws {
        let fromFlags = try read(["--api-key", "a1", "--api-key", "a2"], ["WOKMANAGER_API_KEYS": "ignored", "WOKMANAGER_READ_KEYS": " r1, ,r2 "])
        #expect(fromFlags.configuration.accessKeys.map(\.name) == ["admin-option-1", "admin-option-2", "read-option-1", "read-option-2"])
        let fromVariables = try read([], ["WOKMANAGER_WRITE_KEYS": "w1,w2"])
        #expect(fromVariables.configuration.accessKeys.map(\.role.rawValue) == ["write", "write"])
    }

    @Test("booleans: a flag, or a variable's true/false, 1/0, yes/no, on/off")
    func booleans() throws {
        #expect(try read(["--require-key-for-reads"]).configuration.readsRequireKey)
        for on in ["true", "1", "yes", "ON"] {
            #expect(try read([], ["WOKMANAGER_REQUIRE_KEY_FOR_READS": on]).configuration.readsRequireKey)
        }
        for off in ["false", "0", "no", "off"] {
            #expect(try !read([], ["WOKMANAGER_PER_WORKER_METRICS": off]).configuration.perWorkerMetrics)
        }
    }

    @Test("a value that cannot be read is refused with a message naming the setting")
    func refusals() {
        #expect(message(["--sweep-interval", "0"]) == "--sweep-interval: must be from 1ms to 365d, not '0'")
        #expect(message([], ["WOKMANAGER_READ_TIMEOUT": "366d"]) == "WOKMANAGER_READ_TIMEOUT: must be from 1ms to 365d, not '366d'")
        #expect(message([], ["WOKMANAGER_DEFAULT_TTL": "forever"])
            == "WOKMANAGER_DEFAULT_TTL: 'forever' is not a duration: use seconds or a number with s, m, h or d (30s, 5m, 7d)")
        #expect(message([], ["WOKMANAGER_PORT": "80x"]) == "WOKMANAGER_PORT: '80x' is not a whole number")
        #expect(message([], ["WOKMANAGER_REQUIRE_KEY_FOR_READS": "maybe"]) == "WOKMANAGER_REQUIRE_KEY_FOR_READS: 'maybe' is not a boolean (true or false)")
        #expect(message(["--sqlite-synchronous", "off"]) == "--sqlite-synchronous: must be full or normal, not 'off'")
        #expect(message([], ["WOKMANAGER_LOG_LEVEL": "loud"]).hasPrefix("WOKMANAGER_LOG_LEVEL: 'loud' is not one of trace"))
        #expect(message(["--retention", "5m", "--history-retention", "30d", "--default-ttl", "90"]) == "no error")
    }

    @Test("reading the settings writes nothing, not even with no key configured")
    func readingHasNoSideEffects() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let settings = try read(["--database", folder.appendingPathComponent("data/wokmanager.sqlite").path])
        #expect(settings.configuration.accessKeys.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    @Test("durations are written in their largest whole unit")
    func durationText() {
        #expect(DurationText.text(seconds: 604_800) == "7d")
        #expect(DurationText.text(seconds: 90) == "90s")
        #expect(DurationText.text(.seconds(120)) == "2m")
        #expect(DurationText.seconds("1.5h") == 5400)
        #expect(DurationText.seconds("-1") == nil && DurationText.seconds("5x") == nil)
        #expect(DurationText.seconds("36500d") == DurationText.maxSeconds && DurationText.seconds("36501d") == nil, "100 years at most")
        #expect(DurationText.seconds("1e300s") == nil && DurationText.seconds("nan") == nil && DurationText.seconds("infs") == nil)
    }
}
