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
        migrator.registerMigration("v4: fewer index writes per event and job") { db in
            for statement in version4 { try db.execute(sql: statement) }
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

    // Every index is a B-tree insert per row and, per commit, a page or more written to the WAL
    // (twice: once more at the checkpoint). A WAL of the dispatch benchmark had 31.6 pages per
    // commit, of which the two indexes on events' ids took 9.1 and jobs_by_state_rule 2.3.
    //
    // - events: UNIQUE (id, source) instead of (source, id). The same uniqueness, and a lookup by id
    //   alone reads it too, so events_by_id goes. The table is rebuilt, as SQLite cannot change a
    //   table's constraints (GRDB runs migrations with foreign keys off and checks them at the end).
    // - events: no index on received_at. Selecting by time bisects seq, which follows receipt
    //   (`ReceiptOrder`), and scans up to the boundary with the exact time condition.
    // - events: the raw request of an event that came alone in its body (every provider's usual
    //   delivery) is kept in the event's row, so it needs neither a requests row nor an entry in
    //   events_by_request; requests keeps the bodies that several events share (batches).
    // - jobs: the first attempt of round 0 (for most jobs the only one) is kept in the job's own
    //   row (first_*), which its finish rewrites anyway: no attempts row, no foreign-key lookup. The
    //   attempts table keeps every later attempt, and every attempt recorded before v4.
    // - jobs: a finished job leaves every index but its table's and (event_seq, rule). Running and
    //   waiting jobs are in jobs_unfinished, failed and dead ones in jobs_attention; done jobs in
    //   none, so a job claimed at receipt that ends ok is one insert into and one delete from
    //   jobs_unfinished, instead of three changes to jobs_by_state_rule.
    // - jobs: rebuilt too, for the new columns and for its CHECK on state written with OR instead of
    //   IN: an IN list of three or more constants is evaluated through an ephemeral b-tree that
    //   SQLite builds on every insert or update of the row (a pager opened, pages zeroed: 1.4 µs of
    //   memset per event in the writer's profile). The partial indexes' terms have two constants.
    private static let version4 = [
        """
        CREATE TABLE events_v4 (
            seq INTEGER PRIMARY KEY,
            source TEXT NOT NULL,
            id TEXT NOT NULL,
            type TEXT NOT NULL,
            status TEXT,
            timestamp TEXT,
            payload BLOB,
            data_path TEXT NOT NULL,
            order_key TEXT,
            received_at INTEGER NOT NULL,
            request_id INTEGER REFERENCES requests(id),
            dispatched INTEGER NOT NULL DEFAULT 0 CHECK (dispatched IN (0, 1)),
            pruned_at INTEGER,
            payload_is_body INTEGER NOT NULL DEFAULT 0 CHECK (payload_is_body IN (0, 1)),
            -- The raw request of an event that came alone in its body, kept in the event's row
            -- (request_id NULL): a requests row and its index entry less per such event.
            request_body BLOB,                 -- NULL for an empty body
            request_headers TEXT,              -- as requests.headers
            UNIQUE (id, source)
        ) STRICT
        """,
        """
        INSERT INTO events_v4 (seq, source, id, type, status, timestamp, payload, data_path, order_key,
                               received_at, request_id, dispatched, pruned_at, payload_is_body)
        SELECT seq, source, id, type, status, timestamp, payload, data_path, order_key,
               received_at, request_id, dispatched, pruned_at, payload_is_body FROM events
        """,
        "DROP TABLE events",
        "ALTER TABLE events_v4 RENAME TO events",
        "CREATE INDEX events_by_request ON events(request_id) WHERE request_id IS NOT NULL",
        "CREATE INDEX events_undispatched ON events(seq) WHERE dispatched = 0",
        """
        CREATE TABLE jobs_v4 (
            id INTEGER PRIMARY KEY,
            event_seq INTEGER NOT NULL REFERENCES events(seq) ON DELETE CASCADE,
            rule TEXT NOT NULL,
            source TEXT NOT NULL,
            order_key TEXT,
            -- Written out with OR: SQLite evaluates an IN list of three or more constants through an
            -- ephemeral b-tree it builds on each execution (a pager opened, pages zeroed).
            state TEXT NOT NULL DEFAULT 'pending'
                CHECK (state = 'pending' OR state = 'running' OR state = 'done' OR state = 'failed' OR state = 'dead'),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at INTEGER,
            claimed_at INTEGER,
            last_error TEXT,
            outcome TEXT,
            round INTEGER NOT NULL DEFAULT 0,
            -- Attempt 1 of round 0, kept in the job's row (the attempts table has every other).
            first_started_at INTEGER,
            first_duration_us INTEGER,
            first_outcome TEXT CHECK (first_outcome = 'ok' OR first_outcome = 'skipped' OR first_outcome = 'failed'),
            first_error TEXT,
            first_calls TEXT,
            first_logs TEXT,
            UNIQUE (event_seq, rule)
        ) STRICT
        """,
        """
        INSERT INTO jobs_v4 (id, event_seq, rule, source, order_key, state, attempts, next_attempt_at, claimed_at,
                             last_error, outcome, round)
        SELECT id, event_seq, rule, source, order_key, state, attempts, next_attempt_at, claimed_at,
               last_error, outcome, round FROM jobs
        """,
        "DROP TABLE jobs",
        "ALTER TABLE jobs_v4 RENAME TO jobs",
        "CREATE INDEX jobs_lane ON jobs(source, rule, order_key, event_seq) WHERE order_key IS NOT NULL",
        "CREATE INDEX jobs_pending ON jobs(id) WHERE state = 'pending'",
        "CREATE INDEX jobs_due ON jobs(next_attempt_at) WHERE state = 'failed'",
        "CREATE INDEX jobs_unfinished ON jobs(source) WHERE \(unfinishedJob)",
        "CREATE INDEX jobs_attention ON jobs(state, rule) WHERE \(jobNeedingAttention)",
    ]

    /// The WHERE term of `jobs_unfinished` (pending, running or failed). A query reads a partial
    /// index only when its own WHERE has this very term, so the queries use these constants. Two
    /// constants at most in an IN list: SQLite compares them in turn, where a longer list is built
    /// into an ephemeral b-tree each time a row is written.
    static let unfinishedJob = "state NOT IN ('done', 'dead')"
    /// The WHERE term of `jobs_attention`: failed (waiting to retry or for a redelivery) and dead.
    static let jobNeedingAttention = "state IN ('failed', 'dead')"
}
