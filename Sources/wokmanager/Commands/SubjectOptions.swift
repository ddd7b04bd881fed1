import ArgumentParser
import Registry

/// `--group G` or `--worker ID`: what an expectation or a silence is about. Exactly one is given.
struct SubjectOptions: ParsableArguments {
    @Option(help: "A group: it and everything below it (product.importer).")
    var group: String?

    @Option(help: "One worker, by id.")
    var worker: String?

    func validate() throws {
        _ = try subject
    }

    /// The group or the worker, with its name checked as the server checks it.
    var subject: Subject {
        get throws {
            guard (group == nil) != (worker == nil) else { throw ValidationError("give exactly one of --group and --worker") }
            let scope = group == nil ? "worker" : "group"
            do {
                return try Subject(scope: scope, name: group ?? worker ?? "")
            } catch {
                throw ValidationError("--\(scope) \(error.message)")
            }
        }
    }

    /// `/expectations/group/product.importer`: the subject's part of a path, under `prefix`.
    func path(under prefix: String) throws -> String {
        let subject = try subject
        return prefix + "/" + subject.scope + "/" + APIClient.segment(subject.name)
    }
}
