import ArgumentParser
import Foundation

/// Resolves a setting from its flag, then its `WOKMANAGER_*` variable, then its default.
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

    func integer(_ flag: Int?, _ variable: String, default defaultValue: Int) throws -> Int {
        if let flag { return flag }
        guard let text = value(nil, variable) else { return defaultValue }
        guard let number = Int(text) else { throw ValidationError("\(variable)='\(text)' is not a whole number") }
        return number
    }

    func duration(_ flag: String?, _ variable: String, default defaultValue: Double) throws -> Double {
        guard let text = value(flag, variable) else { return defaultValue }
        guard let seconds = Self.seconds(text) else {
            throw ValidationError("'\(text)' (\(variable)) is not a duration: use seconds or a number with s, m, h or d (30s, 5m, 7d)")
        }
        return seconds
    }

    func flag(_ flag: Bool, _ variable: String) throws -> Bool {
        if flag { return true }
        switch value(nil, variable)?.lowercased() {
        case nil, "0", "false", "no", "off": return false
        case "1", "true", "yes", "on": return true
        case let other?: throw ValidationError("\(variable)='\(other)' is not a boolean (true or false)")
        }
    }

    /// `30`, `30s`, `5m`, `2h`, `7d` as seconds.
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let unit = text.last, let scale = units[unit], let number = Double(text.dropLast()), number >= 0 {
            return number * scale
        }
        guard let number = Double(text), number >= 0 else { return nil }
        return number
    }
}
