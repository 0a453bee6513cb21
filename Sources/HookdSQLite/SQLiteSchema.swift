import GRDB

/// The tables of the SQLite store, as migrations. The jobs and attempts tables are created now,
/// with the events table, so the dispatcher lands without a schema change.
///
/// Times are integer milliseconds since 1970 (UTC). JSON columns hold UTF-8 JSON text.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: requests, events, jobs, attempts") { db in
            for statement in version1 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v2: replay rounds") { db in
            for statement in version2 { try db.execute(sql: statement) }
        }
        migrator.registerMigration("v3: payloads kept once, pending jobs in order") { db in
            for statement in version3 { try db.execute(sql: statement) }
        }
        return migrator
    }

    private static let version1 = [
        // One row per HTTP request that brought at least one new event; a batch's events share it.
        """
        CREATE TABLE requests (
            id INTEGER PRIMARY KEY,
            body BLOB,                         -- NULL for an empty body (SQLite binds empty blobs so)
            headers TEXT NOT NULL              -- [[name, value], ...] in the order received
        ) STRICT
        """,
        // `seq` is the arrival order (newest first = highest seq). A tombstone keeps the row (and so
        // the unique key) with payload and request dropped and `pruned_at` set.
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            id TEXT NOT NULL,
            type TEXT NOT NULL,
            status TEXT,
            timestamp TEXT,
            payload BLOB,                      -- NULL in a tombstone (or when empty)
            data_path TEXT NOT NULL,           -- ["data", ...]
            order_key TEXT,
            received_at INTEGER NOT NULL,
            request_id INTEGER REFERENCES requests(id),
            dispatched INTEGER NOT NULL DEFAULT 0 CHECK (dispatched IN (0, 1)),
            pruned_at INTEGER,
            UNIQUE (source, id)
        ) STRICT
        """,
        "CREATE INDEX events_by_id ON events(id)",
        "CREATE INDEX events_by_received_at ON events(received_at)",
        "CREATE INDEX events_by_request ON events(request_id) WHERE request_id IS NOT NULL",
        "CREATE INDEX events_undispatched ON events(seq) WHERE dispatched = 0",
        // One job per (event, matched rule). `source` and `order_key` make the order_by lane
        // (source, key, rule) readable from the index alone.
        """
        CREATE TABLE jobs (
            id INTEGER PRIMARY KEY,
            event_seq INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
            rule TEXT NOT NULL,
            source TEXT NOT NULL,
            order_key TEXT,
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'running', 'done', 'failed', 'dead')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER,
            claimed_at INTEGER,                -- when a worker took it (running); for crash recovery
            last_error TEXT,
            outcome TEXT,                      -- ok | skipped | failed | dead, of the last attempt
            UNIQUE (event_seq, rule)
        ) STRICT
        """,
        "CREATE INDEX jobs_due ON jobs(state, next_attempt_at)",
        "CREATE INDEX jobs_lane ON jobs(source, rule, order_key, event_seq) WHERE order_key IS NOT NULL",
        """
        CREATE TABLE attempts (
            job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            duration_us INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'skipped', 'failed')),
            error TEXT,
            calls TEXT NOT NULL DEFAULT '[]',  -- [{"method", "url", "status", "duration_ms"}, ...]
            logs TEXT NOT NULL DEFAULT '[]',   -- [{"level", "message", "fields"}, ...]
            PRIMARY KEY (job_id, number)
        ) STRICT, WITHOUT ROWID
        """,
    ]

    // A replay resets a job to attempt 0 and starts a new round, so the attempts of earlier rounds
    // stay recorded beside the new ones.
    private static let version2 = [
        "ALTER TABLE jobs ADD COLUMN round INTEGER NOT NULL DEFAULT 0",
        """
        CREATE TABLE attempts_v2 (
            job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
            round INTEGER NOT NULL DEFAULT 0,
            number INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            duration_us INTEGER NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'skipped', 'failed')),
            error TEXT,
            calls TEXT NOT NULL DEFAULT '[]',
            logs TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (job_id, round, number)
        ) STRICT, WITHOUT ROWID
        """,
        """
        INSERT INTO attempts_v2 (job_id, round, number, started_at, duration_us, outcome, error, calls, logs)
        SELECT job_id, 0, number, started_at, duration_us, outcome, error, calls, logs FROM attempts
        """,
        "DROP TABLE attempts",
        "ALTER TABLE attempts_v2 RENAME TO attempts",
        "CREATE INDEX jobs_by_state_rule ON jobs(state, rule)",
    ]

    // An event whose payload is its request's whole body (every single-event request) keeps it
    // once, in the request: half the bytes each accepted event writes to the WAL.
    // Pending jobs in id order, so a claim reads the oldest few instead of sorting the whole backlog;
    // due retries in time order.
    private static let version3 = [
        "ALTER TABLE events ADD COLUMN payload_is_body INTEGER NOT NULL DEFAULT 0 CHECK (payload_is_body IN (0, 1))",
        "CREATE INDEX jobs_pending ON jobs(id) WHERE state = 'pending'",
        // Retries only: a job that goes pending → running → done no longer moves in this index.
        "DROP INDEX jobs_due",
        "CREATE INDEX jobs_due ON jobs(next_attempt_at) WHERE state = 'failed'",
    ]
}
