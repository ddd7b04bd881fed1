import Foundation
import Logging
import PostgresNIO
import Registry

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
        // Counts per group and stored status, kept by triggers on every write to workers (in the writing
        // transaction; a heartbeat leaves them alone), so counts need not scan every worker. Replicas must
        // not queue (or deadlock) on one hot row per count: a change updates any row of its count that no
        // other transaction holds (SKIP LOCKED), or adds one, so a count may span a few rows (possibly
        // negative ones) that readers sum; rows that reach zero are deleted. Creating the trigger locks
        // workers against writes until the backfill commits. What has expired since the last sweep is
        // found through the two partial indexes of running workers by deadline, which replace workers_liveness.
        """
        CREATE TABLE group_status_counts (
            grp TEXT COLLATE "C" NOT NULL,
            status TEXT NOT NULL,
            n BIGINT NOT NULL
        );
        CREATE INDEX group_status_counts_by_key ON group_status_counts (grp, status);
        CREATE FUNCTION add_to_group_status_count(g TEXT, s TEXT, delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            shard tid;
            total BIGINT;
        BEGIN
            -- Prefer the smallest row of the opposite sign: this change brings it closest to zero.
            UPDATE group_status_counts SET n = n + delta
                WHERE ctid = (SELECT ctid FROM group_status_counts WHERE grp = g AND status = s
                              ORDER BY (n * delta >= 0), abs(n) LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING ctid, n INTO shard, total;
            IF NOT FOUND THEN
                INSERT INTO group_status_counts (grp, status, n) VALUES (g, s, delta);
            ELSIF total = 0 THEN
                DELETE FROM group_status_counts WHERE ctid = shard;
            END IF;
        END
        $$;
        CREATE FUNCTION count_workers() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' THEN
                PERFORM add_to_group_status_count(OLD.grp, OLD.status, -1);
            END IF;
            IF TG_OP <> 'DELETE' THEN
                PERFORM add_to_group_status_count(NEW.grp, NEW.status, 1);
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER workers_counted AFTER INSERT OR DELETE ON workers FOR EACH ROW EXECUTE FUNCTION count_workers();
        CREATE TRIGGER workers_counted_update AFTER UPDATE OF grp, status ON workers FOR EACH ROW
            WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.grp IS DISTINCT FROM NEW.grp) EXECUTE FUNCTION count_workers();
        INSERT INTO group_status_counts SELECT grp, status, COUNT(*) FROM workers GROUP BY grp, status;
        CREATE INDEX workers_expiry ON workers ((last_received_at + ttl)) WHERE status = 'running' AND ttl > 0;
        CREATE INDEX workers_expiry_default ON workers (last_received_at) WHERE status = 'running' AND ttl IS NULL;
        DROP INDEX workers_liveness;
        """,
        // Attention: expectations, problems, silences, webhooks, and the outbox of notifications written in the
        // same transaction as the problem change they tell of, with a log of every delivery attempt.
        """
        CREATE TABLE expectations (
            scope TEXT NOT NULL,
            subject TEXT COLLATE "C" NOT NULL,
            min_running BIGINT,
            max_running BIGINT,
            cron TEXT,
            time_zone TEXT,
            every DOUBLE PRECISION,
            grace DOUBLE PRECISION NOT NULL,
            max_runtime DOUBLE PRECISION,
            resolve_after DOUBLE PRECISION,
            failures BIGINT,
            failures_window DOUBLE PRECISION,
            source TEXT NOT NULL,
            since DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (scope, subject)
        );
        CREATE TABLE problems (
            id BIGSERIAL PRIMARY KEY,
            kind TEXT NOT NULL,
            scope TEXT NOT NULL,
            subject TEXT COLLATE "C" NOT NULL,
            grp TEXT COLLATE "C" NOT NULL,
            opened_at DOUBLE PRECISION NOT NULL,
            resolved_at DOUBLE PRECISION,
            resolution TEXT,
            acknowledged_by TEXT,
            acknowledged_at DOUBLE PRECISION,
            note TEXT,
            detail TEXT
        );
        CREATE UNIQUE INDEX problems_open ON problems (scope, subject, kind) WHERE resolved_at IS NULL;
        CREATE INDEX problems_by_resolved ON problems (resolved_at);
        CREATE TABLE silences (
            id BIGSERIAL PRIMARY KEY,
            scope TEXT NOT NULL,
            subject TEXT COLLATE "C" NOT NULL,
            until DOUBLE PRECISION NOT NULL,
            note TEXT,
            author TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE webhooks (
            name TEXT COLLATE "C" PRIMARY KEY,
            url TEXT NOT NULL,
            format TEXT NOT NULL,
            grp TEXT COLLATE "C",
            kinds TEXT NOT NULL,
            secret TEXT,
            created_at DOUBLE PRECISION NOT NULL
        );
        CREATE TABLE notifications (
            id BIGSERIAL PRIMARY KEY,
            webhook TEXT NOT NULL,
            problem_id BIGINT NOT NULL,
            change TEXT NOT NULL,
            problem TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            attempts BIGINT NOT NULL DEFAULT 0,
            next_attempt_at DOUBLE PRECISION NOT NULL,
            delivered_at DOUBLE PRECISION,
            given_up_at DOUBLE PRECISION
        );
        CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE delivered_at IS NULL AND given_up_at IS NULL;
        CREATE INDEX notifications_by_created ON notifications (created_at);
        CREATE TABLE deliveries (
            id BIGSERIAL PRIMARY KEY,
            webhook TEXT NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            notifications TEXT NOT NULL,
            status_code BIGINT,
            error TEXT,
            duration DOUBLE PRECISION NOT NULL
        );
        CREATE INDEX deliveries_by_webhook ON deliveries (webhook, id);
        """,
        // The newest start per group (schedules) and long runs (max_runtime) read from an index, without the rows;
        // it replaces the group index, whose queries it serves too. Open problems are counted and listed, newest
        // first, from their own indexes.
        """
        CREATE INDEX workers_by_group_start ON workers (grp, run_started_at);
        DROP INDEX workers_by_group;
        CREATE INDEX problems_open_counts ON problems (grp, kind, acknowledged_by) WHERE resolved_at IS NULL;
        CREATE INDEX problems_open_by_opened ON problems (opened_at) WHERE resolved_at IS NULL;
        """,
        // Open problems per group, kind and acknowledgement, kept by triggers on every change to problems (the
        // tree and /metrics read one row per count, not every open problem), spread over rows as
        // group_status_counts is, so replicas opening problems in one group do not queue on one row. Resolved
        // problems have their own index, and open ones are listed from one index per acknowledgement, found by
        // kind (the sweep) and by group (a filtered page), as in SQLite.
        """
        CREATE TABLE problem_counts (
            grp TEXT COLLATE "C" NOT NULL,
            kind TEXT NOT NULL,
            acknowledged BOOLEAN NOT NULL,
            n BIGINT NOT NULL
        );
        CREATE INDEX problem_counts_by_key ON problem_counts (grp, kind, acknowledged);
        CREATE FUNCTION add_to_problem_count(g TEXT, k TEXT, a BOOLEAN, delta BIGINT) RETURNS void LANGUAGE plpgsql AS $$
        DECLARE
            shard tid;
            total BIGINT;
        BEGIN
            UPDATE problem_counts SET n = n + delta
                WHERE ctid = (SELECT ctid FROM problem_counts WHERE grp = g AND kind = k AND acknowledged = a
                              ORDER BY (n * delta >= 0), abs(n) LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING ctid, n INTO shard, total;
            IF NOT FOUND THEN
                INSERT INTO problem_counts (grp, kind, acknowledged, n) VALUES (g, k, a, delta);
            ELSIF total = 0 THEN
                DELETE FROM problem_counts WHERE ctid = shard;
            END IF;
        END
        $$;
        CREATE FUNCTION count_problems() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP <> 'INSERT' AND OLD.resolved_at IS NULL THEN
                PERFORM add_to_problem_count(OLD.grp, OLD.kind, OLD.acknowledged_by IS NOT NULL, -1);
            END IF;
            IF TG_OP <> 'DELETE' AND NEW.resolved_at IS NULL THEN
                PERFORM add_to_problem_count(NEW.grp, NEW.kind, NEW.acknowledged_by IS NOT NULL, 1);
            END IF;
            RETURN NULL;
        END
        $$;
        CREATE TRIGGER problems_counted AFTER INSERT OR DELETE ON problems FOR EACH ROW EXECUTE FUNCTION count_problems();
        CREATE TRIGGER problems_counted_update AFTER UPDATE OF grp, kind, resolved_at, acknowledged_by ON problems FOR EACH ROW
            WHEN (OLD.resolved_at IS DISTINCT FROM NEW.resolved_at OR (OLD.acknowledged_by IS NULL) <> (NEW.acknowledged_by IS NULL)
                  OR OLD.grp IS DISTINCT FROM NEW.grp OR OLD.kind IS DISTINCT FROM NEW.kind)
            EXECUTE FUNCTION count_problems();
        INSERT INTO problem_counts SELECT grp, kind, acknowledged_by IS NOT NULL, COUNT(*) FROM problems WHERE resolved_at IS NULL
            GROUP BY grp, kind, acknowledged_by IS NOT NULL;
        DROP INDEX problems_by_resolved;
        DROP INDEX problems_open_by_opened;
        DROP INDEX problems_open_counts;
        CREATE INDEX problems_resolved ON problems (resolved_at) WHERE resolved_at IS NOT NULL;
        CREATE INDEX problems_unacknowledged_by_opened ON problems (opened_at) WHERE resolved_at IS NULL AND acknowledged_by IS NULL;
        CREATE INDEX problems_acknowledged_by_opened ON problems (opened_at) WHERE resolved_at IS NULL AND acknowledged_by IS NOT NULL;
        CREATE INDEX problems_open_by_kind ON problems (kind) WHERE resolved_at IS NULL;
        CREATE INDEX problems_open_by_group ON problems (grp, opened_at) WHERE resolved_at IS NULL;
        """,
        // The status page's default order, by status and then the most recently seen, read a page at a time.
        "CREATE INDEX workers_by_status_seen ON workers (status, last_seen);",
        // The page's sign-in sessions (a session id is a random secret; the value names the key, never its secret).
        "CREATE TABLE sessions (id TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, expires_at DOUBLE PRECISION);",
        // The time series the page draws: every tree node ('' is the whole tree) sampled each minute (step 60)
        // and each hour (step 3600, its latest minute), with each group's events so far, kept with every batch.
        """
        ALTER TABLE groups ADD COLUMN events BIGINT NOT NULL DEFAULT 0;
        CREATE TABLE series (
            node TEXT COLLATE "C" NOT NULL,
            step INTEGER NOT NULL,
            at DOUBLE PRECISION NOT NULL,
            running BIGINT NOT NULL,
            lost BIGINT NOT NULL,
            failed BIGINT NOT NULL,
            stopped BIGINT NOT NULL,
            events BIGINT NOT NULL,
            errors BIGINT NOT NULL,
            PRIMARY KEY (node, step, at)
        );
        CREATE INDEX series_by_time ON series (step, at);
        """,
        // The numbers workers report: each worker's latest (a JSON object), and what each group's counters grew by.
        """
        ALTER TABLE workers ADD COLUMN metrics TEXT NOT NULL DEFAULT '{}';
        CREATE TABLE group_counters (
            grp TEXT COLLATE "C" NOT NULL,
            name TEXT COLLATE "C" NOT NULL,
            total DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (grp, name)
        );
        """,
        // What workers push through the Pushgateway API: per worker, grouping key and family, its exposition lines.
        """
        CREATE TABLE pushed_families (
            worker_id TEXT COLLATE "C" NOT NULL,
            grouping TEXT COLLATE "C" NOT NULL,
            name TEXT COLLATE "C" NOT NULL,
            type TEXT NOT NULL,
            help TEXT NOT NULL,
            samples TEXT NOT NULL,
            series INTEGER NOT NULL,
            PRIMARY KEY (worker_id, grouping, name)
        );
        CREATE INDEX pushed_families_by_name ON pushed_families (name);
        """,
        // Webhooks declared in the webhooks file (1), which the API may not change, beside the API's own (0).
        "ALTER TABLE webhooks ADD COLUMN from_file INTEGER NOT NULL DEFAULT 0;",
        // The running workers that report numbers, which /metrics and the page sum: without it they read every worker.
        "CREATE INDEX workers_with_numbers ON workers (grp) WHERE status = 'running' AND metrics <> '{}';",
    ]

    /// The statements of a step, split at `;` except inside `$$`-quoted function bodies.
    static func statements(in step: String) -> [String] {
        var statements: [String] = []
        var current = ""
        for (index, part) in step.components(separatedBy: "$$").enumerated() {
            if index > 0 { current += "$$" }
            guard index.isMultiple(of: 2) else {
                current += part
                continue
            }
            var pieces = part.components(separatedBy: ";")
            current += pieces.removeFirst()
            for piece in pieces {
                statements.append(current)
                current = piece
            }
        }
        statements.append(current)
        return statements.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { !$0.isEmpty }
    }

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
                    for statement in statements(in: step) {
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
