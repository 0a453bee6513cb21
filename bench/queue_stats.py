#!/usr/bin/env python3
"""Reads a hookd SQLite store (beside a running daemon, read-only) for bench/receipt-bench.sh.

  queue_stats.py STORE backlog   prints how many events wait for dispatch plus jobs not finished
  queue_stats.py STORE runs      prints done jobs and the acceptance-to-completion latency
                                 (received_at to the end of the job's last attempt): p50, p99, max

From schema v4 on, attempt 1 of round 0 is kept in the job's row (first_*), the others in attempts.
"""
import sqlite3
import sys

db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=30)
if sys.argv[2] == "backlog":
    undispatched = db.execute("SELECT count(*) FROM events WHERE dispatched = 0").fetchone()[0]
    unfinished = db.execute("SELECT count(*) FROM jobs WHERE state IN ('pending', 'running')").fetchone()[0]
    print(undispatched + unfinished)
else:
    inline = any(row[1] == "first_started_at" for row in db.execute("PRAGMA table_info(jobs)"))
    first = ("CASE WHEN j.round = 0 AND j.attempts = 1 THEN j.first_started_at + j.first_duration_us / 1000.0 END"
             if inline else "NULL")
    rows = db.execute(f"""
        SELECT coalesce(a.started_at + a.duration_us / 1000.0, {first}) - e.received_at
        FROM jobs j JOIN events e ON e.seq = j.event_seq
        LEFT JOIN attempts a ON a.job_id = j.id AND a.round = j.round AND a.number = j.attempts
        WHERE j.state = 'done'""").fetchall()
    rows = [r for r in rows if r[0] is not None]
    latencies = sorted(r[0] for r in rows)
    if not latencies:
        print("done_jobs=0")
    else:
        pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
        print(f"done_jobs={len(latencies)} accept_to_done_p50_ms={pick(0.5):.1f} "
              f"accept_to_done_p99_ms={pick(0.99):.1f} accept_to_done_max_ms={latencies[-1]:.1f}")
