"""The SQLite store's own tests that need the file itself: what a failing database does to a
run, end to end (the store contract itself is tested in tests/test_pipeline.py on a fake and
on SQLite alike, and the crash cases in tests/test_reliability_crash.py)."""

from __future__ import annotations

import sqlite3

from helpers import destoon_source, feeds, write_config

from feeds.app import open_state
from feeds.config import load_config


def test_a_locked_database_fails_one_source_records_it_and_the_others_go_on(portal, tmp_path):
    config = write_config(
        tmp_path,
        destoon_source(portal.url("news/"), id="a", include="[]", full_text=False),
        destoon_source(portal.url("news/?b"), id="b", include="[]", full_text=False),
    )
    assert feeds("config", config=config).code == 0
    db = tmp_path / "data" / "feeds.db"
    with open_state(load_config(config).settings):
        pass  # created and migrated, as the first run would
    # A real error from inside SQLite on every write of source a's items, the message that
    # a lock gives (the store test would otherwise need 30 s of busy timeout).
    with sqlite3.connect(db) as conn:
        conn.execute(
            """CREATE TRIGGER locked BEFORE INSERT ON items WHEN NEW.source_id = 'a'
               BEGIN SELECT RAISE(ABORT, 'database is locked'); END"""
        )
    run = feeds("update", config=config)
    # Before: the raw sqlite3 error left update_source, `feeds update` stopped with a
    # traceback, b was never polled and a's status showed no attempt.
    assert "Traceback" not in run.err, run.err
    assert run.code == 1
    assert "a: FAILED store:" in run.out and "database is locked" in run.out, run.out
    assert "b: ok" in run.out
    with open_state(load_config(config).settings) as store:
        status = store.source_status("a")
        assert status is not None and status.consecutive_failures == 1
        assert "database is locked" in (status.last_error or "")
        assert store.source_status("b").items_published > 0


def test_a_store_of_the_previous_schema_gains_an_empty_polled_by(tmp_path):
    """SQLite v8 -> v9 (issue 16): a store written before keeps its rows; which process
    polled a source is unknown (NULL) until its next poll records it."""
    from datetime import UTC, datetime

    from feeds.models import PollEnd, PollPlan
    from feeds.store import open_store
    from feeds.store.schema import MIGRATIONS

    path = tmp_path / "feeds.db"
    with sqlite3.connect(path) as db:
        for migration in MIGRATIONS[:8]:
            migration(db)
        db.execute("PRAGMA user_version = 8")
        db.execute("INSERT INTO sources (id, created, polls) VALUES ('s', '2026-12-06', 3)")
    now = datetime.now(UTC)
    with open_store(path) as store:
        status = store.source_status("s")
        assert (status.polls, status.polled_by) == (3, None)
        store.apply(PollPlan("s", now, end=PollEnd(ok=True, polled_by="host:1")))
        assert store.source_status("s").polled_by == "host:1"
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
