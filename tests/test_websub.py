"""The WebSub hub's pure decisions (feeds/websub.py), without fixtures, and the hub links of
the rendered feeds as a reader's parser sees them."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import feedparser
import pytest

from feeds.hub import Hub
from feeds.models import FeedMeta, HubCounts, HubIntent, Settings
from feeds.render import render
from feeds.websub import (
    DEFAULT_LEASE,
    MAX_LEASE,
    MAX_PER_HOST,
    MAX_PER_TOPIC,
    RETRY_MAX,
    Refusal,
    advertised,
    confirmed,
    grant_lease,
    limit_problem,
    link_header,
    next_try,
    parse_form,
    publish_form,
    read_request,
    signature,
    topics,
    verification_url,
)

NOW = datetime(2024, 12, 14, 2, 0, tzinfo=UTC)
BASE = "https://feeds.example/"
SERVED = topics(BASE, ["news"])
TOPIC = "https://feeds.example/feeds/news.atom"
FORM = "application/x-www-form-urlencoded"


def settings(**changes) -> Settings:
    plain = Settings(
        output_dir=Path("public"),
        data_dir=Path("data"),
        base_url=BASE,
        user_agent="feeds-tests",
        timezone="UTC",
        timeout=10,
        host_concurrency=4,
        host_interval=0,
    )
    return replace(plain, **changes)


def request(allow_private=False, min_lease=300, **fields):
    form = {
        "hub.mode": ["subscribe"],
        "hub.topic": [TOPIC],
        "hub.callback": ["https://r.example/cb"],
    }
    form.update({f"hub.{name}": [value] for name, value in fields.items()})
    return read_request(
        form, served=SERVED, now=NOW, min_lease=min_lease, allow_private=allow_private
    )


def test_the_hubs_a_feed_names_ours_first_then_the_external_ones():
    assert advertised(settings()) == ("https://feeds.example/hub",)
    external = ("https://pubsubhubbub.example.com/", "https://feeds.example/hub")
    assert advertised(settings(websub_hubs=external)) == (
        "https://feeds.example/hub",
        "https://pubsubhubbub.example.com/",
    )
    assert advertised(settings(websub=False)) == ()
    assert advertised(settings(websub=False, websub_hubs=external[:1])) == external[:1]


def test_topics_are_the_feed_urls_and_nothing_else():
    assert SERVED == {
        "https://feeds.example/feeds/news.rss": ("news", "rss"),
        "https://feeds.example/feeds/news.atom": ("news", "atom"),
        "https://feeds.example/feeds/news.json": ("news", "json"),
    }


def test_the_link_header():
    assert link_header(["https://h.example/hub"], TOPIC) == (
        f'<https://h.example/hub>; rel="hub", <{TOPIC}>; rel="self"'
    )


def test_a_subscription_request_is_read_with_its_lease_and_secret():
    intent = request(lease_seconds="3600", secret="s3cret", unknown="ignored")
    assert intent == HubIntent(TOPIC, "https://r.example/cb", "subscribe", 3600, "s3cret", NOW)
    quit = read_request(
        {
            "hub.mode": ["unsubscribe"],
            "hub.topic": [TOPIC],
            "hub.callback": ["https://r.example/cb"],
        },
        served=SERVED,
        now=NOW,
        min_lease=300,
        allow_private=False,
    )
    assert (quit.mode, quit.lease_seconds, quit.secret) == ("unsubscribe", 0, None)


@pytest.mark.parametrize(
    ("fields", "status", "words"),
    [
        ({"mode": "publish"}, 400, "publishes its own feeds"),
        ({"mode": "sub"}, 400, "write subscribe or unsubscribe"),
        ({"topic": "https://elsewhere.example/feed.xml"}, 400, "not a feed of this server"),
        ({"topic": "https://feeds.example/feeds/other.rss"}, 400, "not a feed of this server"),
        ({"callback": ""}, 400, "hub.callback is missing"),
        ({"callback": "ftp://r.example/cb"}, 400, "only http and https"),
        ({"callback": "https://r.example/cb#x"}, 400, "#fragment"),
        ({"callback": "https://r.example/" + "a" * 3000}, 400, "longer than"),
        ({"callback": "http://127.0.0.2:8080/cb"}, 403, "loopback"),
        ({"callback": "http://[::ffff:10.0.0.1]/cb"}, 403, "private"),
        ({"callback": "http://169.254.169.254/latest"}, 403, "link-local"),
        ({"secret": "x" * 200}, 400, "less than 200 bytes"),
        ({"lease_seconds": "soon"}, 400, "whole number"),
    ],
)
def test_a_request_is_refused_with_the_reason(fields, status, words):
    refusal = request(**fields)
    assert isinstance(refusal, Refusal)
    assert refusal.status == status and words in refusal.reason


def test_an_internal_callback_is_taken_when_the_operator_allows_private_networks():
    intent = request(allow_private=True, callback="http://127.0.0.1:9000/cb?x=1")
    assert isinstance(intent, HubIntent) and intent.host == "127.0.0.1"


def test_leases_within_bounds():
    assert grant_lease("", 300) == DEFAULT_LEASE
    assert grant_lease("60", 300) == 300
    assert grant_lease("3600", 300) == 3600
    assert grant_lease(str(10**9), 300) == MAX_LEASE
    assert grant_lease("3", 2) == 3  # the test hook: settings.websub_min_lease


def test_forms_must_be_url_encoded():
    assert parse_form(b"hub.mode=subscribe&hub.topic=x", FORM) == {
        "hub.mode": ["subscribe"],
        "hub.topic": ["x"],
    }
    assert parse_form(b"{}", "application/json").status == 400
    assert parse_form(b"\xff", FORM).status == 400
    assert parse_form(b"&".join(b"a%d=1" % n for n in range(40)), FORM).status == 400


def test_limits_refuse_new_pairs_only():
    assert limit_problem(HubCounts(topic=0, host=0, known=False)) is None
    assert limit_problem(HubCounts(topic=MAX_PER_TOPIC, host=0, known=False)).status == 429
    assert limit_problem(HubCounts(topic=0, host=MAX_PER_HOST, known=False)).status == 429
    assert limit_problem(HubCounts(topic=MAX_PER_TOPIC, host=MAX_PER_HOST, known=True)) is None


def test_the_verification_url_keeps_the_callbacks_own_query():
    intent = HubIntent(TOPIC, "https://r.example/cb?user=7", "subscribe", 600, None, NOW)
    url = verification_url(intent, "chal lenge")
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("r.example", "/cb")
    assert parse_qs(parts.query) == {
        "user": ["7"],
        "hub.mode": ["subscribe"],
        "hub.topic": [TOPIC],
        "hub.challenge": ["chal lenge"],
        "hub.lease_seconds": ["600"],
    }
    gone = verification_url(replace(intent, mode="unsubscribe", lease_seconds=0), "c")
    assert "hub.lease_seconds" not in gone


def test_only_the_challenge_confirms():
    assert confirmed(200, b"abc", "abc")
    assert confirmed(204, b"abc\n", "abc")
    assert not confirmed(200, b"", "abc")
    assert not confirmed(200, b"abcd", "abc")
    assert not confirmed(404, b"abc", "abc")
    assert not confirmed(302, b"abc", "abc")


def test_the_signature_is_the_hmac_sha256_of_the_body():
    body = "<feed>新</feed>".encode()
    expected = hmac.new(b"key", body, hashlib.sha256).hexdigest()
    assert signature("key", body) == f"sha256={expected}"


def test_retries_back_off_until_the_lease_ends():
    expires = NOW + timedelta(days=1)
    delays = [(next_try(n, NOW, expires) - NOW).total_seconds() for n in range(1, 14)]
    assert delays[:4] == [2, 4, 8, 16]
    assert max(delays) == RETRY_MAX and delays == sorted(delays)
    assert next_try(1, NOW, NOW + timedelta(seconds=2)) is None  # dead: past the lease
    assert next_try(1, NOW, NOW + timedelta(seconds=3)) == NOW + timedelta(seconds=2)


def test_a_publish_ping():
    assert parse_qs(publish_form(TOPIC).decode()) == {
        "hub.mode": ["publish"],
        "hub.url": [TOPIC],
    }


def test_every_format_names_its_hubs_and_itself_for_a_reader():
    hubs = ("https://feeds.example/hub", "https://pubsubhubbub.example.com/")
    meta = FeedMeta(
        id="news",
        title="News",
        home_url="https://site.example/",
        description="d",
        self_urls={
            fmt: f"https://feeds.example/feeds/news.{fmt}" for fmt in ("rss", "atom", "json")
        },
        updated=NOW,
        hubs=hubs,
    )
    rendered = render(meta, [])
    for fmt in ("rss", "atom"):
        links = feedparser.parse(rendered[fmt]).feed.links
        assert [link.href for link in links if link.rel == "hub"] == list(hubs), fmt
        assert meta.self_urls[fmt] in [link.href for link in links if link.rel == "self"]
    import json

    assert json.loads(rendered["json"])["hubs"] == [{"type": "WebSub", "url": h} for h in hubs]
    plain = render(replace(meta, hubs=()), [])
    assert all(b"hub" not in data for data in plain.values())


def test_a_feeds_link_header_follows_the_settings_in_force() -> None:
    # Made once per feed and kept (it is asked per request), until a reload replaces them.
    base = settings(base_url="https://a.example/")
    current = [base]
    hub = Hub(lambda: (current[0], []))
    own = '<https://a.example/hub>; rel="hub", <https://a.example/feeds/x.rss>; rel="self"'
    assert hub.links("x", "rss") == own
    assert hub.links("x", "atom") == own.replace("x.rss", "x.atom")
    current[0] = replace(base, websub=False, websub_hubs=("https://h.example/",))
    external = '<https://h.example/>; rel="hub", <https://a.example/feeds/x.rss>; rel="self"'
    assert hub.links("x", "rss") == external
    current[0] = replace(base, websub=False)
    assert hub.links("x", "rss") is None
