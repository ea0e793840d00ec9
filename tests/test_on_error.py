"""``source.on_error`` (issue 18): a failing or degraded source says so in its own feed, in
one item that keeps its id, changes only when the state or the reason does, and goes away
when the source recovers; the default ("status") leaves the feed as it is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from helpers import destoon_source, read_feeds, write_config

from feeds.config import load_config
from feeds.decide import next_notice
from feeds.fetch import Fetcher, HostLimits
from feeds.models import Notice, SourceStatus
from feeds.pipeline import update_source
from feeds.store import open_store

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
STATUS_ID = "urn:feeds:sample:status"


def status(failures=0, error=None, degraded=None) -> SourceStatus:
    return SourceStatus(
        id="sample",
        created=NOW,
        last_attempt=NOW,
        last_success=NOW,
        last_error=error,
        consecutive_failures=failures,
        polls=3,
        last_new=0,
        items_seen=10,
        items_published=10,
        degraded=degraded,
    )


def test_a_notice_starts_stays_changes_and_ends():
    later, latest = NOW + timedelta(minutes=30), NOW + timedelta(hours=1)
    failing = next_notice(None, status(1, "fetch: 503 Service Unavailable"), NOW)
    assert failing == Notice("failing", "fetch: 503 Service Unavailable", NOW, NOW)
    # The same reason (numbers aside): the very same notice, no update for readers.
    same = status(2, "fetch: the site asked us to wait until 2024-12-14T03:00:00")
    waiting = next_notice(failing, same, later)
    assert waiting == Notice("failing", same.last_error, since=NOW, changed=later)
    again = status(3, "fetch: the site asked us to wait until 2024-12-14T04:30:00")
    assert next_notice(waiting, again, latest) is waiting
    # Another state starts again; health ends it; no status row changes nothing.
    degraded = next_notice(waiting, status(0, degraded="selectors match nothing"), latest)
    assert degraded == Notice("degraded", "selectors match nothing", latest, latest)
    assert next_notice(degraded, status(0), latest) is None
    assert next_notice(degraded, None, latest) is degraded


def poll(config, store):
    with Fetcher(user_agent="feeds-tests", timeout=10, limits=HostLimits(4, 0)) as fetcher:
        return update_source(config.sources[0], config.settings, store, fetcher)


def test_a_failing_portal_shows_one_stable_item_until_it_recovers(portal, tmp_path):
    source = destoon_source(portal.url("news/"), include="[]").replace(
        "max_pages = 1", 'max_pages = 1\non_error = "item"'
    )
    config = load_config(write_config(tmp_path, source))
    public = tmp_path / "public"
    with open_store(tmp_path / "feeds.db") as store:
        assert poll(config, store).ok
        healthy = read_feeds(public, "sample")
        assert STATUS_ID not in [item["id"] for item in healthy["json"]["items"]]

        portal.set_status("/news/", 503)
        failed = poll(config, store)
        assert not failed.ok and failed.written  # the feed changed: readers are told
        feeds = read_feeds(public, "sample")
        first = feeds["json"]["items"][0]
        assert first["id"] == STATUS_ID
        assert first["title"].startswith("Sample portal: failing since ")
        assert "503" in first["summary"] and portal.url("news/") in first["content_html"]
        assert feeds["json"]["items"][1:] == healthy["json"]["items"]  # nothing else moved
        assert feeds["atom"].entries[0].id == STATUS_ID
        assert feeds["rss"].entries[0].id == STATUS_ID
        files = {path.name: path.read_bytes() for path in public.iterdir()}

        again = poll(config, store)  # still failing, for the same reason
        assert not again.ok and again.written == ()
        assert {path.name: path.read_bytes() for path in public.iterdir()} == files

        portal.set_status("/news/", 200)
        recovered = poll(config, store)
        assert recovered.ok and recovered.written
        items = read_feeds(public, "sample")["json"]["items"]
        assert STATUS_ID not in [item["id"] for item in items]
        assert store.notice("sample") is None


def test_by_default_a_failure_shows_on_the_status_page_only(portal, tmp_path):
    config = load_config(write_config(tmp_path, destoon_source(portal.url("news/"))))
    with open_store(tmp_path / "feeds.db") as store:
        assert poll(config, store).ok
        before = (tmp_path / "public" / "sample.json").read_bytes()
        portal.set_status("/news/", 503)
        assert not poll(config, store).ok
        assert (tmp_path / "public" / "sample.json").read_bytes() == before
        assert store.notice("sample").state == "failing"  # kept, should on_error change
