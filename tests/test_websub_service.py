"""`feeds run` as a WebSub hub, against a subscriber written from the Recommendation
(tests/subscriber.py, its own HTTP server), all on 127.0.0.1 over real HTTP.

The subscribers here do what FreshRSS does (p/api/pshb.php: a callback keyed in its query,
hub.verify=sync, no secret and no lease, the challenge echoed, 410 Gone once nobody reads the
feed) and what the Recommendation allows besides (a secret whose signature they check, a
lease); the hub's answers and requests follow the Recommendation."""

from __future__ import annotations

import json
import signal
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import ClassVar

import feedparser
import pytest
from helpers import destoon_source, free_port, service, stored, wait_for, write_config
from subscriber import Subscriber


@pytest.fixture
def subscriber():
    running = Subscriber()
    yield running
    running.close()


def hub_config(tmp_path, portal, port: int, *, private: bool = True, extra: str = ""):
    source = destoon_source(portal.url("news/"), include="[]").replace(
        "max_pages = 1", 'max_pages = 1\nevery = "3s"'
    )
    settings = (
        f'base_url = "http://127.0.0.1:{port}/"\n'
        f"allow_private_networks = {str(private).lower()}\n"
        # The test hook: leases of seconds (the hub's floor is this setting, at least 1 s).
        'websub_min_lease = "1s"\n' + extra
    )
    return write_config(tmp_path, source, settings=settings)


def published_titles(tmp_path) -> list[str]:
    path = tmp_path / "public" / "sample.json"
    return [item["title"] for item in json.loads(path.read_text("utf-8"))["items"]]


def titles_of(body: bytes) -> list[str]:
    return [entry.title for entry in feedparser.parse(body).entries]


def test_subscribe_verify_deliver_signed_then_none_after_unsubscribe_or_lease_end(
    portal, tmp_path, subscriber
):
    port = free_port()
    config = hub_config(tmp_path, portal, port)
    topic = f"http://127.0.0.1:{port}/feeds/sample.atom"
    with service(config, port=port) as proc:
        wait_for(lambda: (tmp_path / "public" / "sample.atom").exists())
        # §4: the feed names the hub and itself, in its Link header and in the document.
        hubs, self_url = subscriber.discover(topic)
        assert hubs == [proc.base + "hub"] and self_url == topic
        body = (tmp_path / "public" / "sample.atom").read_bytes()
        assert f'<link href="{proc.base}hub" rel="hub"/>'.encode() in body
        hub = hubs[0]

        # Three readers: signed with a lease, FreshRSS-like (no secret, no lease), and one
        # that will unsubscribe. The hub answers 202 and confirms with the callback.
        assert subscriber.request(hub, topic, "signed", secret="s3cret", lease=600)[0] == 202
        freshrss = {"hub.verify": "sync"}  # FreshRSS's request: a keyed callback, no secret
        assert subscriber.request(hub, topic, "plain", keyed=True, extra=freshrss)[0] == 202
        assert subscriber.request(hub, topic, "leaver", lease=600)[0] == 202
        for name in ("signed", "plain", "leaver"):
            subscriber.wait(lambda n=name: subscriber.callbacks[n].verified)
        check = subscriber.callbacks["signed"].verified[0]
        assert (check["hub.mode"], check["hub.topic"], check["hub.lease_seconds"]) == (
            "subscribe",
            topic,
            "600",
        )
        plain_check = subscriber.callbacks["plain"].verified[0]
        assert plain_check["hub.lease_seconds"] == "86400" and plain_check["k"] == "plain"

        # A poll that adds an item: the new document reaches every subscriber in seconds.
        portal.add_article("新模型发布，推送测试")
        first = subscriber.wait(lambda: subscriber.callbacks["signed"].deliveries)[0]
        written = (tmp_path / "public" / "sample.atom").stat().st_mtime
        assert first.at - written < 10, "delivered long after the poll wrote the feed"
        assert titles_of(first.body)[0] == "新模型发布，推送测试"
        assert first.signature_ok is True
        assert first.headers["content-type"] == "application/atom+xml; charset=utf-8"
        assert f'<{hub}>; rel="hub"' in first.headers["link"]
        assert f'<{topic}>; rel="self"' in first.headers["link"]
        plain = subscriber.wait(lambda: subscriber.callbacks["plain"].deliveries)[0]
        assert plain.signature_ok is None and "x-hub-signature" not in plain.headers
        subscriber.wait(lambda: subscriber.callbacks["leaver"].deliveries)

        # One unsubscribes; another subscribes with a lease of 2 s and lets it end.
        assert subscriber.request(hub, topic, "leaver", mode="unsubscribe")[0] == 202
        assert subscriber.request(hub, topic, "brief", lease=2)[0] == 202
        subscriber.wait(lambda: len(subscriber.callbacks["leaver"].verified) == 2)
        brief = subscriber.wait(lambda: subscriber.callbacks["brief"].verified)[0]
        assert brief["hub.lease_seconds"] == "2"
        time.sleep(3.5)  # past the brief lease

        portal.add_article("第二条推送测试")
        subscriber.wait(lambda: len(subscriber.callbacks["plain"].deliveries) == 2)
        subscriber.wait(lambda: len(subscriber.callbacks["signed"].deliveries) == 2)
        time.sleep(2)  # the hub sends to all in one round: a late one would be here by now
        assert titles_of(subscriber.callbacks["plain"].deliveries[1].body)[0] == "第二条推送测试"
        assert len(subscriber.callbacks["leaver"].deliveries) == 1
        assert subscriber.callbacks["brief"].deliveries == []
    with stored(tmp_path) as store:
        live = {s.callback for s in store.hub_subscriptions(datetime.now(UTC))}
    assert live == {subscriber.url("signed"), subscriber.url("plain", keyed=True)}


def test_callbacks_on_internal_addresses_are_refused_unless_allowed(portal, tmp_path, subscriber):
    """allow_private_networks off: the source's own configured site is still read, but a
    callback on a loopback address is refused, as a literal address at once (403) and as a
    name (localhost) at connect time, when the hub verifies: the subscriber, reachable and
    listening, never hears from the hub."""
    port = free_port()
    config = hub_config(tmp_path, portal, port, private=False)
    topic = f"http://127.0.0.1:{port}/feeds/sample.rss"
    with service(config, port=port) as proc:
        wait_for(lambda: (tmp_path / "public" / "sample.rss").exists())
        hub = proc.base + "hub"
        for host in ("127.0.0.1", "127.0.0.2"):
            status, reason = subscriber.request(hub, topic, "literal", callback_host=host)
            assert status == 403 and "loopback" in reason, reason
        assert subscriber.request(hub, topic, "named", callback_host="localhost")[0] == 202
        line = "refused: localhost resolves to 127.0.0.1"
        wait_for(lambda: line in proc.log.read_text(), timeout=30)
        portal.add_article("内部地址测试")
        wait_for(lambda: "内部地址测试" in published_titles(tmp_path), timeout=30)
        time.sleep(2)
    assert subscriber.requests == 0
    with stored(tmp_path) as store:
        assert store.hub_subscriptions(datetime.now(UTC)) == []


def test_a_dead_callback_is_retried_with_backoff_then_dropped(portal, tmp_path, subscriber):
    port = free_port()
    config = hub_config(tmp_path, portal, port)
    topic = f"http://127.0.0.1:{port}/feeds/sample.json"
    with service(config, port=port) as proc:
        wait_for(lambda: (tmp_path / "public" / "sample.json").exists())
        hub = proc.base + "hub"
        assert subscriber.request(hub, topic, "dead", lease=8)[0] == 202
        assert subscriber.request(hub, topic, "gone", lease=600)[0] == 202
        assert subscriber.request(hub, topic, "alive", lease=600)[0] == 202
        for name in ("dead", "gone", "alive"):
            subscriber.wait(lambda n=name: subscriber.callbacks[n].verified)
        subscriber.callbacks["dead"].status = 500  # a callback that fails every time
        subscriber.callbacks["gone"].status = 410  # §7: the subscriber deleted it
        portal.add_article("死回调测试")
        tries = subscriber.wait(lambda: len(subscriber.callbacks["dead"].deliveries) >= 2)
        tries = subscriber.callbacks["dead"].deliveries
        assert tries[1].at - tries[0].at >= 1.5  # backed off, not hammered
        # The lease ends before the next try: dropped, and nothing more is sent to it.
        wait_for(
            lambda: "dropped" in proc.log.read_text() and "/callback/dead" in proc.log.read_text()
        )
        count = len(subscriber.callbacks["dead"].deliveries)
        portal.add_article("死回调之后")
        subscriber.wait(lambda: len(subscriber.callbacks["alive"].deliveries) == 2)
        time.sleep(2)
        assert len(subscriber.callbacks["dead"].deliveries) == count
        assert len(subscriber.callbacks["gone"].deliveries) == 1  # dropped at its 410
    with stored(tmp_path) as store:
        live = {s.callback.rsplit("/", 1)[1] for s in store.hub_subscriptions(datetime.now(UTC))}
    assert live == {"alive"}


class _Hub(BaseHTTPRequestHandler):
    """An external hub (settings.websub_hubs) that records the pings it gets."""

    pings: ClassVar[list[dict[str, list[str]]]] = []

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        type(self).pings.append(urllib.parse.parse_qs(body.decode()))
        self.send_response(204)
        self.end_headers()


def test_subscriptions_survive_a_restart_and_external_hubs_are_pinged(portal, tmp_path, subscriber):
    external = ThreadingHTTPServer(("127.0.0.1", 0), type("Hub", (_Hub,), {"pings": []}))
    Thread(target=external.serve_forever, daemon=True).start()
    external_url = f"http://127.0.0.1:{external.server_address[1]}/"
    port = free_port()
    config = hub_config(tmp_path, portal, port, extra=f'websub_hubs = ["{external_url}"]\n')
    topic = f"http://127.0.0.1:{port}/feeds/sample.rss"
    try:
        with service(config, port=port) as proc:
            wait_for(lambda: (tmp_path / "public" / "sample.rss").exists())
            hubs, _ = subscriber.discover(topic)
            assert hubs == [proc.base + "hub", external_url]  # ours, then the external one
            assert subscriber.request(hubs[0], topic, "reader", secret="k")[0] == 202
            subscriber.wait(lambda: subscriber.callbacks["reader"].verified)
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
        with service(config, port=port):
            portal.add_article("重启之后的推送")
            delivery = subscriber.wait(lambda: subscriber.callbacks["reader"].deliveries)[0]
            assert titles_of(delivery.body)[0] == "重启之后的推送"
            assert delivery.signature_ok is True
            pinged = external.RequestHandlerClass.pings
            wait_for(lambda: len(pinged) >= 3, timeout=30)
        assert all(ping["hub.mode"] == ["publish"] for ping in pinged)
        assert {ping["hub.url"][0] for ping in pinged} >= {
            f"http://127.0.0.1:{port}/feeds/sample.{fmt}" for fmt in ("rss", "atom", "json")
        }
    finally:
        external.shutdown()
        external.server_close()


def test_the_hub_refuses_what_is_not_its_own(portal, tmp_path, subscriber):
    port = free_port()
    config = hub_config(tmp_path, portal, port)
    with service(config, port=port) as proc:
        hub = proc.base + "hub"
        status, reason = subscriber.request(hub, "https://elsewhere.example/feed", "x")
        assert status == 400 and "not a feed of this server" in reason
        request = urllib.request.Request(hub, data=b"{}", method="POST")
        request.add_header("Content-Type", "application/json")
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 400
        with pytest.raises(urllib.error.HTTPError) as too_big:
            big = urllib.request.Request(hub, data=b"a=" + b"x" * 20000, method="POST")
            urllib.request.urlopen(big, timeout=10)
        assert too_big.value.code == 413
    assert subscriber.requests == 0
