"""The store's contract, run against every backend: SQLite (a file in a temp folder) and
PostgreSQL (a fresh database on 127.0.0.1:5432; skipped where no server answers).

Every method of ``feeds.models.Store`` and the semantics the pipeline relies on: a plan is
written whole or not at all, existing keys are never overwritten, aliases, counters,
validators per source, twins, item attempts, the order of a feed, status, schedule,
politeness, and plans applied from several threads at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest

from feeds.errors import StoreError
from feeds.models import ItemFailure, NewItem, PollEnd, PollPlan, RobotsAnswer, StoredItem
from feeds.store import open_store
from feeds.store.portable import TABLES

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
CST = timezone(timedelta(hours=8))
DAY = datetime(2024, 12, 6, 10, 23, tzinfo=CST)


@pytest.fixture(scope="module")
def pg_shared(pg_databases) -> str:
    """One PostgreSQL database for the module, emptied before each test (faster than a new
    database per test)."""
    return pg_databases.create()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request, tmp_path) -> str:
    """Where a test's store lives, empty; open it as often as needed with ``open_store``."""
    if request.param == "sqlite":
        return str(tmp_path / "feeds.db")
    import psycopg

    url = request.getfixturevalue("pg_shared")
    open_store(url).close()  # the schema, on the first use
    with psycopg.connect(url) as db:  # one transaction; DELETE beats TRUNCATE on small tables
        for table in reversed(TABLES):
            db.execute(f"DELETE FROM {table}")
    return url


@pytest.fixture
def store(database):
    with open_store(database) as opened:
        opened.ensure_source("s", NOW)
        yield opened


def item(key, *, source="s", published=DAY, first_seen=NOW, status="published", words=None):
    return StoredItem(
        source_id=source,
        key=key,
        id=f"https://site.example/{key}",
        url=f"https://site.example/{key}?from=list",
        title=f"标题 {key}",
        author="qeexh",
        summary=f"summary of {key}",
        content_html=f"<p>{key} body</p>",
        published=published,
        updated=published,
        first_seen=first_seen,
        date_precision="time",
        status=status,
        content_hash=words or f"hash-{key}",
    )


def plan(*new, source="s", now=NOW, **fields) -> PollPlan:
    return PollPlan(source, now, new_items=tuple(NewItem(i) for i in new), **fields)


def test_a_new_source_has_a_status_and_no_items(store):
    assert store.source_created("s") == NOW
    store.ensure_source("s", NOW + timedelta(days=1))  # a second call keeps the first
    status = store.source_status("s")
    assert status.created == NOW and status.polls == 0 and status.last_success is None
    assert (status.items_seen, status.items_published, status.degraded) == (0, 0, None)
    assert not store.has_items("s")
    assert store.known_keys("s", ["a"]) == set()
    assert store.feed_items("s", 10) == []
    assert store.source_status("other") is None and store.source_created("other") is None
    assert store.last_listed("s") is None
    assert store.polled_sources() == set()
    assert store.count_items() == 0


def test_items_come_back_field_for_field_with_their_offsets(store):
    first_seen = datetime(2024, 12, 14, 2, 0, 1, 123456, tzinfo=UTC)
    stored = item("a", first_seen=first_seen)
    store.apply(plan(stored))
    back = store.item("s", "a")
    assert back == stored
    assert back.published.isoformat() == "2024-12-06T10:23:00+08:00"  # the source's offset
    assert back.first_seen.isoformat() == "2024-12-14T02:00:01.123456+00:00"
    assert store.items("s", ["a", "missing"]) == {"a": stored}
    assert store.item("s", "missing") is None and store.item("other", "a") is None


def test_apply_stores_items_with_their_aliases_and_counts_them(store):
    store.apply(
        PollPlan(
            "s",
            NOW,
            new_items=(
                NewItem(item("a"), aliases=frozenset({"m.site.example/a", "a"})),
                NewItem(item("b", status="filtered")),
            ),
            aliases=(("list.site.example/b", "b"),),
            signatures=(("a", "sig-a"),),
            end=PollEnd(ok=True, added=1, last_listed=2),
        )
    )
    assert store.has_items("s")
    wanted = ["a", "b", "m.site.example/a", "list.site.example/b", "c"]
    assert store.known_keys("s", wanted) == set(wanted[:4])
    assert store.known_keys("other", wanted) == set()
    assert store.listing_sigs("s", ["a", "b", "m.site.example/a"]) == {"a": "sig-a", "b": None}
    status = store.source_status("s")
    assert (status.items_seen, status.items_published, status.last_new) == (2, 1, 1)
    assert (status.polls, status.last_success, status.last_attempt) == (1, NOW, NOW)
    assert store.last_listed("s") == 2
    assert [i.key for i in store.feed_items("s", 10)] == ["a"]  # filtered ones are kept apart
    assert store.count_items() == 2


def test_an_existing_key_is_left_untouched_and_not_counted_again(store):
    store.apply(plan(item("a")))
    again = StoredItem(**{**item("a").__dict__, "id": "https://elsewhere/a", "title": "new"})
    store.apply(PollPlan("s", NOW, new_items=(NewItem(again, frozenset({"alias-a"})),)))
    assert store.item("s", "a") == item("a")  # ids never change
    assert store.known_keys("s", ["alias-a"]) == {"alias-a"}  # its new alias is still kept
    status = store.source_status("s")
    assert (status.items_seen, status.items_published) == (1, 1)


def test_a_failing_plan_leaves_nothing(store):
    store.apply(plan(item("a"), end=PollEnd(ok=True, added=1)))
    before = store.source_status("s")
    broken = plan(
        item("b"),
        aliases=(("x", "no-such-item"),),  # refused by the foreign key, after b's insert
        failures=(ItemFailure("c", "https://site.example/c", "fetch: 500"),),
        end=PollEnd(ok=True, added=1, validators={"https://site.example/": ("e", None)}),
    )
    with pytest.raises(StoreError) as caught:
        store.apply(broken)
    assert caught.value.__cause__ is not None
    assert store.known_keys("s", ["b", "x"]) == set()
    assert store.item_attempts("s", ["c"]) == {}
    assert store.source_status("s") == before
    assert store.validators("s", "https://site.example/") == (None, None)
    store.apply(plan(item("b")))  # and the store goes on
    assert store.known_keys("s", ["b"]) == {"b"}


def test_a_feed_is_ordered_by_date_then_first_seen_then_insertion(store):
    later = DAY + timedelta(hours=1)
    seen_later = NOW + timedelta(minutes=5)
    store.apply(plan(item("old", published=DAY - timedelta(days=1)), item("tie1"), item("tie2")))
    store.apply(plan(item("seen-later", first_seen=seen_later), item("newest", published=later)))
    store.apply(plan(item("tie3")))
    keys = [i.key for i in store.feed_items("s", 10)]
    assert keys == ["newest", "seen-later", "tie3", "tie2", "tie1", "old"]
    assert [i.key for i in store.feed_items("s", 2)] == ["newest", "seen-later"]
    assert store.feed_items("other", 10) == []


def test_twins_are_the_same_words_on_the_same_day(store):
    store.apply(plan(item("a", words="same words"), item("b", words="other words")))
    moved = item("new-path/a", words="same words")
    next_day = item("daily", words="same words", published=DAY + timedelta(days=1))
    unrelated = item("c", words="nothing alike")
    found = store.twins("s", [moved, next_day, unrelated])
    assert found == {"new-path/a": "a"}
    assert store.twins("other", [moved]) == {}
    assert store.twins("s", []) == {}


def test_item_attempts_count_failures_until_the_item_is_stored(store):
    failure = ItemFailure("a", "https://site.example/a", "fetch: 500 (retried)")
    store.apply(plan(failures=(failure,)))
    later = NOW + timedelta(minutes=30)
    store.apply(
        plan(
            failures=(failure, ItemFailure("b", "https://site.example/b", "fetch: timeout")),
            now=later,
        )
    )
    assert store.item_attempts("s", ["a", "b", "c"]) == {"a": 2, "b": 1}
    errors = store.item_errors("s")
    assert {(e.key, e.attempts) for e in errors} == {("a", 2), ("b", 1)}
    assert {e.key: e.last_error for e in errors}["b"] == "fetch: timeout"
    store.apply(plan(item("a")))
    assert store.item_attempts("s", ["a", "b"]) == {"b": 1}
    assert store.item_errors("other") == []


def test_item_errors_newest_first(store):
    for minutes, key in ((0, "first"), (10, "second"), (5, "middle")):
        failure = ItemFailure(key, f"https://site.example/{key}", "fetch: 500")
        store.apply(plan(failures=(failure,), now=NOW + timedelta(minutes=minutes)))
    assert [e.key for e in store.item_errors("s")] == ["second", "middle", "first"]


def test_edits_keep_identity_and_update_words_in_place(store):
    store.apply(plan(item("a")))
    edited = StoredItem(
        **{
            **item("a").__dict__,
            "title": "edited title",
            "content_html": "<p>new words</p>",
            "updated": DAY + timedelta(days=2),
            "content_hash": "new hash",
            "published": DAY + timedelta(days=5),  # ignored: an edit keeps its date
            "id": "https://elsewhere/a",  # ignored: ids never change
        }
    )
    store.apply(PollPlan("s", NOW, edits=(edited,), signatures=(("a", "sig-2"),)))
    back = store.item("s", "a")
    assert (back.title, back.content_html, back.content_hash) == (
        "edited title",
        "<p>new words</p>",
        "new hash",
    )
    assert back.updated == DAY + timedelta(days=2)
    assert (back.id, back.published, back.first_seen) == (item("a").id, DAY, NOW)
    assert store.listing_sigs("s", ["a"]) == {"a": "sig-2"}


def test_validators_are_kept_per_source_and_forgotten_on_none(store):
    store.ensure_source("t", NOW)
    url = "https://site.example/list/"
    store.apply(plan(end=PollEnd(ok=True, validators={url: ('"v1"', "Sat, 14 Dec 2024")})))
    assert store.validators("s", url) == ('"v1"', "Sat, 14 Dec 2024")
    assert store.validators("t", url) == (None, None)  # another source must still read it
    store.apply(plan(end=PollEnd(ok=True, validators={url: ('"v2"', None)})))
    assert store.validators("s", url) == ('"v2"', None)
    store.apply(plan(end=PollEnd(ok=True, validators={url: None})))
    assert store.validators("s", url) == (None, None)


def test_a_failed_poll_counts_failures_and_keeps_the_last_verdict(store):
    store.apply(plan(end=PollEnd(ok=True, degraded="selectors broken", last_listed=9)))
    later = NOW + timedelta(hours=1)
    store.apply(plan(now=later, end=PollEnd(ok=False, error="fetch: 503")))
    store.apply(plan(now=later, end=PollEnd(ok=False, error="fetch: 503 again")))
    status = store.source_status("s")
    assert (status.consecutive_failures, status.polls, status.last_error) == (
        2,
        3,
        "fetch: 503 again",
    )
    assert (status.last_success, status.last_attempt) == (NOW, later)
    assert status.degraded == "selectors broken"  # a failure leaves it standing
    assert store.last_listed("s") == 9
    store.apply(plan(now=later, end=PollEnd(ok=True, error="1 item failed", added=0)))
    status = store.source_status("s")
    assert (status.consecutive_failures, status.degraded, status.last_error) == (
        0,
        None,
        "1 item failed",
    )


def test_statuses_and_polled_sources(store):
    store.ensure_source("never", NOW)
    store.apply(plan(end=PollEnd(ok=True)))
    assert set(store.statuses()) == {"s", "never"}
    assert store.statuses()["s"] == store.source_status("s")
    assert store.polled_sources() == {"s"}


def test_next_runs_are_saved_and_replaced(store):
    store.save_next_run("s", NOW + timedelta(minutes=30))
    store.save_next_run("t", NOW + timedelta(hours=2))
    store.save_next_run("s", NOW + timedelta(minutes=45))
    assert store.next_runs() == {
        "s": NOW + timedelta(minutes=45),
        "t": NOW + timedelta(hours=2),
    }
    assert store.next_run("s") == NOW + timedelta(minutes=45)
    assert store.next_run("u") is None


def test_host_holds_round_trip_and_expire(store):
    store.save_host_hold("a.example", NOW + timedelta(minutes=5))
    store.save_host_hold("b.example", NOW + timedelta(seconds=30))
    store.save_host_hold("a.example", NOW + timedelta(minutes=10))
    assert store.host_holds(NOW) == {
        "a.example": NOW + timedelta(minutes=10),
        "b.example": NOW + timedelta(seconds=30),
    }
    assert store.host_holds(NOW + timedelta(minutes=1)) == {
        "a.example": NOW + timedelta(minutes=10)
    }
    assert store.host_holds(NOW) == {"a.example": NOW + timedelta(minutes=10)}  # b is gone


def test_robots_answers_round_trip(store):
    rules = RobotsAnswer(200, "User-agent: *\nDisallow: /private/\n", NOW)
    failed = RobotsAnswer(0, "", NOW - timedelta(hours=1), "fetch: connection refused")
    store.save_robots("https://a.example/robots.txt", rules)
    store.save_robots("https://b.example/robots.txt", failed)
    assert store.robots_answers() == {
        "https://a.example/robots.txt": rules,
        "https://b.example/robots.txt": failed,
    }
    newer = RobotsAnswer(404, "", NOW + timedelta(days=1))
    store.save_robots("https://a.example/robots.txt", newer)
    assert store.robots_answers()["https://a.example/robots.txt"] == newer


def test_plans_from_several_threads_at_once(database):
    """Each thread opens its own store (as the service's polls do) and applies plans that
    overlap with the others': every key once, counters that match the rows."""
    sources = ["s0", "s1", "s2"]
    with open_store(database) as store:
        for source in sources:
            store.ensure_source(source, NOW)
    errors: list[BaseException] = []
    start = threading.Barrier(6)

    def work(number: int) -> None:
        source = sources[number % 3]
        try:
            with open_store(database) as mine:
                start.wait(timeout=30)
                for batch in range(5):
                    keys = [f"k{batch}-{n}" for n in range(number % 2, 8, 1 + number % 2)]
                    new = [item(k, source=source) for k in keys]
                    mine.apply(plan(*new, source=source, end=PollEnd(ok=True, added=len(new))))
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    with open_store(database) as store:
        for source in sources:
            status = store.source_status(source)
            stored = store.feed_items(source, 1000)
            assert len(stored) == len({i.key for i in stored}) == 40
            assert status.items_seen == status.items_published == 40
            assert status.polls == 10


# --- issue 18: the WebSub hub's subscriptions and queue, and a source's notice --------------

TOPIC = "https://feeds.example/feeds/s.rss"
OTHER = "https://feeds.example/feeds/s.atom"


def intent(callback="https://reader.example/cb/1", *, topic=TOPIC, mode="subscribe", when=NOW):
    from feeds.models import HubIntent

    return HubIntent(topic, callback, mode, 3600 if mode == "subscribe" else 0, "sekrit", when)


def subscribed(store, *intents, now=NOW):
    for one in intents:
        store.hub_request(one)
    claimed = store.hub_claim_intents(now, now + timedelta(minutes=2), 100)
    for one in claimed:
        store.hub_verified(one, now)
    return claimed


def test_a_verified_request_subscribes_renews_and_unsubscribes(store):
    first = intent()
    store.hub_request(first)
    assert store.hub_subscriptions(NOW) == []  # nothing before the callback confirms
    (claimed,) = store.hub_claim_intents(NOW, NOW + timedelta(minutes=2), 10)
    assert claimed == first
    # Held: a second worker finds nothing until the claim runs out.
    assert store.hub_claim_intents(NOW, NOW + timedelta(minutes=2), 10) == []
    assert store.hub_claim_intents(NOW + timedelta(minutes=3), NOW, 10) == [first]
    store.hub_verified(claimed, NOW)
    (live,) = store.hub_subscriptions(NOW)
    assert (live.topic, live.callback, live.secret, live.lease_seconds) == (
        TOPIC,
        first.callback,
        "sekrit",
        3600,
    )
    assert live.expires == NOW + timedelta(hours=1)
    assert store.hub_claim_intents(NOW + timedelta(hours=1), NOW, 10) == []  # done with
    later = NOW + timedelta(minutes=30)
    subscribed(store, intent(when=later), now=later)  # renewal: a new lease from now
    (live,) = store.hub_subscriptions(NOW)
    assert live.expires == later + timedelta(hours=1)
    subscribed(store, intent(mode="unsubscribe", when=later), now=later)
    assert store.hub_subscriptions(NOW) == []


def test_a_newer_request_replaces_a_pending_one_and_survives_the_older_verification(store):
    old, new = intent(when=NOW), intent(mode="unsubscribe", when=NOW + timedelta(seconds=5))
    store.hub_request(old)
    (claimed,) = store.hub_claim_intents(NOW, NOW + timedelta(minutes=2), 10)
    store.hub_request(new)  # while the old one is being verified
    store.hub_forget(claimed)  # its verification failed
    (pending,) = store.hub_claim_intents(NOW + timedelta(seconds=5), NOW, 10)
    assert pending == new


def test_counts_for_the_limits(store):
    subscribed(store, intent("https://reader.example/cb/1"), intent("https://reader.example/cb/2"))
    store.hub_request(intent("https://Reader.example/cb/3", topic=OTHER))
    store.hub_request(intent("https://other.example/cb", topic=OTHER))
    counts = store.hub_counts(TOPIC, "https://reader.example/cb/9", NOW)
    assert (counts.topic, counts.host, counts.known) == (2, 3, False)
    assert store.hub_counts(OTHER, "https://Reader.example/cb/3", NOW).known
    # An expired subscription counts no more.
    later = store.hub_counts(TOPIC, "https://reader.example/cb/1", NOW + timedelta(hours=2))
    assert (later.topic, later.host, later.known) == (0, 1, False)


def test_deliveries_are_queued_claimed_retried_and_done(store):
    subscribed(store, intent("https://reader.example/cb/1"), intent("https://reader.example/cb/2"))
    subscribed(store, intent("https://reader.example/cb/3", topic=OTHER))
    assert store.hub_queue([TOPIC], NOW) == 2
    hold = NOW + timedelta(minutes=2)
    claimed = store.hub_claim_deliveries(NOW, hold, 10)
    assert sorted(d.subscription.callback for d in claimed) == [
        "https://reader.example/cb/1",
        "https://reader.example/cb/2",
    ]
    assert all((d.attempts, d.changes, d.subscription.secret) == (0, 1, "sekrit") for d in claimed)
    assert store.hub_claim_deliveries(NOW, hold, 10) == []  # held
    done, failing = sorted(claimed, key=lambda d: d.subscription.callback)
    store.hub_delivered(done, NOW)
    store.hub_retry(failing, NOW + timedelta(seconds=30), "fetch: 500")
    assert store.hub_claim_deliveries(NOW + timedelta(seconds=29), hold, 10) == []
    (again,) = store.hub_claim_deliveries(NOW + timedelta(seconds=30), hold, 10)
    assert (again.subscription.callback, again.attempts) == (failing.subscription.callback, 1)
    # A change while it is failing keeps its backoff: it is not made due at once.
    store.hub_retry(again, NOW + timedelta(minutes=5), "fetch: 500")
    store.hub_queue([TOPIC], NOW + timedelta(minutes=1))
    due = store.hub_claim_deliveries(NOW + timedelta(minutes=4), NOW + timedelta(hours=1), 10)
    assert [d.subscription.callback for d in due] == [done.subscription.callback]  # anew
    (failed,) = store.hub_claim_deliveries(NOW + timedelta(minutes=5), hold, 10)
    assert (failed.attempts, failed.changes) == (2, 2)


def test_a_change_during_a_delivery_is_delivered_again(store):
    subscribed(store, intent())
    store.hub_queue([TOPIC], NOW)
    (delivery,) = store.hub_claim_deliveries(NOW, NOW + timedelta(minutes=2), 10)
    store.hub_queue([TOPIC], NOW)  # the feed changed again while it was being sent
    store.hub_delivered(delivery, NOW)
    (again,) = store.hub_claim_deliveries(NOW, NOW + timedelta(minutes=2), 10)
    assert (again.attempts, again.changes) == (0, 1)
    store.hub_delivered(again, NOW)
    assert store.hub_claim_deliveries(NOW + timedelta(hours=1), NOW, 10) == []


def test_dropped_and_expired_subscriptions_take_their_deliveries(store):
    subscribed(store, intent("https://reader.example/cb/1"), intent("https://reader.example/cb/2"))
    store.hub_queue([TOPIC], NOW)
    store.hub_drop(TOPIC, "https://reader.example/cb/1")
    (left,) = store.hub_subscriptions(NOW)
    assert left.callback == "https://reader.example/cb/2"
    (owed,) = store.hub_claim_deliveries(NOW, NOW, 10)
    assert owed.subscription.callback == left.callback
    # Not queued, not claimed, then removed once the lease is over.
    end = NOW + timedelta(hours=1)
    assert store.hub_queue([TOPIC], end) == 0
    assert store.hub_claim_deliveries(end, end, 10) == []
    assert store.hub_expire(end) == 1
    assert store.hub_subscriptions(NOW) == []


def test_a_notice_is_saved_replaced_and_removed(store):
    from feeds.models import Notice

    assert store.notice("s") is None
    failing = Notice("failing", "fetch: 503 Service Unavailable", NOW, NOW)
    store.save_notice("s", failing)
    assert store.notice("s") == failing
    degraded = Notice("degraded", "selectors match nothing", NOW, NOW + timedelta(hours=1))
    store.save_notice("s", degraded)
    assert store.notice("s") == degraded
    store.save_notice("s", None)
    assert store.notice("s") is None


def test_the_backlog_a_poll_leaves_is_kept_until_a_poll_reads_it(store):
    assert store.backlog("s") == 0
    store.apply(plan(end=PollEnd(ok=True, added=4, backlog=7)))
    assert store.backlog("s") == 7
    store.apply(plan(end=PollEnd(ok=False, error="fetch: 503")))  # a failure keeps it
    assert store.backlog("s") == 7
    store.apply(plan(end=PollEnd(ok=True, added=4, backlog=0)))
    assert store.backlog("s") == 0


def test_the_process_of_the_last_poll_is_recorded_with_its_outcome(store):
    """Issue 16: which instance (``host:pid``) polled a source last, success or failure."""
    store.ensure_source("never", NOW)
    assert store.source_status("s").polled_by is None
    store.apply(plan(end=PollEnd(ok=True, added=1, polled_by="web-1:31")))
    assert store.source_status("s").polled_by == "web-1:31"
    store.apply(plan(item("a")))  # a batch of a poll under way leaves it
    assert store.source_status("s").polled_by == "web-1:31"
    store.apply(plan(end=PollEnd(ok=False, error="fetch: 503", polled_by="web-2:7")))
    assert store.source_status("s").polled_by == "web-2:7"
    statuses = store.statuses()
    assert (statuses["s"].polled_by, statuses["never"].polled_by) == ("web-2:7", None)
