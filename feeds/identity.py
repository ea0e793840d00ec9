"""Canonical article URLs and keys: one article, one identity, however it was linked (pure).

The key is what decides "seen before"; it ignores the scheme, fragments, tracking parameters,
a trailing slash, ``www.`` and mobile variants (``m.host``, ``/mobile/news/1.html``), so an
article reached twice in one listing, on two listing pages or on two polls is one item.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from feeds.models import IdentityRules

# Parameters that only say where a click came from; they never select content.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "igshid",
        "spm",
        "scm",
        "share_source",
        "share_medium",
        "tdsourcetag",
        "isappinstalled",
        "from_source",
        "wechat_redirect",
        # "?ref=rss", "?ref_src=twsrc": where the click came from (feedhq PR#107)
        "ref",
        "ref_src",
        "ref_url",
        "mkt_tok",
        "_hsenc",
        "_hsmi",
    }
)
_TRACKING_PREFIXES = ("utm_", "hmsr", "hmpl", "hmcu", "hmkw", "hmci")
_DEFAULT_PORTS = {"http": "80", "https": "443"}
# Characters left alone when re-quoting a path, so that /新闻/1.html and its %-encoded
# form give the same key.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


def canonical_url(url: str, rules: IdentityRules) -> str:
    """The URL an item is published under: desktop host and path, no tracking, no fragment."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower() or "https"
    host = _host(parts.hostname or "", rules)
    port = parts.port
    netloc = host if port is None or str(port) == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    path = _path(parts.path or "/", rules)
    query = _query(parts.query, rules)
    return urlunsplit((scheme, netloc, path, query, ""))


def article_key(url: str, rules: IdentityRules) -> str:
    """The identity of an article: the canonical URL without its scheme, and without a
    trailing slash (``/post/1/`` and ``/post/1`` are one page on every site we read)."""
    canonical = canonical_url(url, rules)
    key = canonical.split("://", 1)[1] if "://" in canonical else canonical
    address, mark, query = key.partition("?")
    host, _, path = address.partition("/")
    return f"{host}/{path.rstrip('/')}{mark}{query}"


def _host(host: str, rules: IdentityRules) -> str:
    host = host.lower().rstrip(".")
    labels = host.split(".")
    # Fold only a leading label and only when a registrable name remains (m.example.com).
    if len(labels) > 2 and (labels[0] == "www" or labels[0] in rules.mobile_hosts):
        host = ".".join(labels[1:])
    return host


def _path(path: str, rules: IdentityRules) -> str:
    path = quote(unquote(path), safe=_PATH_SAFE)
    for prefix in rules.mobile_paths:
        prefix = "/" + prefix.strip("/") + "/"
        if prefix != "//" and path.startswith(prefix):
            path = "/" + path[len(prefix) :]
            break
    return path


def _query(query: str, rules: IdentityRules) -> str:
    drop = TRACKING_PARAMS | {p.lower() for p in rules.drop_params}
    kept = [
        (k, v)
        for k, v in parse_qsl(query, keep_blank_values=True)
        if k.lower() not in drop and not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    return urlencode(sorted(kept))
