"""Crashes and storage faults: RELIABILITY.md F4-F8 and the kill -9 test of the crash issue.

The kills come from forked children (``crash_helpers``): the child runs the real
``feeds update`` (``feeds.cli.main``) against the sample portal, the parent sends SIGKILL at a
random moment or inside a chosen phase, then checks what a restart finds. Figures are printed
(``pytest -s`` or ``-rP`` shows them).
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from crash_helpers import (
    FEED_FILES,
    TRANSACTION_HOLD,
    check_database,
    check_feed_file,
    check_output_dir,
    fork_child,
    kill_point,
    temp_files,
    trace_phases,
)
from helpers import ROOT, destoon_source, read_feeds, snapshot, wait_for, write_config

from feeds import cli
from feeds.config import load_config
from feeds.models import NewItem, PollEnd, PollPlan, StoredItem
from feeds.output import OutputClaim, publish
from feeds.service import Service
from feeds.store import open_store

TOPICS = ("大模型推理成本下降", "国产 GPU 新品发布", "算力中心开工", "智能制造试点扩容")


def update(config: Path) -> int:
    """``feeds update`` in this process (a forked child, or the test itself)."""
    return cli.main(["update", "--config", str(config)])


def update_until_settled(config: Path) -> None:
    """Polls until one stores nothing new: a poll reads at most ``max_articles`` new pages,
    so a portal that grew by more than that takes several (issue 13)."""
    count = -1
    for _ in range(20):
        assert update(config) == 0
        before, count = count, len(stored_ids(config))
        if count == before:
            return
    raise AssertionError("twenty polls and still new items")


def portal_config(tmp_path: Path, portal, name: str = "run", **kwargs) -> Path:
    """A config in its own folder (``public/``, ``data/`` beside it) for the sample source.

    Every article is published (no include filter, a large ``keep``) and the first poll reads
    every listing page, so any run of the same portal must end with the same ids.
    """
    folder = tmp_path / name
    folder.mkdir()
    source = destoon_source(portal.url("news/"), keep=1000, include="[]", **kwargs)
    source = source.replace("max_pages = 1", "max_pages = 2")
    source = source.replace("backfill_pages = 3", "backfill_pages = 100")
    return write_config(folder, source)


def article_urls(portal) -> set[str]:
    return {portal.url(f"news/{a.id}.html") for a in portal.articles}


def stored_ids(config: Path) -> list[str]:
    db = sqlite3.connect(config.parent / "data" / "feeds.db")
    try:
        return [row[0] for row in db.execute("SELECT id FROM items ORDER BY rowid")]
    finally:
        db.close()


def add_articles(portal, rng: random.Random, count: int) -> None:
    for _ in range(count):
        number = len(portal.articles) + 1
        topic = rng.choice(TOPICS)
        portal.add_article(f"第{number}号快讯：{topic}", summary=f"{topic}，详情见正文。")


def kill_self_at_publish() -> None:
    """In a child: die by SIGKILL where the poll would start writing its feed files."""
    import feeds.publish

    def die(*args: object, **kwargs: object) -> list[Path]:
        os.kill(os.getpid(), signal.SIGKILL)
        raise AssertionError("unreachable")

    feeds.publish.publish = die  # publish_source calls publish by its module-level name


def update_killed_after_commit(config: Path) -> None:
    """Run ``feeds update`` in a child that is killed between its commit and its renames."""

    def body(fd: int) -> int:
        trace_phases(fd)
        kill_self_at_publish()
        return update(config)

    child = fork_child(body)
    child.reap()
    assert child.killed, f"exit {child.exit_code}, markers {bytes(child.markers)}"
    assert kill_point(child.markers) == "after a commit, before the feed writes"


# -- F4: kill -9 after the DB commit, before the feed rename -------------------------------


def test_F4_kill_after_commit_then_service_start_regenerates_feeds_from_the_store(
    portal, tmp_path, caplog
):
    config = portal_config(tmp_path, portal)
    out = config.parent / "public"
    assert update(config) == 0
    article = portal.add_article("OpenAI 发布新模型：提交之后、改名之前", summary="大模型。")
    url = portal.url(f"news/{article.id}.html")

    update_killed_after_commit(config)

    assert url in stored_ids(config)  # committed ...
    before = read_feeds(out, "sample")
    assert url not in [e.id for e in before["rss"].entries]  # ... but never published
    (out / ".sample.atom.a1b2c3d4.tmp").write_bytes(b"<feed")  # and a half-written file
    (out / "sample.json").unlink()  # and a lost one

    # The site is down at the restart, so no poll can help: only the store brings it back.
    portal.set_status("news/", 500)
    service = Service(load_config(config))
    with caplog.at_level("INFO", logger="feeds"):
        service.start()
        try:
            ids = check_output_dir(out, "sample")
        finally:
            service.stop()
    for fmt in FEED_FILES:
        assert ids[fmt].count(url) == 1, fmt
        assert sorted(ids[fmt]) == sorted(article_urls(portal)), fmt
    assert "removed 1 temp file(s)" in caplog.text
    assert "feeds differed from the store, rewritten: sample.rss, sample.atom, sample.json" in (
        caplog.text
    )


def test_F4_kill_after_commit_then_update_with_nothing_new_publishes_the_item(
    portal, tmp_path, capsys
):
    config = portal_config(tmp_path, portal)
    out = config.parent / "public"
    assert update(config) == 0
    article = portal.add_article("英伟达发布新 GPU：提交之后被杀", summary="算力。")
    url = portal.url(f"news/{article.id}.html")

    update_killed_after_commit(config)
    assert url not in check_output_dir(out, "sample")["atom"]

    capsys.readouterr()
    assert update(config) == 0
    assert "0 new" in capsys.readouterr().out  # nothing to fetch, yet the feeds are repaired
    ids = check_output_dir(out, "sample")
    for fmt in FEED_FILES:
        assert sorted(ids[fmt]) == sorted(article_urls(portal)), fmt
    assert stored_ids(config).count(url) == 1


def test_F4_clean_service_start_rewrites_nothing(portal, tmp_path):
    config = portal_config(tmp_path, portal)
    assert update(config) == 0
    before = snapshot(config.parent / "public")
    service = Service(load_config(config))
    portal.set_status("news/", 500)  # no poll may write either
    service.start()
    service.stop()
    assert snapshot(config.parent / "public") == before  # bytes and mtimes: readers' caches hold


# -- F5: kill -9 at random points during the feed write ------------------------------------


def write_kills(portal, tmp_path: Path, iterations: int, seed: int) -> Counter[str]:
    """Kill a child that rewrites the three feed files in a loop, ``iterations`` times.

    The child alternates between two real renderings of the portal (25 and 27 items); each
    child starts the way a restarted writer does, with ``OutputClaim`` (startup cleanup).
    """
    config = portal_config(tmp_path, portal)
    out = config.parent / "public"
    assert update(config) == 0
    old = {fmt: (out / f"sample.{fmt}").read_bytes() for fmt in FEED_FILES}
    add_articles(portal, random.Random(seed), 2)
    assert update(config) == 0
    new = {fmt: (out / f"sample.{fmt}").read_bytes() for fmt in FEED_FILES}
    assert all(old[fmt] != new[fmt] for fmt in FEED_FILES)

    def body(fd: int) -> int:
        with OutputClaim(out):
            os.write(fd, b"S")
            while True:
                for rendered in (old, new):
                    publish(out, "sample", rendered)

    rng = random.Random(seed)
    stats: Counter[str] = Counter()
    for _ in range(iterations):
        child = fork_child(body)
        assert child.wait_marker(b"S")
        time.sleep(rng.uniform(0, 0.015))
        child.kill()
        child.reap()
        assert child.killed, f"the writer ended by itself: exit {child.exit_code}"
        for fmt in FEED_FILES:
            data = (out / f"sample.{fmt}").read_bytes()
            assert data in (old[fmt], new[fmt]), f"{fmt}: neither the old nor the new file"
            stats[f"{fmt} old" if data == old[fmt] else f"{fmt} new"] += 1
        left = temp_files(out)
        # Each startup removed what the previous kill left: at most this kill's temp file.
        assert len(left) <= 1, left
        stats["kills"] += 1
        stats["kills mid-write (a temp file left)"] += len(left)
    served_while_orphans_exist(config, old, new)
    with OutputClaim(out) as removed:
        assert len(removed) <= 2  # the last kill's, and the half file served_... put there
    assert temp_files(out) == []
    check_output_dir(out, "sample")
    print(f"\nF5 write kills: {dict(stats)}")
    return stats


def served_while_orphans_exist(config: Path, old: dict, new: dict) -> None:
    """The server answers with a complete feed, and never with a temp file."""
    from starlette.exceptions import StarletteDeprecationWarning

    from feeds.server import create_app

    with warnings.catch_warnings():  # as in test_server.py: httpx is what the venv has
        warnings.simplefilter("ignore", StarletteDeprecationWarning)
        from starlette.testclient import TestClient

    out = config.parent / "public"
    orphan = out / ".sample.rss.0rphan_x.tmp"
    orphan.write_bytes(old["rss"][: len(old["rss"]) // 2])  # as a kill mid-write leaves it
    with TestClient(create_app(Service(load_config(config)))) as client:
        response = client.get("/feeds/sample.rss")
        assert response.status_code == 200 and response.content in (old["rss"], new["rss"])
        for name in (orphan.name, "sample.rss.0rphan_x.tmp", "..%2Fpublic%2F" + orphan.name):
            assert client.get(f"/feeds/{name}").status_code == 404, name


def test_F5_kill_during_feed_writes_leaves_old_or_new_complete_files(portal, tmp_path):
    stats = write_kills(portal, tmp_path, iterations=50, seed=5)
    assert stats["kills mid-write (a temp file left)"] > 0  # the kills did land mid-write
    assert stats["rss old"] > 0 and stats["rss new"] > 0


@pytest.mark.slow
def test_F5_kill_during_feed_writes_1000_times(portal, tmp_path):
    stats = write_kills(portal, tmp_path, iterations=1000, seed=1000)
    assert stats["kills mid-write (a temp file left)"] > 100


def test_F5_startup_cleanup_spares_the_temp_file_of_a_live_writer(tmp_path):
    out = tmp_path / "public"

    def writer(fd: int) -> int:
        with OutputClaim(out):
            os.write(fd, b"S")
            time.sleep(60)
        return 0

    child = fork_child(writer)
    try:
        assert child.wait_marker(b"S")
        in_flight = out / ".sample.rss.k3y5x9_q.tmp"  # that writer's, between mkstemp and rename
        in_flight.write_bytes(b"<?xml")
        (out / "notes.tmp").write_bytes(b"not ours")
        with OutputClaim(out) as removed:
            assert removed == []
        assert in_flight.exists()
    finally:
        child.kill()
        child.reap()
    with OutputClaim(out) as removed:  # the writer is dead: its temp file is an orphan now
        assert removed == [in_flight]
    assert sorted(p.name for p in out.iterdir()) == ["notes.tmp"]


# -- F6: power loss with synchronous=NORMAL ------------------------------------------------


def test_F6_lost_commits_are_reingested_with_the_same_ids_and_no_duplicates(portal, tmp_path):
    config = portal_config(tmp_path, portal)
    out = config.parent / "public"
    db_path = config.parent / "data" / "feeds.db"
    assert update(config) == 0
    with open_store(db_path) as store:  # synchronous=NORMAL is what makes the last commits losable
        assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 1
    backup = tmp_path / "before-last-commits.db"
    source, target = sqlite3.connect(db_path), sqlite3.connect(backup)
    source.backup(target)
    source.close()
    target.close()

    add_articles(portal, random.Random(6), 3)
    assert update(config) == 0
    newer = {fmt: (out / f"sample.{fmt}").read_bytes() for fmt in FEED_FILES}
    seen_by_reader = check_output_dir(out, "sample")

    # Power loss: the database comes back without the last commits, the feed files with them.
    for suffix in ("-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(backup, db_path)
    assert len(stored_ids(config)) == len(article_urls(portal)) - 3

    assert update(config) == 0  # the three articles are new again and fetched again
    check_database(db_path)
    after = check_output_dir(out, "sample")
    for fmt in FEED_FILES:
        assert after[fmt] == seen_by_reader[fmt], fmt  # same ids, same order: no duplicates
        assert len(set(after[fmt])) == len(after[fmt]) == len(article_urls(portal))
        # Ids and dates come from the articles, not from when they were seen: same bytes.
        assert (out / f"sample.{fmt}").read_bytes() == newer[fmt], fmt
    assert sorted(stored_ids(config)) == sorted(article_urls(portal))


# -- F7: concurrent writers and a reader ---------------------------------------------------


def test_F7_store_opens_in_wal_with_a_busy_timeout(tmp_path):
    with open_store(tmp_path / "feeds.db") as store:
        pragma = store._db.execute
        assert pragma("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert pragma("PRAGMA busy_timeout").fetchone()[0] == 30000
        assert pragma("PRAGMA foreign_keys").fetchone()[0] == 1


def test_F7_concurrent_first_opens_of_a_new_database_all_succeed(tmp_path):
    """Four processes create the same database at once: WAL switch and migrations race.

    Before the fix about half failed with "database is locked" (the WAL switch does not wait
    on the busy handler) or "table sources already exists" (a migration applied twice)."""
    for trial in range(5):
        path = tmp_path / f"trial{trial}" / "feeds.db"
        gate_read, gate_write = os.pipe()

        def opener(fd: int, path: Path = path, gate: tuple[int, int] = (gate_read, gate_write)):
            os.close(gate[1])
            os.read(gate[0], 1)  # all four start together, when the test closes the gate
            open_store(path).close()
            return 0

        children = [fork_child(opener) for _ in range(4)]
        time.sleep(0.05)
        os.close(gate_write)
        for child in children:
            child.reap()
            assert child.exit_code == 0, f"trial {trial}: an open failed"
        os.close(gate_read)
        check_database(path)


def admin_item(source_id: str, number: int) -> StoredItem:
    when = datetime(2024, 12, 1, tzinfo=UTC) + timedelta(minutes=number)
    return StoredItem(
        source_id=source_id,
        key=f"admin.example/{number}",
        id=f"https://admin.example/{number}",
        url=f"https://admin.example/{number}",
        title=f"item {number}",
        author=None,
        summary=None,
        content_html="<p>" + "x" * 2000 + "</p>",
        published=when,
        updated=when,
        first_seen=when,
        date_precision="time",
    )


def test_F7_polls_an_admin_writer_another_process_and_a_reader_never_see_locked(portal, tmp_path):
    config_path = portal_config(tmp_path, portal)
    config = load_config(config_path)
    db_path = config.settings.data_dir / "feeds.db"
    open_store(db_path).close()  # created once, as the service does before its threads start
    errors: list[BaseException] = []
    done = threading.Event()
    counts: Counter[str] = Counter()

    def guarded(work):
        def run() -> None:
            try:
                work()
            except BaseException as e:  # collected: the test fails on any of them
                errors.append(e)
                done.set()

        return threading.Thread(target=run)

    def polls() -> None:  # the scheduler's worker: a poll, its transaction, its feeds
        from feeds.app import open_fetcher
        from feeds.pipeline import update_source

        rng = random.Random(7)
        for _ in range(4):
            add_articles(portal, rng, 2)
            with open_store(db_path) as store, open_fetcher(config.settings) as fetcher:
                result = update_source(config.sources[0], config.settings, store, fetcher)
            assert result.ok, result.error
            counts["polls"] += 1
        done.set()

    def admin() -> None:  # an admin/API thread: big and small transactions, autocommits
        with open_store(db_path) as store:
            number = 0
            while not done.is_set():
                store.ensure_source("admin", datetime.now(UTC))
                batch = tuple(NewItem(admin_item("admin", number + n)) for n in range(50))
                number += 50
                end = PollEnd(ok=True, added=50)
                store.apply(PollPlan("admin", datetime.now(UTC), new_items=batch, end=end))
                store.save_next_run("admin", datetime.now(UTC))
                counts["admin transactions"] += 1

    def reader() -> None:  # the status page and the feed renderer
        with open_store(db_path) as store:
            while not done.is_set():
                store.statuses()
                store.feed_items("admin", 50)
                store.feed_items("sample", 50)
                counts["reads"] += 1

    script = textwrap.dedent(
        f"""
        import sys, time
        from datetime import UTC, datetime
        sys.path.insert(0, {str(ROOT)!r})
        from feeds.models import PollEnd, PollPlan
        from feeds.store import open_store
        with open_store({str(db_path)!r}) as store:
            store.ensure_source("process", datetime.now(UTC))
            for n in range(300):
                store.save_next_run("process", datetime.now(UTC))
                end = PollEnd(ok=False, error=f"error {{n}}")
                store.apply(PollPlan("process", datetime.now(UTC), end=end))
        """
    )
    other = subprocess.Popen([sys.executable, "-c", script], stderr=subprocess.PIPE, text=True)
    threads = [guarded(polls), guarded(admin), guarded(reader)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    _, stderr = other.communicate(timeout=120)
    assert not errors, errors
    assert other.returncode == 0, stderr
    assert counts["polls"] == 4 and counts["admin transactions"] > 0 and counts["reads"] > 0
    check_database(db_path)
    with open_store(db_path) as store:
        statuses = store.statuses()
        assert statuses["process"].polls == 300  # every write of the other process landed
        assert statuses["admin"].items_seen == 50 * counts["admin transactions"]
    assert sorted(check_output_dir(config.settings.output_dir, "sample")["json"]) == sorted(
        article_urls(portal)
    )


# -- F8: disk full or read-only volume during the feed write -------------------------------


def failing(error: int, real):
    """``real`` (os.fsync, os.replace) failing with ``error`` while ``broken`` is set."""
    broken = threading.Event()
    broken.set()

    def fake(*args, **kwargs):
        if broken.is_set():
            raise OSError(error, os.strerror(error))
        return real(*args, **kwargs)

    fake.broken = broken
    return fake


def test_F8_disk_full_during_the_feed_write_keeps_the_old_feed_and_recovers(
    portal, tmp_path, monkeypatch, capsys
):
    config = portal_config(tmp_path, portal)
    out = config.parent / "public"
    assert update(config) == 0
    before = snapshot(out)
    article = portal.add_article("算力中心扩容：磁盘已满时入库", summary="GPU。")
    url = portal.url(f"news/{article.id}.html")

    fsync = failing(errno.ENOSPC, os.fsync)  # the data did not fit: fsync reports it
    monkeypatch.setattr(os, "fsync", fsync)
    capsys.readouterr()
    assert update(config) == 1
    printed = capsys.readouterr().out
    assert "sample: FAILED render: cannot write" in printed
    assert "No space left on device" in printed and "free space" in printed
    assert snapshot(out) == before  # the previous feeds, untouched, no temp file
    with open_store(config.parent / "data" / "feeds.db") as store:
        status = store.source_status("sample")
    assert status is not None and "No space left on device" in (status.last_error or "")
    assert status.consecutive_failures == 1
    assert url in stored_ids(config)  # stored: the next write publishes it

    fsync.broken.clear()  # space is back
    assert update(config) == 0
    assert temp_files(out) == []
    for fmt, ids in check_output_dir(out, "sample").items():
        assert ids.count(url) == 1, fmt
    with open_store(config.parent / "data" / "feeds.db") as store:
        status = store.source_status("sample")
    assert status is not None and status.last_error is None and status.consecutive_failures == 0


def test_F8_read_only_output_in_the_service_is_logged_shown_and_recovered(
    portal, tmp_path, monkeypatch, caplog
):
    config_path = portal_config(tmp_path, portal)
    config_path.write_text(
        config_path.read_text().replace("max_pages = 2", 'max_pages = 2\nevery = "1s"')
    )
    out = config_path.parent / "public"
    assert update(config_path) == 0
    before = snapshot(out)
    article = portal.add_article("OpenAI 新模型：只读卷上的发布", summary="大模型。")
    url = portal.url(f"news/{article.id}.html")

    replace = failing(errno.EROFS, os.replace)  # the volume went read-only under us
    monkeypatch.setattr(os, "replace", replace)
    service = Service(load_config(config_path))
    with caplog.at_level("INFO", logger="feeds"):
        service.start()
        try:

            def shown_error() -> str | None:
                view = next(v for v in service.views() if v.id == "sample")
                return view.last_error if view.state == "failing" else None

            error = wait_for(shown_error, timeout=30)
            assert "Read-only file system" in error and "cannot write" in error
            assert snapshot(out) == before  # still served: the previous, complete feeds
            assert "poll failed: render: cannot write" in caplog.text
            assert "Read-only file system" in caplog.text

            replace.broken.clear()  # writable again: the next poll publishes
            # Read the published file as a reader does: with a poll every second, the
            # directory may hold the next write's temp file at any moment while it runs.
            wait_for(lambda: url in check_feed_file(out / "sample.rss"), timeout=30)
            wait_for(lambda: next(v for v in service.views() if v.id == "sample").state == "ok")
        finally:
            service.stop()
    assert temp_files(out) == []
    for fmt, ids in check_output_dir(out, "sample").items():  # stopped: the three, complete
        assert ids.count(url) == 1, fmt


# -- the crash issue: kill -9 at random moments during polls and writes --------------------

MODES = ("anywhere", "transaction", "after commit", "feed write")


@dataclass
class CrashReport:
    rounds: int = 0
    kills: int = 0
    completed: int = 0
    articles_added: int = 0
    points: Counter[str] = field(default_factory=Counter)


def crash_polls(portal, config: Path, kills: int, seed: int) -> CrashReport:
    """``feeds update`` in forked children, killed until ``kills`` kills have landed.

    The modes take turns: a random moment of the whole poll, just inside a store
    transaction, right after a commit, inside the 1st/2nd/3rd feed file write. After a
    round whose poll committed, new articles appear, so every round has new work.
    """
    rng = random.Random(seed)
    report = CrashReport()
    durations: list[float] = []

    def body(fd: int) -> int:
        trace_phases(fd)
        return update(config)

    while report.kills < kills:
        mode = MODES[report.rounds % len(MODES)]
        report.rounds += 1
        child = fork_child(body)
        if mode == "anywhere":
            typical = statistics.median(durations[-9:]) if durations else 0.5
            time.sleep(rng.uniform(0, typical * 1.1))
            reached = True
        elif mode == "transaction":
            reached = child.wait_marker(b"T")
            time.sleep(rng.uniform(0, TRANSACTION_HOLD))
        elif mode == "after commit":
            reached = child.wait_marker(b"C")
        else:
            reached = child.wait_marker(b"W", rng.randint(1, 3))
            time.sleep(rng.uniform(0, 0.002))
        if reached:
            child.kill()
        child.reap()
        if child.killed:
            report.kills += 1
            report.points[kill_point(child.markers)] += 1
        else:
            assert child.exit_code == 0, f"a poll after a crash failed (exit {child.exit_code})"
            report.completed += 1
            durations.append(time.monotonic() - child.started)
        if b"C" in child.markers:
            count = rng.randint(1, 2)
            add_articles(portal, rng, count)
            report.articles_added += count
    return report


def check_after_crashes(portal, tmp_path: Path, config: Path, report: CrashReport) -> None:
    """A clean restart completes the work; then nothing is lost, doubled or corrupt."""
    out, db_path = config.parent / "public", config.parent / "data" / "feeds.db"
    # As the last kill left them: the store opens, and each feed file there is complete.
    check_database(db_path)
    for fmt in FEED_FILES:
        if (out / f"sample.{fmt}").exists():
            check_feed_file(out / f"sample.{fmt}")
    assert update(config) == 0  # the restart: startup cleanup, then a normal poll
    assert temp_files(out) == []
    update_until_settled(config)
    ids = check_output_dir(out, "sample")  # only the three feeds, each complete and valid
    check_database(db_path)
    expected = article_urls(portal)
    stored = stored_ids(config)
    lost = {fmt: len(expected - set(got)) for fmt, got in ids.items()}
    doubled = {fmt: len(got) - len(set(got)) for fmt, got in ids.items()}

    reference = portal_config(tmp_path, portal, "reference")  # the same portal, never killed
    update_until_settled(reference)
    reference_ids = check_output_dir(reference.parent / "public", "sample")

    print(
        f"\ncrash test: {report.kills} kills in {report.rounds} rounds "
        f"({report.completed} polls completed), {report.articles_added} articles added, "
        f"{len(expected)} on the portal; kill points: {dict(report.points)}; "
        f"items lost per feed: {lost}; items duplicated per feed: {doubled}; "
        f"stored {len(stored)} items, {len(stored) - len(set(stored))} duplicated"
    )
    assert set(lost.values()) == {0} and set(doubled.values()) == {0}
    assert sorted(stored) == sorted(expected)
    for fmt in FEED_FILES:
        assert sorted(ids[fmt]) == sorted(expected), fmt
        assert ids[fmt] == reference_ids[fmt], fmt  # the same ids, in the same order


def run_crash_test(portal, tmp_path: Path, kills: int, seed: int) -> CrashReport:
    portal.delay = 0.005  # spreads a poll's requests over time, so kills land in fetches too
    config = portal_config(tmp_path, portal)
    report = crash_polls(portal, config, kills, seed)
    portal.delay = 0.0
    check_after_crashes(portal, tmp_path, config, report)
    return report


def test_crash_kill_9_during_polls_and_writes_20_times(portal, tmp_path):
    report = run_crash_test(portal, tmp_path, kills=20, seed=20)
    assert report.kills == 20


@pytest.mark.slow
def test_crash_kill_9_during_polls_and_writes_240_times(portal, tmp_path):
    report = run_crash_test(portal, tmp_path, kills=240, seed=240)
    # Every kind of moment was hit (the modes take turns; a few of each at least).
    for point in (
        "fetching listing/articles",
        "inside a store transaction",
        "after a commit, before the feed writes",
        "inside a feed file write",
    ):
        assert report.points[point] >= 5, report.points
