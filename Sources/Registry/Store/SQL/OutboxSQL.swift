import Foundation

/// The outbox's statements: notifications written with the problem change they tell of.
struct OutboxSQL: Sendable {
    let dialect: SQLDialect

    /// Queues `notification`, first due at `dueAt` (its change plus the group window).
    func enqueue(_ notification: ProblemNotification, dueAt: Date) throws -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "INSERT INTO notifications (webhook, problem_id, change, problem, created_at, next_attempt_at) VALUES (\((1...6).map(p).joined(separator: ", ")))",
            [.text(notification.webhook), .integer(notification.problem.id), .text(notification.change.rawValue),
             .text(try ProblemCoding.encode(notification.problem)), .real(notification.createdAt.timeIntervalSince1970), .real(dueAt.timeIntervalSince1970)])
    }
}

/// A problem as the outbox keeps it: JSON with dates in Unix seconds, so it reads back exactly.
enum ProblemCoding {
    static func encode(_ problem: Problem) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(problem), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> Problem {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        do {
            return try decoder.decode(Problem.self, from: Data(text.utf8))
        } catch {
            throw StoreError.badColumn("problem", "'\(text.prefix(80))'", expected: "a problem as JSON")
        }
    }
}
