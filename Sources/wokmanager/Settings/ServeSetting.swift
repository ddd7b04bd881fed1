import ArgumentParser

/// One setting of `wokmanager serve`, spelled only here: its key (which names its `WOKMANAGER_*` variable),
/// its flag, its kind, its default and what it does. The flags' help, the variables read and the reference in
/// docs/configuration.md all come from these (``ServeSetting/all``).
struct ServeSetting: Sendable {
    /// How a setting is written.
    enum Kind: Sendable {
        /// Text: an address, a path, one of some words.
        case text
        /// A whole number.
        case integer
        /// Seconds, or a number with `s`, `m`, `h` or `d` (``DurationText``).
        case duration
        /// A flag without a value; in its variable, a boolean.
        case flag
        /// A repeatable flag; in its variable, a comma-separated list.
        case list
    }

    /// What applies when a setting is given nowhere.
    enum Default: Sendable {
        /// This value, written as a user would write it.
        case value(String)
        /// No value; the text says what happens then.
        case none(String)
    }

    /// The configuration key, such as `sweep-interval`; the variable is `WOKMANAGER_SWEEP_INTERVAL`.
    let key: String
    /// The flag's name without its dashes: the key, except for lists named in the singular (`api-key`).
    let flagName: String
    /// How it is written.
    let kind: Kind
    /// What applies when it is given nowhere.
    let fallback: Default
    /// What it does, in a phrase (Markdown code spans allowed).
    let summary: String
    /// Whether its value is a secret, kept out of swift-configuration's access log.
    let isSecret: Bool

    init(_ key: String, flag: String? = nil, _ kind: Kind, _ fallback: Default, _ summary: String, isSecret: Bool = false) {
        self.key = key
        self.flagName = flag ?? key
        self.kind = kind
        self.fallback = fallback
        self.summary = summary
        self.isSecret = isSecret
    }

    /// Whether it lists secret keys, which a config file may not hold (it names the keys file instead).
    var isKeyList: Bool { kind == .list && isSecret }

    /// The flag, such as `--sweep-interval`.
    var flag: String { "--" + flagName }

    /// The environment variable: `WOKMANAGER_` and the key in capitals, dashes as underscores (the name
    /// swift-configuration's environment provider reads for the key under the `wokmanager` prefix).
    var variable: String { "WOKMANAGER_" + key.uppercased().replacingOccurrences(of: "-", with: "_") }

    /// The default as a phrase: the value, or what happens without one.
    var defaultText: String {
        switch fallback {
        case .value(let value): value
        case .none(let text): text
        }
    }

    /// The flag's name for ArgumentParser.
    var name: NameSpecification { .customLong(flagName) }

    /// The flag's help in `wokmanager serve --help`: what it does (as a sentence), its variable and its default.
    var help: ArgumentHelp {
        let variableText = kind == .list ? "\(variable), comma-separated" : variable
        let repeatable = kind == .list ? "; repeat the flag for several" : ""
        let text = "\(summary.prefix(1).uppercased())\(summary.dropFirst())\(repeatable) (\(variableText); default: \(defaultText))."
        return ArgumentHelp(text, valueName: valueName)
    }

    /// What the help calls the flag's value: its kind where that says more than the flag's name.
    var valueName: String? {
        switch kind {
        case .duration: "duration"
        case .integer: "number"
        case .text, .flag, .list: nil
        }
    }
}
