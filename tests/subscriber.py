"""A WebSub subscriber written from the W3C Recommendation (23 January 2018), independent of
the hub's code (nothing of ``feeds`` is imported): its own HTTP server on 127.0.0.1.

It behaves as the readers that speak WebSub do:
- discovery (§4): the topic's HTTP ``Link`` headers, else the feed's own ``rel="hub"`` and
  ``rel="self"`` links (FreshRSS reads the feed's links);
- subscription (§5.1): a form POST to the hub with ``hub.callback``, ``hub.mode``,
  ``hub.topic``, and optionally ``hub.lease_seconds`` and ``hub.secret``; a callback URL per
  subscription, by path or, as FreshRSS does (``p/api/pshb.php?k=<key>``, sent with the
  PubSubHubbub 0.3 field ``hub.verify=sync``, no secret, no lease), by a key in its query;
- verification (§5.3): a GET is confirmed by echoing ``hub.challenge`` only when mode and
  topic are a request this subscriber made, else 404;
- content distribution (§7): a POST is answered 2xx; with a secret, ``X-Hub-Signature`` is
  checked (§8) and a delivery whose signature does not match is recorded as invalid.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lxml import etree


@dataclass
class Delivery:
    body: bytes
    headers: dict[str, str]
    at: float  # time.time() when it arrived
    signature_ok: bool | None  # None: no secret, nothing to check


@dataclass
class Callback:
    """One subscription as the subscriber keeps it."""

    topic: str
    secret: str | None = None
    status: int = 204  # what deliveries are answered
    wanted: set[str] = field(default_factory=set)  # modes asked for, not yet confirmed
    verified: list[dict[str, str]] = field(default_factory=list)  # the hub's GETs, confirmed
    refused: list[dict[str, str]] = field(default_factory=list)  # GETs not agreed to
    deliveries: list[Delivery] = field(default_factory=list)


class Subscriber:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self.callbacks: dict[str, Callback] = {}
        self.requests = 0  # every request that reached the server, of any kind
        self.lock = threading.Lock()
        handler = type("Handler", (_Handler,), {"subscriber": self})
        self.server = ThreadingHTTPServer((host, 0), handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, name: str, host: str = "127.0.0.1", *, keyed: bool = False) -> str:
        """A callback per subscription: by path, or FreshRSS's way, a key in the query
        (``/api/pshb.php?k=<key>``), which the hub must keep when it adds its own."""
        if keyed:
            return f"http://{host}:{self.port}/api/pshb.php?k={name}"
        return f"http://{host}:{self.port}/callback/{name}"

    # -- §4 discovery ------------------------------------------------------------------

    @staticmethod
    def discover(topic_url: str) -> tuple[list[str], str]:
        """(hubs, self URL) of a topic: its Link headers first, else the feed's links."""
        with urllib.request.urlopen(topic_url, timeout=10) as response:
            links = response.headers.get_all("Link") or []
            body = response.read()
        hubs, self_url = [], None
        for value in ",".join(links).split(","):
            if ";" not in value:
                continue
            target, params = value.split(";", 1)
            rel = params.split("rel=", 1)[-1].strip().strip('"')
            href = target.strip().strip("<>")
            if rel == "hub":
                hubs.append(href)
            elif rel == "self":
                self_url = href
        if not hubs:  # the document's own links (Atom <link>, RSS <atom:link>)
            root = etree.fromstring(body)
            for link in root.iter("{http://www.w3.org/2005/Atom}link"):
                if link.get("rel") == "hub":
                    hubs.append(link.get("href"))
                elif link.get("rel") == "self":
                    self_url = link.get("href")
        assert self_url, f"{topic_url} names no rel=self"
        return hubs, self_url

    # -- §5.1 subscription -------------------------------------------------------------

    def request(
        self,
        hub: str,
        topic: str,
        name: str,
        *,
        mode: str = "subscribe",
        secret: str | None = None,
        lease: int | None = None,
        callback_host: str = "127.0.0.1",
        keyed: bool = False,
        extra: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        """Ask the hub; (status, body) of its answer. The callback is registered first, so
        the hub's verification can come before the answer does."""
        with self.lock:
            callback = self.callbacks.setdefault(name, Callback(topic, secret))
            callback.wanted.add(mode)
            if secret is not None:
                callback.secret = secret
        callback_url = self.url(name, callback_host, keyed=keyed)
        form = {"hub.callback": callback_url, "hub.mode": mode, "hub.topic": topic, **(extra or {})}
        if secret is not None:
            form["hub.secret"] = secret
        if lease is not None:
            form["hub.lease_seconds"] = str(lease)
        data = urllib.parse.urlencode(form).encode()
        req = urllib.request.Request(hub, data=data, method="POST")
        req.add_header("Content-Type", "application/x-www-form-urlencoded")
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def wait(self, predicate, timeout: float = 30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                value = predicate()
            if value:
                return value
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {predicate}")


class _Handler(BaseHTTPRequestHandler):
    subscriber: Subscriber

    def log_message(self, format, *args):
        pass

    def _callback(self) -> tuple[str, Callback | None, dict[str, str]]:
        parts = urllib.parse.urlsplit(self.path)
        query = {k: v[0] for k, v in urllib.parse.parse_qs(parts.query).items()}
        name = query.get("k") or parts.path.rsplit("/", 1)[-1]
        with self.subscriber.lock:
            self.subscriber.requests += 1
            return name, self.subscriber.callbacks.get(name), query

    def _answer(self, status: int, body: bytes = b"") -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # §5.3 verification of intent
        _, callback, query = self._callback()
        mode, topic = query.get("hub.mode"), query.get("hub.topic")
        with self.subscriber.lock:
            agreed = callback is not None and topic == callback.topic and mode in callback.wanted
            if callback is not None:
                (callback.verified if agreed else callback.refused).append(query)
                if agreed:
                    callback.wanted.discard(mode)
        if not agreed:
            self._answer(404)
            return
        self._answer(200, query["hub.challenge"].encode())

    def do_POST(self):  # §7 content distribution
        _, callback, _ = self._callback()
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if callback is None:
            self._answer(404)
            return
        signature_ok = None
        if callback.secret is not None:
            method, _, given = (self.headers.get("X-Hub-Signature") or "").partition("=")
            algorithm = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "sha512": hashlib.sha512}
            digest = algorithm.get(method)
            expected = (
                hmac.new(callback.secret.encode(), body, digest).hexdigest() if digest else ""
            )
            signature_ok = bool(given) and hmac.compare_digest(expected, given)
        with self.subscriber.lock:
            headers = {k.lower(): v for k, v in self.headers.items()}
            callback.deliveries.append(Delivery(body, headers, time.time(), signature_ok))
            status = callback.status
        self._answer(status)
