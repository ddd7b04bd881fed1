import Foundation
import Registry
import Yams

/// The declarative expectations file, the way Prometheus loads rule files: the whole set, replaced when the file changes.
///
/// ```yaml
/// expectations:
///   - group: product.importer
///     min_running: 8
///   - worker: nightly-export
///     schedule: "0 2 * * *"
///     time_zone: Europe/Paris
///     grace: 30m
///     max_runtime: 2h
/// ```
/// Each entry names its subject with `group` or `worker` and takes the fields of ``ExpectationSpec``.
public enum ExpectationsFile {
    private struct Document: Decodable {
        var expectations: [[String: SpecValue]]?
    }

    /// Reads the expectations in `text`; an error names the entry and the field (`expectations[2].schedule: ...`).
    static func parse(_ text: String, since: Date) throws(EventValidationError) -> [Expectation] {
        let document: Document
        do {
            document = try YAMLDecoder().decode(Document.self, from: text.isEmpty ? "{}" : text)
        } catch {
            throw EventValidationError(field: "file", message: "is not YAML with a list under 'expectations': \(error)")
        }
        var expectations: [Expectation] = []
        var seen: Set<Subject> = []
        for (index, entry) in (document.expectations ?? []).enumerated() {
            let prefix = "expectations[\(index)]."
            let subject: Subject
            switch (entry["group"], entry["worker"]) {
            case (.text(let group)?, nil): subject = try named("group", group, prefix)
            case (nil, .text(let worker)?): subject = try named("worker", worker, prefix)
            default: throw EventValidationError(field: prefix + "group", message: "give exactly one of group and worker, as a string")
            }
            guard seen.insert(subject).inserted else {
                throw EventValidationError(field: prefix + subject.scope, message: "'\(subject.name)' is declared twice")
            }
            var fields = entry
            fields["group"] = nil
            fields["worker"] = nil
            expectations.append(try ExpectationSpec.expectation(from: fields, subject: subject, source: .file, since: since, prefix: prefix))
        }
        return expectations
    }

    /// How many expectations the file at `path` declares, or why it would not load (`wokmanager config check`).
    public static func check(at path: String) throws(EventValidationError) -> Int {
        try parse(DeclarationsFileWatcher.text(at: path), since: Date()).count
    }

    private static func named(_ scope: String, _ name: String, _ prefix: String) throws(EventValidationError) -> Subject {
        do {
            return try Subject(scope: scope, name: name)
        } catch {
            throw EventValidationError(field: prefix + error.field, message: error.message)
        }
    }
}
