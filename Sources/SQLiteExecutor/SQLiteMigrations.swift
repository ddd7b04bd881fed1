import Registry

/// The SQLite schema, as numbered migrations tracked in `PRAGMA user_version`.
///
/// Migrations only ever append: a released step is never edited, so every file upgrades the same way.
enum SQLiteMigrations {
    static let steps: [String] = [
        """
        CREATE TABLE workers (
            id TEXT PRIMARY KEY NOT NULL,
            grp TEXT NOT NULL,
            status TEXT NOT NULL,
            status_since REAL NOT NULL,
            run_started_at REAL NOT NULL,
            last_seen REAL NOT NULL,
            last_received_at REAL NOT NULL,
            ttl REAL,
            host TEXT,
            pid INTEGER,
            version TEXT,
            labels TEXT NOT NULL DEFAULT '{}',
            message TEXT,
            message_at REAL,
            heartbeats INTEGER NOT NULL DEFAULT 0,
            error_count INTEGER NOT NULL DEFAULT 0,
            exit_code INTEGER
        ) WITHOUT ROWID;
        CREATE INDEX workers_by_group ON workers (grp);
        CREATE TABLE history (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            worker_id TEXT NOT NULL,
            grp TEXT NOT NULL,
            event TEXT NOT NULL,
            status TEXT,
            at REAL NOT NULL,
            received_at REAL NOT NULL,
            message TEXT,
            action TEXT,
            exit_code INTEGER,
            late INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX history_by_worker ON history (worker_id, seq);
        CREATE INDEX history_by_event ON history (event, seq);
        CREATE INDEX history_by_received ON history (received_at);
        """,
        // Counters that only grow (for Prometheus), and the groups ever seen, so a group that loses its
        // last worker still reports zeros until retention removes it. Backfilled from what is stored.
        """
        CREATE TABLE counters (
            name TEXT NOT NULL,
            label TEXT NOT NULL,
            value INTEGER NOT NULL,
            PRIMARY KEY (name, label)
        ) WITHOUT ROWID;
        CREATE TABLE groups (
            name TEXT PRIMARY KEY NOT NULL,
            last_event_at REAL NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO counters SELECT 'events', event, COUNT(*) FROM history WHERE event != 'lost' GROUP BY event;
        INSERT INTO counters SELECT 'events', 'heartbeat', SUM(heartbeats) FROM workers WHERE true HAVING SUM(heartbeats) > 0
            ON CONFLICT (name, label) DO UPDATE SET value = value + excluded.value;
        INSERT INTO counters SELECT 'errors', grp, COUNT(*) FROM history WHERE event = 'error' GROUP BY grp;
        INSERT INTO groups SELECT grp, MAX(last_received_at) FROM workers GROUP BY grp;
        """,
        // Counts per group and status (the tree, /metrics) read this narrow index instead of whole rows.
        "CREATE INDEX workers_liveness ON workers (grp, status, ttl, last_received_at);",
        // Counts per group and stored status, kept by triggers on every write to workers (in the writing
        // transaction; a heartbeat leaves them alone), so counts need not scan every worker. Rows that
        // reach zero are deleted. What has expired since the last sweep is found through the two partial
        // indexes of running workers by deadline, which replace workers_liveness.
        """
        CREATE TABLE group_status_counts (
            grp TEXT NOT NULL,
            status TEXT NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (grp, status)
        ) WITHOUT ROWID;
        CREATE TRIGGER workers_counted_insert AFTER INSERT ON workers BEGIN
            INSERT INTO group_status_counts (grp, status, n) VALUES (NEW.grp, NEW.status, 1)
                ON CONFLICT (grp, status) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER workers_counted_update AFTER UPDATE OF grp, status ON workers
        WHEN OLD.status IS NOT NEW.status OR OLD.grp IS NOT NEW.grp BEGIN
            UPDATE group_status_counts SET n = n - 1 WHERE grp = OLD.grp AND status = OLD.status;
            DELETE FROM group_status_counts WHERE grp = OLD.grp AND status = OLD.status AND n = 0;
            INSERT INTO group_status_counts (grp, status, n) VALUES (NEW.grp, NEW.status, 1)
                ON CONFLICT (grp, status) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER workers_counted_delete AFTER DELETE ON workers BEGIN
            UPDATE group_status_counts SET n = n - 1 WHERE grp = OLD.grp AND status = OLD.status;
            DELETE FROM group_status_counts WHERE grp = OLD.grp AND status = OLD.status AND n = 0;
        END;
        INSERT INTO group_status_counts SELECT grp, status, COUNT(*) FROM workers GROUP BY grp, status;
        CREATE INDEX workers_expiry ON workers (last_received_at + ttl) WHERE status = 'running' AND ttl > 0;
        CREATE INDEX workers_expiry_default ON workers (last_received_at) WHERE status = 'running' AND ttl IS NULL;
        DROP INDEX workers_liveness;
        """,
        // Attention: expectations, problems, silences, webhooks, and the outbox of notifications written in the
        // same transaction as the problem change they tell of, with a log of every delivery attempt.
        """
        CREATE TABLE expectations (
            scope TEXT NOT NULL,
            subject TEXT NOT NULL,
            min_running INTEGER,
            max_running INTEGER,
            cron TEXT,
            time_zone TEXT,
            every REAL,
            grace REAL NOT NULL,
            max_runtime REAL,
            resolve_after REAL,
            failures INTEGER,
            failures_window REAL,
            source TEXT NOT NULL,
            since REAL NOT NULL,
            PRIMARY KEY (scope, subject)
        ) WITHOUT ROWID;
        CREATE TABLE problems (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            scope TEXT NOT NULL,
            subject TEXT NOT NULL,
            grp TEXT NOT NULL,
            opened_at REAL NOT NULL,
            resolved_at REAL,
            resolution TEXT,
            acknowledged_by TEXT,
            acknowledged_at REAL,
            note TEXT,
            detail TEXT
        );
        CREATE UNIQUE INDEX problems_open ON problems (scope, subject, kind) WHERE resolved_at IS NULL;
        CREATE INDEX problems_by_resolved ON problems (resolved_at);
        CREATE TABLE silences (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            scope TEXT NOT NULL,
            subject TEXT NOT NULL,
            until REAL NOT NULL,
            note TEXT,
            author TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE TABLE webhooks (
            name TEXT PRIMARY KEY NOT NULL,
            url TEXT NOT NULL,
            format TEXT NOT NULL,
            grp TEXT,
            kinds TEXT NOT NULL,
            secret TEXT,
            created_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE notifications (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            webhook TEXT NOT NULL,
            problem_id INTEGER NOT NULL,
            change TEXT NOT NULL,
            problem TEXT NOT NULL,
            created_at REAL NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            delivered_at REAL,
            given_up_at REAL
        );
        CREATE INDEX notifications_due ON notifications (next_attempt_at) WHERE delivered_at IS NULL AND given_up_at IS NULL;
        CREATE INDEX notifications_by_created ON notifications (created_at);
        CREATE TABLE deliveries (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            webhook TEXT NOT NULL,
            at REAL NOT NULL,
            notifications TEXT NOT NULL,
            status_code INTEGER,
            error TEXT,
            duration REAL NOT NULL
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
        // tree and /metrics read one row per count, not every open problem). The planner preferred the full
        // resolved_at index to the partial ones (`resolved_at IS NULL` is an equality to it), so that index now
        // holds resolved problems only, and open problems are listed from one index per acknowledgement, found
        // by kind (the sweep) and by group (a filtered page).
        """
        CREATE TABLE problem_counts (
            grp TEXT NOT NULL,
            kind TEXT NOT NULL,
            acknowledged INTEGER NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (grp, kind, acknowledged)
        ) WITHOUT ROWID;
        CREATE TRIGGER problems_counted_insert AFTER INSERT ON problems WHEN NEW.resolved_at IS NULL BEGIN
            INSERT INTO problem_counts (grp, kind, acknowledged, n) VALUES (NEW.grp, NEW.kind, NEW.acknowledged_by IS NOT NULL, 1)
                ON CONFLICT (grp, kind, acknowledged) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER problems_counted_update AFTER UPDATE OF grp, kind, resolved_at, acknowledged_by ON problems
        WHEN OLD.resolved_at IS NOT NEW.resolved_at OR (OLD.acknowledged_by IS NULL) <> (NEW.acknowledged_by IS NULL)
            OR OLD.grp IS NOT NEW.grp OR OLD.kind IS NOT NEW.kind BEGIN
            UPDATE problem_counts SET n = n - 1
                WHERE OLD.resolved_at IS NULL AND grp = OLD.grp AND kind = OLD.kind AND acknowledged = (OLD.acknowledged_by IS NOT NULL);
            DELETE FROM problem_counts WHERE grp = OLD.grp AND kind = OLD.kind AND acknowledged = (OLD.acknowledged_by IS NOT NULL) AND n = 0;
            INSERT INTO problem_counts (grp, kind, acknowledged, n) SELECT NEW.grp, NEW.kind, NEW.acknowledged_by IS NOT NULL, 1
                WHERE NEW.resolved_at IS NULL ON CONFLICT (grp, kind, acknowledged) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER problems_counted_delete AFTER DELETE ON problems WHEN OLD.resolved_at IS NULL BEGIN
            UPDATE problem_counts SET n = n - 1 WHERE grp = OLD.grp AND kind = OLD.kind AND acknowledged = (OLD.acknowledged_by IS NOT NULL);
            DELETE FROM problem_counts WHERE grp = OLD.grp AND kind = OLD.kind AND acknowledged = (OLD.acknowledged_by IS NOT NULL) AND n = 0;
        END;
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
        "CREATE TABLE sessions (id TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL, expires_at REAL);",
        // The time series the page draws: every tree node ('' is the whole tree) sampled each minute (step 60)
        // and each hour (step 3600, its latest minute), with each group's events so far, kept with every batch.
        """
        ALTER TABLE groups ADD COLUMN events INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE series (
            node TEXT NOT NULL,
            step INTEGER NOT NULL,
            at REAL NOT NULL,
            running INTEGER NOT NULL,
            lost INTEGER NOT NULL,
            failed INTEGER NOT NULL,
            stopped INTEGER NOT NULL,
            events INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            PRIMARY KEY (node, step, at)
        ) WITHOUT ROWID;
        CREATE INDEX series_by_time ON series (step, at);
        """,
        // The numbers workers report: each worker's latest (a JSON object), and what each group's counters grew by.
        """
        ALTER TABLE workers ADD COLUMN metrics TEXT NOT NULL DEFAULT '{}';
        CREATE TABLE group_counters (
            grp TEXT NOT NULL,
            name TEXT NOT NULL,
            total REAL NOT NULL,
            PRIMARY KEY (grp, name)
        ) WITHOUT ROWID;
        """,
        // What workers push through the Pushgateway API: per worker, grouping key and family, its exposition lines.
        """
        CREATE TABLE pushed_families (
            worker_id TEXT NOT NULL,
            grouping TEXT NOT NULL,
            name TEXT NOT NULL,
            type TEXT NOT NULL,
            help TEXT NOT NULL,
            samples TEXT NOT NULL,
            series INTEGER NOT NULL,
            PRIMARY KEY (worker_id, grouping, name)
        ) WITHOUT ROWID;
        CREATE INDEX pushed_families_by_name ON pushed_families (name);
        """,
        // Webhooks declared in the webhooks file (1), which the API may not change, beside the API's own (0).
        "ALTER TABLE webhooks ADD COLUMN from_file INTEGER NOT NULL DEFAULT 0;",
        // The running workers that report numbers, which /metrics and the page sum: without it they read every worker.
        "CREATE INDEX workers_with_numbers ON workers (grp) WHERE status = 'running' AND metrics <> '{}';",
    ]

    /// Brings the database up to the newest step, one transaction per step.
    static func migrate(_ connection: SQLiteConnection) throws {
        let current = try connection.select(SQLStatement("PRAGMA user_version")) { try $0.int("user_version") }.first ?? 0
        guard current <= steps.count else {
            throw SQLiteError(code: 0, message: "the database has schema version \(current), newer than this wokmanager knows (\(steps.count))")
        }
        for (index, step) in steps.enumerated().dropFirst(current) {
            try connection.transaction {
                try connection.execute(step)
                try connection.execute("PRAGMA user_version = \(index + 1)")
            }
        }
    }
}
