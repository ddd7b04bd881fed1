import ArgumentParser
import Configuration
import Registry

/// Reads ``ServeSetting``s through swift-configuration: the flags given first, then the `WOKMANAGER_*`
/// variables (an empty one counts as unset), then the config file (`--config`), then each setting's default.
/// Values are read as text and converted here, so that a value that does not convert stops the server with a
/// message naming where it was given (the flag, the variable, or the file's line), instead of falling back to
/// the default. Reading changes nothing.
struct SettingsReader {
    private let reader: ConfigReader
    private let flagKeys: Set<String>
    private let variables: Set<String>
    private let file: ConfigFile?

    /// A reader over the flags given on the command line, the variables in `environment` and `file`.
    init(flags: Flags, environment: [String: String], file: ConfigFile? = nil) {
        let environment = environment.filter { !$0.value.isEmpty }
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: flags.values),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: ConfigKey(["wokmanager"])),
        ]
        if let file { providers.append(InMemoryProvider(name: file.path, values: Self.values(of: file))) }
        reader = ConfigReader(providers: providers)
        flagKeys = Set(flags.values.keys.compactMap(\.components.first))
        variables = Set(environment.keys)
        self.file = file
    }

    /// Where the value of `setting` in use was given, as an error names it: its flag, its variable, or
    /// `PATH:LINE: key` of the config file (its flag when it was given nowhere).
    func source(of setting: ServeSetting) -> String {
        if flagKeys.contains(setting.key) { return setting.flag }
        if variables.contains(setting.variable) { return setting.variable }
        if let file, file.values[setting.key] != nil { return file.source(of: setting.key) }
        return setting.flag
    }

    /// The error for a value of `setting` that cannot be used: `problem`, after where it was given.
    func invalid(_ setting: ServeSetting, _ problem: String) -> ValidationError {
        ValidationError("\(source(of: setting)): \(problem)")
    }

    /// The text of every setting given anywhere (a list's items joined by newlines), by key: what a reload
    /// compares. A secret is kept only as its hash, which tells a change within this process and nothing more.
    var givenTexts: [String: String] {
        var texts: [String: String] = [:]
        for setting in ServeSetting.all {
            guard let text = setting.kind == .list ? list(setting).joined(separator: "\n") : given(setting), !text.isEmpty else { continue }
            texts[setting.key] = setting.isSecret ? "secret \(text.hashValue)" : text
        }
        return texts
    }

    private static func values(of file: ConfigFile) -> [AbsoluteConfigKey: ConfigValue] {
        let settings = Dictionary(uniqueKeysWithValues: ServeSetting.all.map { ($0.key, $0) })
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        for (key, text) in file.values {
            values[AbsoluteConfigKey([key])] = ConfigValue(.string(text), isSecret: settings[key]?.isSecret ?? false)
        }
        return values
    }

    /// The text of `setting` when it is given by a flag, a variable or the config file, else `nil`.
    func given(_ setting: ServeSetting) -> String? {
        reader.string(forKey: ConfigKey([setting.key]), isSecret: setting.isSecret)
    }

    /// The text of `setting`, else its default value (which it must have).
    func text(_ setting: ServeSetting) -> String {
        guard case .value(let value) = setting.fallback else { preconditionFailure("\(setting.key) has no default value") }
        return reader.string(forKey: ConfigKey([setting.key]), isSecret: setting.isSecret, default: value)
    }

    /// A whole-number setting.
    func integer(_ setting: ServeSetting) throws -> Int {
        let text = text(setting)
        guard let number = Int(text) else { throw invalid(setting, "'\(text)' is not a whole number") }
        return number
    }

    /// A whole-number setting of 1 or more.
    func positiveInteger(_ setting: ServeSetting) throws -> Int {
        let number = try integer(setting)
        guard number >= 1 else { throw invalid(setting, "must be 1 or more, not \(number)") }
        return number
    }

    /// A duration setting, in seconds.
    func duration(_ setting: ServeSetting) throws -> Double {
        try seconds(text(setting), of: setting)
    }

    /// A duration setting without a default, in seconds; `nil` when not given.
    func optionalPositiveDuration(_ setting: ServeSetting) throws -> Double? {
        guard let text = given(setting) else { return nil }
        let seconds = try seconds(text, of: setting)
        guard seconds >= 1, seconds <= 86_400 * 365 else { throw invalid(setting, "must be from 1s to 365d, not '\(text)'") }
        return seconds
    }

    private func seconds(_ text: String, of setting: ServeSetting) throws -> Double {
        guard let seconds = DurationText.seconds(text) else {
            throw invalid(setting, "'\(text)' is not a duration: use seconds or a number with s, m, h or d (30s, 5m, 7d)")
        }
        return seconds
    }

    /// A duration setting that must be from 1 ms to 365 days, in seconds.
    func positiveDuration(_ setting: ServeSetting) throws -> Double {
        let seconds = try duration(setting)
        guard seconds >= 0.001, seconds <= 86_400 * 365 else { throw invalid(setting, "must be from 1ms to 365d, not '\(text(setting))'") }
        return seconds
    }

    /// A flag: on when given, else its variable's boolean (`true`/`false`, `1`/`0`, `yes`/`no`, `on`/`off`).
    func flag(_ setting: ServeSetting) throws -> Bool {
        switch given(setting)?.lowercased() {
        case nil, "0", "false", "no", "off": return false
        case "1", "true", "yes", "on": return true
        case let other?: throw invalid(setting, "'\(other)' is not a boolean (true or false)")
        }
    }

    /// A list: the flag's values when it was given, else the variable's comma-separated items; empty items dropped.
    func list(_ setting: ServeSetting) -> [String] {
        let items = reader.stringArray(forKey: ConfigKey([setting.key]), isSecret: setting.isSecret) ?? []
        return items.filter { !$0.isEmpty }
    }
}

extension SettingsReader {
    /// The flags given on the command line, as the first of the reader's providers. Flags not given are left
    /// out, so that the variables and defaults apply.
    struct Flags: Sendable {
        fileprivate private(set) var values: [AbsoluteConfigKey: ConfigValue] = [:]

        /// Adds a text, duration or number flag, when it was given.
        mutating func add(_ setting: ServeSetting, _ text: String?) {
            guard let text else { return }
            values[AbsoluteConfigKey([setting.key])] = ConfigValue(.string(text), isSecret: setting.isSecret)
        }

        /// Adds a whole-number flag, when it was given.
        mutating func add(_ setting: ServeSetting, _ number: Int?) {
            add(setting, number.map(String.init))
        }

        /// Adds a flag without a value, when it was given.
        mutating func add(_ setting: ServeSetting, _ isOn: Bool) {
            add(setting, isOn ? "true" : nil)
        }

        /// Adds a repeatable flag, when it was given at least once.
        mutating func add(_ setting: ServeSetting, _ items: [String]) {
            guard !items.isEmpty else { return }
            values[AbsoluteConfigKey([setting.key])] = ConfigValue(.stringArray(items), isSecret: setting.isSecret)
        }
    }
}
