import Foundation

/// The statements that read the outbox, record deliveries and keep the webhooks.
extension OutboxSQL {
    static let webhookColumns = "name, url, format, grp, kinds, secret, created_at, from_file"
    static let notificationColumns = "id, webhook, change, problem, created_at, attempts"
    static let deliveryColumns = "id, webhook, at, notifications, status_code, error, duration"

    // MARK: Webhooks

    static let webhooks = SQLStatement("SELECT \(webhookColumns) FROM webhooks ORDER BY name")

    func webhook(named name: String) -> SQLStatement {
        SQLStatement("SELECT \(Self.webhookColumns) FROM webhooks WHERE name = \(dialect.placeholder(1))", [.text(name)])
    }

    /// Adds `webhook` or replaces the one of its name; `kinds` as a comma-separated list, empty for all.
    func upsert(_ webhook: Webhook) -> SQLStatement {
        let columns = Self.webhookColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let updates = columns.dropFirst().map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        return SQLStatement(
            "INSERT INTO webhooks (\(Self.webhookColumns)) VALUES (\((1...columns.count).map(dialect.placeholder).joined(separator: ", "))) "
                + "ON CONFLICT (name) DO UPDATE SET \(updates)",
            [.text(webhook.name), .text(webhook.url.absoluteString), .text(webhook.format.rawValue), .text(webhook.group),
             .text(webhook.kinds.map(\.rawValue).sorted().joined(separator: ",")), .text(webhook.secret), .real(webhook.createdAt.timeIntervalSince1970),
             .integer(webhook.fromFile ? 1 : 0)])
    }

    /// The statements removing a webhook's notifications, delivery log and itself; the last one's count tells whether there was one.
    func removeWebhook(named name: String) -> [SQLStatement] {
        let p = dialect.placeholder(1)
        return ["DELETE FROM notifications WHERE webhook = \(p)", "DELETE FROM deliveries WHERE webhook = \(p)", "DELETE FROM webhooks WHERE name = \(p)"]
            .map { SQLStatement($0, [.text(name)]) }
    }

    // MARK: Notifications

    /// Undelivered notifications not given up whose next attempt is due by `now`, in the order they were queued.
    func due(by now: Date, limit: Int) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement(
            "SELECT \(Self.notificationColumns) FROM notifications WHERE delivered_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= \(p(1)) "
                + "ORDER BY id LIMIT \(p(2))",
            [.real(now.timeIntervalSince1970), .integer(limit)])
    }

    /// Marks notifications `ids` (one or more) delivered at `at`, counting the attempt.
    func markDelivered(_ ids: [Int64], at: Date) -> SQLStatement {
        markAttempted(ids, setting: "delivered_at", to: at)
    }

    /// Counts an attempt of `ids` (one or more) and puts their next one at `retryAt`.
    func markRetry(_ ids: [Int64], at retryAt: Date) -> SQLStatement {
        markAttempted(ids, setting: "next_attempt_at", to: retryAt)
    }

    /// Counts an attempt of `ids` (one or more) and gives them up at `at`.
    func markGivenUp(_ ids: [Int64], at: Date) -> SQLStatement {
        markAttempted(ids, setting: "given_up_at", to: at)
    }

    private func markAttempted(_ ids: [Int64], setting column: String, to date: Date) -> SQLStatement {
        let p = dialect.placeholder
        let list = (2...(ids.count + 1)).map(p).joined(separator: ", ")
        return SQLStatement(
            "UPDATE notifications SET attempts = attempts + 1, \(column) = \(p(1)) WHERE id IN (\(list)) AND delivered_at IS NULL AND given_up_at IS NULL",
            [.real(date.timeIntervalSince1970)] + ids.map { .integer($0) })
    }

    /// Delivered or given-up notifications of changes before `cutoff`, for retention.
    func pruneNotifications(before cutoff: Date) -> SQLStatement {
        SQLStatement(
            "DELETE FROM notifications WHERE (delivered_at IS NOT NULL OR given_up_at IS NOT NULL) AND created_at < \(dialect.placeholder(1))",
            [.real(cutoff.timeIntervalSince1970)])
    }

    // MARK: Delivery log

    func append(_ record: DeliveryRecord) throws -> SQLStatement {
        let ids = String(decoding: try JSONEncoder().encode(record.notifications), as: UTF8.self)
        return SQLStatement(
            "INSERT INTO deliveries (webhook, at, notifications, status_code, error, duration) VALUES (\((1...6).map(dialect.placeholder).joined(separator: ", "))) RETURNING id",
            [.text(record.webhook), .real(record.at.timeIntervalSince1970), .text(ids), .integer(record.statusCode), .text(record.error),
             .real(record.duration)])
    }

    func deliveries(toWebhook webhook: String, limit: Int) -> SQLStatement {
        let p = dialect.placeholder
        return SQLStatement("SELECT \(Self.deliveryColumns) FROM deliveries WHERE webhook = \(p(1)) ORDER BY id DESC LIMIT \(p(2))",
                            [.text(webhook), .integer(limit)])
    }

    /// Delivery attempts made before `cutoff`, for retention.
    func pruneDeliveries(before cutoff: Date) -> SQLStatement {
        SQLStatement("DELETE FROM deliveries WHERE at < \(dialect.placeholder(1))", [.real(cutoff.timeIntervalSince1970)])
    }

    // MARK: Open problems

    /// The column ``openProblems(now:)`` puts the muting silence's id in.
    static let silencedBy = "silenced_by"

    /// Problems not resolved, oldest first, each with the lowest id of a silence active at `now` that covers it: one
    /// of its worker, or one of a group at or above its group (`product` covers `product.importer`, not `products`).
    func openProblems(now: Date) -> SQLStatement {
        let problemColumns = ProblemRow.columns.split(separator: ",").map { "p." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", ")
        let covering = """
            SELECT MIN(s.id) FROM silences s WHERE s.until > \(dialect.placeholder(1)) AND (\
            (s.scope = 'worker' AND p.scope = 'worker' AND s.subject = p.subject) OR \
            (s.scope = 'group' AND (p.grp = s.subject OR (p.grp >= (s.subject || '.') AND p.grp < (s.subject || '/')))))
            """
        return SQLStatement(
            "SELECT \(problemColumns), (\(covering)) AS \(Self.silencedBy) FROM problems p WHERE p.resolved_at IS NULL ORDER BY p.id",
            [.real(now.timeIntervalSince1970)])
    }

    // MARK: Rows

    static func webhook(from row: any SQLRow) throws -> Webhook {
        let urlText = try row.text("url"), formatName = try row.text("format"), kindNames = try row.text("kinds")
        guard let url = URL(string: urlText) else { throw StoreError.badColumn("url", "'\(urlText)'", expected: "a URL") }
        guard let format = WebhookFormat(rawValue: formatName) else { throw StoreError.badColumn("format", "'\(formatName)'", expected: "a webhook format") }
        let kinds = try kindNames.split(separator: ",").map { name in
            guard let kind = ProblemKind(rawValue: String(name)) else {
                throw StoreError.badColumn("kinds", "'\(kindNames)'", expected: "problem kinds separated by commas")
            }
            return kind
        }
        return Webhook(
            name: try row.text("name"), url: url, format: format, group: try row.optionalText("grp"), kinds: Set(kinds),
            secret: try row.optionalText("secret"), createdAt: try row.date("created_at"), fromFile: try row.int("from_file") != 0)
    }

    static func notification(from row: any SQLRow) throws -> ProblemNotification {
        let changeName = try row.text("change")
        guard let change = ProblemChange(rawValue: changeName) else { throw StoreError.badColumn("change", "'\(changeName)'", expected: "a problem change") }
        return ProblemNotification(
            id: Int64(try row.int("id")), webhook: try row.text("webhook"), change: change, problem: try ProblemCoding.decode(row.text("problem")),
            createdAt: try row.date("created_at"), attempts: try row.int("attempts"))
    }

    static func delivery(from row: any SQLRow) throws -> DeliveryRecord {
        let idsText = try row.text("notifications")
        guard let ids = try? JSONDecoder().decode([Int64].self, from: Data(idsText.utf8)) else {
            throw StoreError.badColumn("notifications", "'\(idsText.prefix(80))'", expected: "a JSON array of ids")
        }
        return DeliveryRecord(
            id: Int64(try row.int("id")), webhook: try row.text("webhook"), at: try row.date("at"), notifications: ids,
            statusCode: try row.optionalInt("status_code"), error: try row.optionalText("error"), duration: try row.double("duration"))
    }
}
