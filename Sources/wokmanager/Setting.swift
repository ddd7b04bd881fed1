import Foundation

/// Resolves a client option from its flag, then its `WOKMANAGER_*` variable (the server's settings are
/// ``ServeSetting``s, read by ``SettingsReader``).
struct Setting {
    let environment: [String: String]

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    func value(_ flag: String?, _ variable: String) -> String? {
        if let flag { return flag }
        if let value = environment[variable], !value.isEmpty { return value }
        return nil
    }
}
