"""What only the PostgreSQL store has: its pool, its migrations under concurrency, its errors,
and psycopg loaded only when a postgresql:// database is used."""

from __future__ import annotations

import multiprocessing
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import UTC, datetime

import pytest

from feeds.errors import StoreError
from feeds.models import RobotsAnswer
from feeds.store import open_store

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)


def run_python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )


def test_the_store_package_loads_no_psycopg():
    done = run_python(
        "import sys, feeds.store, feeds.app, feeds.cli; "
        "print(sorted(m for m in sys.modules if m.startswith('psycopg')))"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_without_the_extra_a_postgresql_database_says_what_to_install():
    done = run_python(
        "import sys; sys.modules['psycopg'] = None\n"  # as if it were not installed
        "from feeds.store import open_store\n"
        "open_store('postgresql://feeds:pw@127.0.0.1:5432/feeds')"
    )
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("feeds.errors.StoreError: store: postgresql://feeds:***@127.0.0.1")
    assert "pip install 'feeds[postgres]'" in last
    assert "pw@" not in done.stderr


def test_a_server_that_does_not_answer_is_named_with_the_fix_and_no_password():
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://feeds:s3cr%40t@127.0.0.1:1/feeds")
    text = str(caught.value)
    assert text.startswith("store: cannot open the database postgresql://feeds:***@127.0.0.1:1/")
    assert "(check settings.database and that PostgreSQL is running)" in text
    assert "s3cr" not in text and "s3cr" not in str(caught.value.__cause__)
    assert caught.value.__cause__ is not None


def test_a_missing_database_and_an_unknown_user_have_their_own_fixes(pg_databases):
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://postgres@127.0.0.1:5432/feeds_no_such_database")
    assert 'database "feeds_no_such_database" does not exist' in str(caught.value)
    assert "(create it (createdb NAME)" in str(caught.value)
    with pytest.raises(StoreError) as caught:
        open_store("postgresql://feeds_no_such_role:pw@127.0.0.1:5432/postgres")
    assert "check the user and password in settings.database" in str(caught.value)
    assert ":pw@" not in str(caught.value)


def _open_at_once(url: str, barrier, results) -> None:
    import psycopg

    from feeds.store import pg_schema
    from feeds.store.postgres import _conninfo

    barrier.wait(timeout=30)
    with psycopg.connect(_conninfo(url), autocommit=True) as db, db.transaction():
        results.put(pg_schema.migrate(db))
    with open_store(url) as store:  # and the store opens on the migrated schema
        store.ensure_source("s", NOW)


def test_instances_starting_at_once_migrate_a_new_database_once(pg_url):
    from feeds.store.pg_schema import MIGRATIONS

    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(6), context.Queue()
    processes = [
        context.Process(target=_open_at_once, args=(pg_url, barrier, results)) for _ in range(6)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=60)
    assert [p.exitcode for p in processes] == [0] * 6
    applied = sorted(results.get(timeout=5) for _ in processes)
    assert applied == [0] * 5 + [len(MIGRATIONS)]  # one migrated, five found nothing to do


def test_a_database_of_a_newer_feeds_is_refused(pg_url):
    import psycopg

    open_store(pg_url).close()
    from feeds.store.postgres import close_pools

    close_pools()
    with psycopg.connect(pg_url, autocommit=True) as db:
        db.execute("UPDATE feeds_schema SET version = 999")
    with pytest.raises(StoreError) as caught:
        open_store(pg_url)
    assert "newer feeds (schema 999)" in str(caught.value)
    assert "(upgrade feeds or point settings.database elsewhere)" in str(caught.value)


def test_many_short_opens_share_the_process_pool(pg_url):
    """The service opens a store per poll and per page: that must cost no connection."""
    import psycopg

    from feeds.store.postgres import POOL_MAX

    open_store(pg_url).close()
    errors: list[BaseException] = []

    def reader() -> None:
        try:
            for _ in range(25):
                with closing(open_store(pg_url)) as store:
                    store.statuses()
                    store.next_runs()
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=reader) for _ in range(32)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    name = pg_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres") as admin:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s",
            (name, "feeds"),
        ).fetchone()
    assert 1 <= row[0] <= POOL_MAX


def test_text_with_a_nul_character_is_stored(pg_url):
    """PostgreSQL's text holds no NUL; a robots.txt or an error quoting a page may."""
    with open_store(pg_url) as store:
        store.save_robots("https://a.example/robots.txt", RobotsAnswer(200, "A\x00B", NOW))
        assert store.robots_answers()["https://a.example/robots.txt"].text == "A\ufffdB"


def _drop_connections(url: str) -> None:
    """What a server restart does to the pool: every connection of the database cut."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (name,),
        )


def _settled(store) -> None:
    """Wait until the pool holds its least connections, all idle: a connection the pool is
    still opening in the background would be opened after the cut, and never see it."""
    from feeds.store import postgres

    def full() -> bool:
        stats = store._pool.get_stats()
        return (
            stats["pool_size"] >= postgres.POOL_MIN
            and stats["pool_available"] == stats["pool_size"]
        )

    deadline = time.monotonic() + 30
    while not full():
        assert time.monotonic() < deadline, store._pool.get_stats()
        time.sleep(0.05)


def test_connections_the_server_dropped_are_replaced(pg_url, monkeypatch):
    from feeds.store import postgres

    store = open_store(pg_url)
    store.ensure_source("s", NOW)
    _settled(store)
    _drop_connections(pg_url)
    monkeypatch.setattr(postgres, "CHECK_AFTER_IDLE", 0.0)  # as after a while without calls
    assert set(store.statuses()) == {"s"}
    # A connection just used is not checked: each call that meets a cut one fails as a
    # StoreError with the fix, and the pool replaces it. The replacement above may have left
    # the pool two connections (one for the waiting call, one for the discarded): as many calls
    # as the pool held can fail, no more.
    monkeypatch.setattr(postgres, "CHECK_AFTER_IDLE", 3600.0)
    _settled(store)
    held = store._pool.get_stats()["pool_size"]
    _drop_connections(pg_url)
    failures = []
    while len(failures) <= held:
        try:
            statuses = store.statuses()
            break
        except StoreError as e:
            failures.append(str(e))
    assert 1 <= len(failures) <= held, (held, failures)
    assert all("(check settings.database and that PostgreSQL is running)" in f for f in failures)
    assert set(statuses) == {"s"}


def test_a_store_of_the_previous_schema_gains_polled_by_and_keeps_its_robots(pg_url):
    """PostgreSQL v5 -> v6 (issue 16): a source's poller is unknown (NULL) until its next
    poll; robots.txt answers saved before the numbering are still read from the start."""
    import psycopg

    from feeds.models import PollEnd, PollPlan
    from feeds.store import pg_schema

    with psycopg.connect(pg_url, autocommit=True) as db, db.transaction():
        for migration in pg_schema.MIGRATIONS[:5]:
            migration(db)
        db.execute("CREATE TABLE feeds_schema (version integer NOT NULL)")
        db.execute("INSERT INTO feeds_schema (version) VALUES (5)")
        db.execute("INSERT INTO sources (id, created, polls) VALUES ('s', now(), 3)")
        db.execute(
            "INSERT INTO robots (url, status, body, fetched_at) VALUES (%s, 200, 'old', %s)",
            ("https://a.example/robots.txt", NOW),
        )
    with open_store(pg_url) as store:
        status = store.source_status("s")
        assert (status.polls, status.polled_by) == (3, None)
        answers, marker = store.robots_since(-1)
        assert answers == {"https://a.example/robots.txt": RobotsAnswer(200, "old", NOW)}
        store.save_robots("https://b.example/robots.txt", RobotsAnswer(200, "new", NOW))
        assert set(store.robots_since(marker)[0]) == {"https://b.example/robots.txt"}
        store.apply(PollPlan("s", NOW, end=PollEnd(ok=True, polled_by="host:1")))
        assert store.source_status("s").polled_by == "host:1"
