"""HTTP content negotiation and conditional requests, pure (no server, no files): which
representation a request asks for, and whether the client's copy is still current."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC
from email.utils import parsedate_to_datetime

from feeds.lazyre import lazy

# Readers poll a feed no sooner than it can change: half the source's interval, within
# bounds (a minute so that proxies still help, an hour so a new item is never held back long).
MIN_MAX_AGE, MAX_MAX_AGE = 60, 3600
# Content codings we send, best first on a tie of the client's weights: brotli is smaller.
CODINGS = ("br", "gzip")
# One entity-tag of an If-None-Match list; the group is the opaque tag, so a weak tag
# (W/"…") compares equal to our strong one, as RFC 9110's weak comparison requires.
_ENTITY_TAG = lazy(r'(?:W/)?("[^"]*")')


def max_age(every: int) -> int:
    return max(MIN_MAX_AGE, min(every // 2, MAX_MAX_AGE))


def etag_matches(if_none_match: str, etag: str) -> bool:
    """RFC 9110 If-None-Match: ``*`` or any listed tag equal under weak comparison."""
    if if_none_match.strip() == "*":
        return True  # the feed exists, which is all "*" asks
    return etag in _ENTITY_TAG.findall(if_none_match)


def _http_date(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None  # RFC 9110: an invalid date means the header is ignored
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp())


def not_modified(tags: list[str], modified_since: str | None, etag: str, mtime: int) -> bool:
    """Whether the client's copy (its If-None-Match values, its If-Modified-Since) is current."""
    # If-None-Match wins when present (RFC 9110 §13.2.2): dates are only one-second exact.
    if tags:
        return etag_matches(", ".join(tags), etag)
    since = _http_date(modified_since)
    return since is not None and mtime <= since


def _weights(header: str) -> dict[str, float]:
    """Media ranges or codings of an Accept-style header with their q weights (the highest
    when one is listed twice)."""
    weights: dict[str, float] = {}
    for part in header.split(","):
        name, _, params = part.partition(";")
        name = name.strip().lower()
        if name:
            weights[name] = max(weights.get(name, 0.0), _quality(params))
    return weights


def _quality(params: str) -> float:
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return min(max(float(value), 0.0), 1.0)
            except ValueError:
                return 0.0
    return 1.0


def prefers_html(accept: str, feed_type: str) -> bool:
    """Whether an Accept header ranks text/html above ``feed_type``: a browser's navigation.

    The feed type's weight comes from its most specific range (``application/rss+xml``,
    then ``application/*``, then ``*/*``), as RFC 9110 asks. Readers that accept HTML too
    (for autodiscovery) still rank the feed types higher, so they keep getting those.
    """
    weights = _weights(accept)
    html_q = weights.get("text/html", 0.0)
    for media in (feed_type, feed_type.split("/")[0] + "/*", "*/*"):
        if media in weights:
            return html_q > weights[media]
    return html_q > 0.0


def pick_coding(accept_encoding: str, available: Collection[str]) -> str | None:
    """The content coding to send (None: the bytes as they are), per RFC 9110 §12.5.3.

    The client's best-weighted coding among ``available``, brotli before gzip on a tie;
    identity wins only when the client weighs it higher. No header: identity, as servers do.
    """
    weights = _weights(accept_encoding)
    if "x-gzip" in weights:  # RFC 9110 §8.4.1.3: the same as gzip
        weights["gzip"] = max(weights.get("gzip", 0.0), weights.pop("x-gzip"))
    star = weights.get("*")
    best, best_q = None, 0.0
    for coding in CODINGS:
        q = weights.get(coding, star if star is not None else 0.0)
        if coding in available and q > best_q:
            best, best_q = coding, q
    identity_q = weights.get("identity", 0.0 if star == 0.0 else 1.0)
    return best if best is not None and best_q >= identity_q else None


# --- feeds ----------------------------------------------------------------------------------
