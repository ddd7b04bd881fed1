import ArgumentParser
import Foundation
import Yams

/// The settings of a YAML config file (`--config`), each with the line it is written on.
///
/// ```yaml
/// host: 0.0.0.0
/// port: 5000
/// database: /var/lib/wokmanager/wokmanager.sqlite
/// keys-file: /etc/wokmanager/wokmanager.keys
/// expectations-file: /etc/wokmanager/expectations.yaml
/// retention: 14d
/// ```
/// Keys are the settings' keys (``ServeSetting/key``), with `-` or `_`. Keys themselves (the only list settings)
/// are never written here: the file names the keys file instead. swift-configuration's own YAML
/// provider reads values but cannot say on which line a wrong one is, which `wokmanager config check` must.
struct ConfigFile: Sendable {
    /// A mistake in the file, on a line (1-based) when it has one.
    struct Mistake: Error, CustomStringConvertible {
        let path: String
        let line: Int?
        let message: String

        var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
    }

    /// Where the file was read from.
    let path: String
    /// The value of each setting written, as text, by ``ServeSetting/key``.
    let values: [String: String]
    /// The line of each setting written, by key.
    let lines: [String: Int]

    /// The file `--config` names, else `WOKMANAGER_CONFIG` in `environment`, read; `nil` when neither names one.
    /// A file that does not read is an error to print as it is.
    static func named(by flag: String?, environment: [String: String]) throws -> ConfigFile? {
        guard let path = flag ?? environment["WOKMANAGER_CONFIG"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        do throws(Mistake) {
            return try load(path)
        } catch {
            throw ValidationError(error.description)
        }
    }

    /// Reads and parses the file at `path`.
    static func load(_ path: String) throws(Mistake) -> ConfigFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw Mistake(path: path, line: nil, message: "cannot be read (\(error.localizedDescription))")
        }
        return try parse(text, path: path)
    }

    /// Parses `text` as the file at `path`.
    static func parse(_ text: String, path: String) throws(Mistake) -> ConfigFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Mistake(path: path, line: error.line, message: "is not YAML: \(error.problem)")
        } catch {
            throw Mistake(path: path, line: nil, message: "is not YAML: \(error)")
        }
        guard let root else { return ConfigFile(path: path, values: [:], lines: [:]) }
        guard let mapping = root.mapping else {
            throw Mistake(path: path, line: root.mark?.line, message: "must be a mapping of settings (key: value), one per line")
        }
        let settings = Dictionary(uniqueKeysWithValues: ServeSetting.all.map { ($0.key, $0) })
        var values: [String: String] = [:]
        var lines: [String: Int] = [:]
        for (keyNode, valueNode) in mapping {
            let line = keyNode.mark?.line
            let written = keyNode.string ?? ""
            let key = written.replacingOccurrences(of: "_", with: "-")
            guard let setting = settings[key] else {
                throw Mistake(path: path, line: line, message: "'\(written)' is not a setting\(suggestion(for: key, among: settings.keys))")
            }
            if setting.isKeyList {
                throw Mistake(
                    path: path, line: line,
                    message: "'\(written)': keys are not written in the config file; add them with `wokmanager keys add` to the keys file it names (keys-file), or give them by flag or variable")
            }
            if let first = lines[key] {
                throw Mistake(path: path, line: line, message: "'\(written)' is set twice (first on line \(first))")
            }
            values[key] = try value(of: valueNode, written: written, path: path, line: line)
            lines[key] = line
        }
        return ConfigFile(path: path, values: values, lines: lines)
    }

    /// Where `key` is written, as a message names it: `PATH:LINE: key`.
    func source(of key: String) -> String {
        lines[key].map { "\(path):\($0): \(key)" } ?? "\(path): \(key)"
    }

    private static func value(of node: Node, written: String, path: String, line: Int?) throws(Mistake) -> String {
        switch node {
        case .scalar(let scalar) where scalar.style == .plain && (scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null"):
            throw Mistake(path: path, line: line, message: "'\(written)' has no value")
        case .scalar(let scalar):
            return scalar.string
        default:
            throw Mistake(path: path, line: line, message: "'\(written)' takes one value, not a \(node.isSequence ? "list" : "mapping")")
        }
    }

    /// ", did you mean 'x'?" for the setting closest to `key` by edit distance, when one is close, or nothing.
    private static func suggestion(for key: String, among keys: Dictionary<String, ServeSetting>.Keys) -> String {
        let scored = keys.map { candidate in (candidate, editDistance(Array(candidate), Array(key))) }
        guard let best = scored.min(by: { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }), best.1 <= max(2, key.count / 3) else { return "" }
        return " (did you mean '\(best.0)'?)"
    }

    /// Levenshtein's distance: the fewest characters inserted, removed or replaced to turn one into the other.
    private static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, x) in a.enumerated() {
            var current = [i + 1]
            for (j, y) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}

extension Node {
    fileprivate var isSequence: Bool {
        if case .sequence = self { return true }
        return false
    }
}

extension YamlError {
    /// The line (1-based) the parser stopped on, when it says.
    fileprivate var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        case .duplicatedKeysInMapping(_, let context): context.mark.line
        default: nil
        }
    }

    /// What the parser found wrong, without its copy of the line.
    fileprivate var problem: String {
        switch self {
        case .scanner(_, let problem, _, _), .parser(_, let problem, _, _), .composer(_, let problem, _, _): problem
        case .duplicatedKeysInMapping(let duplicates, _): "\(duplicates.map { "'\($0)'" }.joined(separator: ", ")) set twice"
        default: "\(self)"
        }
    }
}
