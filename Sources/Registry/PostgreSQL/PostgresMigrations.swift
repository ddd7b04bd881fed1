import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL schema, as numbered migrations. Replicas starting together take turns through an
/// advisory lock, so each step runs once.
enum PostgresMigrations {
    /// The advisory lock key that serialises migrations.
    static let lockKey: Int64 = 0x776F_6B6D_0001

    static let steps: [String] = [
        """
        CREATE TABLE workers (
            id TEXT COLLATE "C" PRIMARY KEY,
            grp TEXT COLLATE "C" NOT NULL,
            status TEXT NOT NULL,
            status_since DOUBLE PRECISION NOT NULL,
            run_started_at DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            last_received_at DOUBLE PRECISION NOT NULL,
            ttl DOUBLE PRECISION,
            host TEXT,
            pid BIGINT,
            version TEXT,
            labels TEXT NOT NULL DEFAULT '{}',
            message TEXT,
            message_at DOUBLE PRECISION,
            heartbeats BIGINT NOT NULL DEFAULT 0,
            error_count BIGINT NOT NULL DEFAULT 0,
            exit_code BIGINT
        );
        CREATE INDEX workers_by_group ON workers (grp);
        CREATE TABLE history (
            seq BIGSERIAL PRIMARY KEY,
            worker_id TEXT COLLATE "C" NOT NULL,
            grp TEXT COLLATE "C" NOT NULL,
            event TEXT NOT NULL,
            status TEXT,
            at DOUBLE PRECISION NOT NULL,
            received_at DOUBLE PRECISION NOT NULL,
            message TEXT,
            action TEXT,
            exit_code BIGINT,
            late BIGINT NOT NULL DEFAULT 0
        );
        CREATE INDEX history_by_worker ON history (worker_id, seq);
        CREATE INDEX history_by_event ON history (event, seq);
        CREATE INDEX history_by_received ON history (received_at);
        CREATE TABLE counters (
            name TEXT NOT NULL,
            label TEXT COLLATE "C" NOT NULL,
            value BIGINT NOT NULL,
            PRIMARY KEY (name, label)
        );
        CREATE TABLE groups (
            name TEXT COLLATE "C" PRIMARY KEY,
            last_event_at DOUBLE PRECISION NOT NULL
        );
        """,
        // Counts per group and status (the tree, /metrics) read this narrow index instead of whole rows.
        "CREATE INDEX workers_liveness ON workers (grp, status, ttl, last_received_at);",
    ]

    /// Brings the database up to the newest step, under the advisory lock.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_lock(\(lockKey))", logger: logger)
        do {
            try await connection.query("CREATE TABLE IF NOT EXISTS wokmanager_schema (version BIGINT NOT NULL)", logger: logger)
            var current = 0
            for try await version in try await connection.query("SELECT MAX(version) FROM wokmanager_schema", logger: logger).decode(Int?.self) {
                current = version ?? 0
            }
            guard current <= steps.count else {
                throw StoreError.failed("the database has schema version \(current), newer than this wokmanager knows (\(steps.count))")
            }
            for (index, step) in steps.enumerated().dropFirst(current) {
                try await connection.withTransaction(logger: logger) { transaction in
                    for statement in step.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !statement.isEmpty {
                        try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await transaction.query("INSERT INTO wokmanager_schema (version) VALUES (\(index + 1))", logger: logger)
                }
                logger.info("database migrated", metadata: ["version": "\(index + 1)"])
            }
        } catch {
            _ = try? await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
            throw error
        }
        try await connection.query("SELECT pg_advisory_unlock(\(lockKey))", logger: logger)
    }
}
