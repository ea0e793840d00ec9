"""WebSub (W3C Recommendation, 23 January 2018), the hub's pure decisions: which hubs a
feed advertises, what a subscription request asks for and whether it is allowed, the lease
granted, the verification URL and its answer, the signature of a delivery and when a failed
delivery is tried again. ``hub.py`` does the I/O.

The hub serves only its own topics, the feed URLs of the configured sources (``formats.
feed_url``), so it is never an open relay; a callback is a URL a stranger gives us, so it
goes through the same egress rules as every fetch (``Fetcher.send``), and a literal internal
address is refused at once, before any request (a name that resolves to one is refused at
connect time).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

from feeds.formats import FORMATS, feed_url
from feeds.guard import address_problem, parse_ip, scheme_problem
from feeds.models import HubCounts, HubIntent, Settings

HUB_PATH = "hub"  # the hub's address is <base_url>hub
DEFAULT_LEASE = 86400  # a day, when the subscriber asks for none
MAX_LEASE = 10 * 86400  # ten days: a subscriber that vanished stops costing requests
MAX_SECRET_BYTES = 199  # §5.1: "MUST be less than 200 bytes"
MAX_CALLBACK = 2048  # characters
MAX_PER_TOPIC = 1000  # subscriptions (and pending requests) of one feed
MAX_PER_HOST = 100  # subscriptions (and pending requests) whose callback is on one host
REQUEST_BYTES = 16 * 1024  # a subscription request's body
REPLY_BYTES = 64 * 1024  # what is read of a callback's answer
RETRY_FIRST = 2  # seconds before the first retry of a failed delivery; doubled each time
RETRY_MAX = 3600  # at most an hour between tries, until the lease ends
MODES = ("subscribe", "unsubscribe")


@dataclass(frozen=True)
class Refusal:
    """A request the hub does not accept: its HTTP status and why (with what to do)."""

    status: int
    reason: str


def hub_url(base_url: str) -> str:
    return f"{base_url}{HUB_PATH}"


def advertised(settings: Settings) -> tuple[str, ...]:
    """The hubs every feed names (rel="hub"): ours when ``settings.websub``, then the
    external ones of ``settings.websub_hubs``."""
    own = (hub_url(settings.base_url),) if settings.websub else ()
    return tuple(dict.fromkeys((*own, *settings.websub_hubs)))


def topics(base_url: str, source_ids: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Topic URL -> (source id, format): the only topics this hub serves."""
    return {
        feed_url(base_url, source_id, fmt): (source_id, fmt)
        for source_id in source_ids
        for fmt in FORMATS
    }


def link_header(hubs: Iterable[str], self_url: str) -> str:
    """The HTTP Link header of a topic and of its deliveries (§4, §7)."""
    links = [f'<{hub}>; rel="hub"' for hub in hubs] + [f'<{self_url}>; rel="self"']
    return ", ".join(links)


def parse_form(body: bytes, content_type: str) -> Mapping[str, list[str]] | Refusal:
    """The fields of a subscription request (§5.1: a form, url-encoded)."""
    if content_type.split(";")[0].strip().lower() != "application/x-www-form-urlencoded":
        return Refusal(
            400, "send the request as a form (Content-Type: application/x-www-form-urlencoded)"
        )
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=32)
    except (UnicodeDecodeError, ValueError) as e:
        return Refusal(400, f"the form cannot be read ({e}): send at most 32 UTF-8 fields")


def read_request(
    form: Mapping[str, list[str]],
    *,
    served: Collection[str],
    now: datetime,
    min_lease: int,
    allow_private: bool,
) -> HubIntent | Refusal:
    """What a subscriber asks for (§5.1), or why it is refused. Unknown fields are ignored
    (§5.1: "Hubs MUST ignore additional request parameters they do not understand")."""

    def field(name: str) -> str:
        values = form.get(name) or [""]
        return values[0].strip()

    mode, topic, callback = field("hub.mode"), field("hub.topic"), field("hub.callback")
    if mode == "publish":
        return Refusal(400, "hub.mode=publish: this hub publishes its own feeds, after each poll")
    if mode not in MODES:
        return Refusal(400, f"hub.mode {mode!r}: write subscribe or unsubscribe")
    if topic not in served:
        return Refusal(
            400,
            f"hub.topic {topic!r} is not a feed of this server "
            '(subscribe to the rel="self" URL a feed gives)',
        )
    problem = callback_problem(callback, allow_private)
    if problem is not None:
        return problem
    secret = field("hub.secret") or None
    if secret is not None and len(secret.encode("utf-8")) > MAX_SECRET_BYTES:
        return Refusal(400, f"hub.secret must be less than {MAX_SECRET_BYTES + 1} bytes (§5.1)")
    lease = grant_lease(field("hub.lease_seconds"), min_lease) if mode == "subscribe" else 0
    if isinstance(lease, Refusal):
        return lease
    return HubIntent(topic, callback, mode, lease, secret, now)


def callback_problem(callback: str, allow_private: bool) -> Refusal | None:
    """Why a callback is refused before any request, or None."""
    if not callback:
        return Refusal(400, "hub.callback is missing (the URL we confirm and deliver to)")
    if len(callback) > MAX_CALLBACK:
        return Refusal(400, f"hub.callback is longer than {MAX_CALLBACK} characters")
    why = scheme_problem(callback)
    if why is not None:
        return Refusal(400, f"hub.callback: {why}")
    parts = urlsplit(callback)
    if parts.fragment:
        return Refusal(400, "hub.callback has a #fragment, which HTTP never sends: remove it")
    address = parse_ip(parts.hostname or "")
    problem = address_problem(str(address)) if address is not None else None
    if problem is not None and not allow_private:
        return Refusal(
            403,
            f"hub.callback: {problem}; this hub delivers only to public addresses "
            "(its operator may set settings.allow_private_networks = true)",
        )
    return None


def grant_lease(requested: str, min_lease: int) -> int | Refusal:
    """The lease granted: the one asked for within [min_lease, MAX_LEASE], else a day."""
    if not requested:
        return max(min_lease, min(DEFAULT_LEASE, MAX_LEASE))
    if not requested.isdigit():
        return Refusal(400, f"hub.lease_seconds {requested!r}: write a whole number of seconds")
    return max(min_lease, min(int(requested), MAX_LEASE))


def limit_problem(counts: HubCounts) -> Refusal | None:
    """A new pair over a limit is refused; a known one may always renew or unsubscribe."""
    if counts.known:
        return None
    if counts.topic >= MAX_PER_TOPIC:
        return Refusal(429, f"this feed has {MAX_PER_TOPIC} subscriptions, the most it takes")
    if counts.host >= MAX_PER_HOST:
        return Refusal(
            429, f"the callback's host has {MAX_PER_HOST} subscriptions, the most one host takes"
        )
    return None


def verification_url(intent: HubIntent, challenge: str) -> str:
    """The callback with the verification's parameters added to its own query (§5.3)."""
    params = {"hub.mode": intent.mode, "hub.topic": intent.topic, "hub.challenge": challenge}
    if intent.mode == "subscribe":
        params["hub.lease_seconds"] = str(intent.lease_seconds)
    parts = urlsplit(intent.callback)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return parts._replace(query=query).geturl()


def confirmed(status: int, body: bytes, challenge: str) -> bool:
    """§5.3.1: a 2xx whose body is the challenge (surrounding whitespace forgiven)."""
    return 200 <= status < 300 and body.strip() == challenge.encode("ascii")


def signature(secret: str, body: bytes) -> str:
    """The X-Hub-Signature of a delivery (§7.1)."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def next_try(failures: int, now: datetime, expires: datetime) -> datetime | None:
    """When a delivery that failed ``failures`` times in a row is tried again; None when
    that would be past the lease: the callback is dead and its subscription dropped."""
    delay = min(RETRY_FIRST * 2 ** max(0, failures - 1), RETRY_MAX)
    when = now + timedelta(seconds=delay)
    return when if when < expires else None


def publish_form(topic: str) -> bytes:
    """A ping to an external hub: this topic changed (the de-facto hub.mode=publish)."""
    return urlencode({"hub.mode": "publish", "hub.url": topic}).encode("ascii")
