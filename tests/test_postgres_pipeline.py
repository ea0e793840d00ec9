"""The real commands on a PostgreSQL database (a fresh one per test on 127.0.0.1:5432; skipped
where no server answers): `feeds update`, `feeds run` and `feeds migrate` against the sample
portal, compared byte for byte with the same portal polled on SQLite."""

from __future__ import annotations

import shutil
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from helpers import (
    destoon_source,
    feeds,
    get_json,
    read_feeds,
    service,
    snapshot,
    wait_for,
    write_config,
)

from feeds.models import HubIntent, ItemFailure, Notice, PollEnd, PollPlan
from feeds.store import open_store

FILES = ("sample.rss", "sample.atom", "sample.json")


def config_in(folder: Path, url: str, settings: str = "") -> Path:
    folder.mkdir()
    return write_config(folder, destoon_source(url), settings=settings)


def feed_bytes(output: Path) -> dict[str, bytes]:
    return {name: (output / name).read_bytes() for name in FILES}


def dump(database: str) -> dict[str, list[tuple]]:
    with open_store(database) as store:
        return {table: list(rows) for table, rows in store.dump()}


def more_state(database: str) -> None:
    """What one poll of the portal leaves out: an alias, an article that failed, validators,
    a host that asked to wait, the schedule, the WebSub hub's state and a notice."""
    later = datetime.now(UTC) + timedelta(days=1)
    with open_store(database) as store:
        key = store.feed_items("sample", 1)[0].key
        failure = ItemFailure("site.example/broken", "https://site.example/broken", "fetch: 500")
        store.apply(
            PollPlan(
                "sample",
                datetime.now(UTC),
                aliases=((f"m.{key}", key),),
                failures=(failure,),
                end=PollEnd(
                    ok=True,
                    validators={"https://site.example/": ('"v1"', None)},
                    polled_by="old-host:4242",  # issue 16: which process polled it
                ),
            )
        )
        store.save_host_hold("held.example", later)
        store.save_next_run("sample", later)
        # issue 18: a WebSub subscription with a delivery owed, a request to verify, a notice.
        topic, now = "http://feeds.example/feeds/sample.rss", datetime.now(UTC)
        store.hub_request(HubIntent(topic, "https://r.example/cb", "subscribe", 3600, "s", now))
        (claimed,) = store.hub_claim_intents(now, now, 1)
        store.hub_verified(claimed, now)
        store.hub_queue([topic], now)
        store.hub_request(HubIntent(topic, "https://r.example/cb2", "subscribe", 600, None, now))
        store.save_notice("sample", Notice("degraded", "selectors match nothing", now, now))


def sqlite_feeds(portal, tmp_path: Path) -> dict[str, bytes]:
    """The same portal polled once on SQLite: the bytes PostgreSQL must give too."""
    config = config_in(tmp_path / "sqlite", portal.url("news/"))
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    return feed_bytes(tmp_path / "sqlite" / "public")


def test_update_twice_on_postgresql_writes_the_sqlite_bytes_then_nothing(portal, tmp_path, pg_url):
    expected = sqlite_feeds(portal, tmp_path)
    config = config_in(tmp_path / "pg", portal.url("news/"), settings=f'database = "{pg_url}"\n')
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    assert "sample: ok, 19 new" in run.out
    public = tmp_path / "pg" / "public"
    assert feed_bytes(public) == expected
    assert not (tmp_path / "pg" / "data").exists()  # no SQLite file beside it
    read_feeds(public, "sample")  # valid for readers, strictly parsed
    before = snapshot(public)
    portal.clear_log()
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    assert "0 new" in run.out and "0 files written" in run.out
    assert portal.count("/news/6") == 0, portal.requests  # no article page fetched again
    assert snapshot(public) == before
    with open_store(pg_url) as store:
        status = store.source_status("sample")
        assert (status.polls, status.items_published, status.consecutive_failures) == (2, 19, 0)


def test_the_service_on_postgresql_serves_the_sqlite_bytes(portal, tmp_path, pg_url, monkeypatch):
    expected = sqlite_feeds(portal, tmp_path)
    config = config_in(tmp_path / "pg", portal.url("news/"))
    monkeypatch.setenv("FEEDS_DATABASE", pg_url)  # the variable, through to the process
    public = tmp_path / "pg" / "public"
    with service(config) as proc:
        wait_for(lambda: (public / "sample.json").exists(), timeout=60)
        for name in FILES:
            with urllib.request.urlopen(f"{proc.base}feeds/{name}", timeout=10) as response:
                assert response.read() == expected[name], name
        (status,) = get_json(proc.base + "status.json")["sources"]
        assert (status["id"], status["items_published"]) == ("sample", 19), status
    assert proc.returncode == 0, proc.log.read_text()
    assert not (tmp_path / "pg" / "data").exists()


def test_migrate_copies_a_sqlite_store_to_postgresql_ids_and_bytes_unchanged(
    portal, tmp_path, pg_url, monkeypatch
):
    config = config_in(tmp_path / "site", portal.url("news/"))
    assert feeds("update", config=config).code == 0
    public, sqlite_db = tmp_path / "site" / "public", str(tmp_path / "site" / "data" / "feeds.db")
    more_state(sqlite_db)
    expected, original = feed_bytes(public), dump(sqlite_db)
    assert all(original.values()), {table: len(rows) for table, rows in original.items()}

    run = feeds("migrate", "--to", pg_url, config=config)
    assert run.code == 0, run.out + run.err
    assert f"{len(original['items']):8d} items" in run.out
    assert f'next: set settings.database = "{pg_url}"' in run.out
    assert dump(pg_url) == original  # every row, id, key and date; items in their order
    assert dump(sqlite_db) == original  # the source is only read
    with open_store(pg_url) as store:
        assert store.source_status("sample").polled_by == "old-host:4242"

    # The feeds built from PostgreSQL alone are the same bytes, and nothing is new.
    shutil.rmtree(public)
    monkeypatch.setenv("FEEDS_DATABASE", pg_url)
    run = feeds("update", config=config)
    assert run.code == 0, run.out + run.err
    assert "sample: ok, 0 new" in run.out and "3 files written" in run.out
    assert feed_bytes(public) == expected
    monkeypatch.delenv("FEEDS_DATABASE")

    # Again: a target holding items is refused, then replaced whole with --force.
    run = feeds("migrate", "--to", pg_url, config=config)
    assert run.code == 1
    assert f"already holds {len(original['items'])} items" in run.err
    assert "add --force to replace everything it holds" in run.err
    run = feeds("migrate", "--to", pg_url, "--force", config=config)
    assert run.code == 0, run.out + run.err
    assert dump(pg_url) == original


def test_migrate_back_to_sqlite_gives_the_same_rows(tmp_path, portal, pg_url, monkeypatch):
    config = config_in(tmp_path / "site", portal.url("news/"), settings=f'database = "{pg_url}"\n')
    assert feeds("update", config=config).code == 0
    back = tmp_path / "back.db"
    run = feeds("migrate", "--to", f"sqlite:///{back}", config=config)
    assert run.code == 0, run.out + run.err
    assert dump(str(back)) == dump(pg_url)
    run = feeds("migrate", "--to", pg_url, config=config)
    assert run.code == 1 and "--to names the configured database" in run.err
