import Foundation

/// The outbox and the webhooks, for the notification dispatcher and the webhook routes.
extension SQLStore {
    private var outboxSQL: OutboxSQL { OutboxSQL(dialect: database.dialect) }

    public func webhooks() async throws -> [Webhook] {
        try await database.read { connection in try await connection.rows(OutboxSQL.webhooks, OutboxSQL.webhook) }
    }

    public func webhook(named name: String) async throws -> Webhook? {
        let statement = outboxSQL.webhook(named: name)
        return try await database.read { connection in try await connection.rows(statement, OutboxSQL.webhook).first }
    }

    public func setWebhook(_ webhook: Webhook) async throws {
        let statement = outboxSQL.upsert(webhook)
        try await database.write { connection in try await connection.run(statement) }
    }

    public func removeWebhook(named name: String) async throws -> Bool {
        let statements = outboxSQL.removeWebhook(named: name)
        return try await database.write { connection in
            var removed = 0
            for statement in statements { removed = try await connection.count(statement) }
            return removed > 0
        }
    }

    public func replaceFileWebhooks(_ webhooks: [Webhook]) async throws {
        let sql = outboxSQL
        try await database.write { connection in
            let existing = Dictionary(uniqueKeysWithValues: try await connection.rows(OutboxSQL.webhooks, OutboxSQL.webhook).map { ($0.name, $0) })
            let declared = Set(webhooks.map(\.name))
            for gone in existing.values where gone.fromFile && !declared.contains(gone.name) {
                for statement in sql.removeWebhook(named: gone.name) { try await connection.run(statement) }
            }
            for var webhook in webhooks {
                webhook.fromFile = true
                webhook.createdAt = existing[webhook.name]?.createdAt ?? webhook.createdAt
                try await connection.run(sql.upsert(webhook))
            }
        }
    }

    /// On PostgreSQL only the replica holding the maintenance lease calls this, so the rows are read without locks.
    public func dueNotifications(by now: Date, limit: Int) async throws -> [ProblemNotification] {
        let statement = outboxSQL.due(by: now, limit: limit)
        return try await database.read { connection in try await connection.rows(statement, OutboxSQL.notification) }
    }

    @discardableResult
    public func recordDelivery(_ record: DeliveryRecord, retryAt: Date?) async throws -> DeliveryRecord {
        let sql = outboxSQL
        let append = try sql.append(record)
        let mark: SQLStatement? = record.notifications.isEmpty ? nil
            : record.delivered ? sql.markDelivered(record.notifications, at: record.at)
            : retryAt.map { sql.markRetry(record.notifications, at: $0) } ?? sql.markGivenUp(record.notifications, at: record.at)
        let id = try await database.write { connection in
            let id = try await connection.rows(append) { try $0.int("id") }.first
            if let mark { try await connection.run(mark) }
            return id
        }
        var recorded = record
        recorded.id = Int64(id ?? 0)
        return recorded
    }

    public func deliveries(toWebhook webhook: String, limit: Int) async throws -> [DeliveryRecord] {
        let statement = outboxSQL.deliveries(toWebhook: webhook, limit: limit)
        return try await database.read { connection in try await connection.rows(statement, OutboxSQL.delivery) }
    }

    public func openProblems(now: Date) async throws -> [Problem] {
        let statement = outboxSQL.openProblems(now: now)
        return try await database.read { connection in
            try await connection.rows(statement) { try ProblemRow.problem(from: $0, silencedByColumn: OutboxSQL.silencedBy) }
        }
    }
}
