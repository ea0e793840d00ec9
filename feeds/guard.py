"""Where requests may go: the pure decisions of the egress (the SSRF guard).

Two rules, checked on every hop of every request (RELIABILITY.md S1-S5):

- **Scope**: a link found on a page is fetched only on the source's own hosts (the hosts of
  its configured URLs, their registrable domains, and ``allow_hosts``). The operator's
  configured URLs are trusted as written.
- **Addresses**: the address actually connected to must be public (not loopback, private,
  link-local, multicast, reserved or unspecified), unless the host and port are ones the
  operator configured, or ``settings.allow_private_networks`` is set. The check runs on the
  resolved address that is then connected to (see ``fetch``), so DNS rebinding and numeric
  host tricks (``2130706433``, ``0x7f000001``, ``[::ffff:127.0.0.1]``) meet the same rule.

publicsuffixlist is owned here: it knows that ``news.example.com.cn`` belongs to
``example.com.cn``, with its list bundled (no download at run time).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

SCHEMES = ("http", "https")
_DEFAULT_PORTS = {"http": 80, "https": 443}

Origin = tuple[str, int]  # (lower-case host without brackets, port)


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList()  # parsing the bundled list takes ~50 ms: only when needed


def host_origin(host: str, port: int) -> Origin:
    """The one spelling of a host and port that origins are compared in: lower case, no
    brackets, no trailing dot (``[::1]``, ``Example.COM.`` as URLs and sockets name them)."""
    return host.lower().strip("[]").rstrip("."), port


def origin(url: str) -> Origin | None:
    """``(host, port)`` of an http(s) URL; None when the URL has no usable host or port."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # "http://bad]test/", ports out of range
        return None
    if parts.scheme not in SCHEMES or not (parts.hostname or "").rstrip("."):
        return None
    return host_origin(parts.hostname or "", port or _DEFAULT_PORTS[parts.scheme])


def scheme_problem(url: str) -> str | None:
    """Why ``url`` may not be requested at all (S1), or None. Decided before any I/O."""
    scheme = urlsplit(url.strip()).scheme.lower() if url else ""
    if scheme not in SCHEMES:
        return f"only http and https URLs are fetched (got {scheme or 'no'} scheme)"
    if origin(url) is None:
        return "the URL has no valid host or port"
    return None


def parse_ip(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host names literally, with IPv4-mapped IPv6 unwrapped; else None."""
    try:
        address = ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def address_problem(ip: str) -> str | None:
    """Why connecting to ``ip`` is refused (S2/S3), or None for a public address."""
    address = parse_ip(ip)
    if address is None:
        return f"{ip!r} is not an IP address"
    for flag, name in (
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (address.is_unspecified, "unspecified"),
        (address.is_reserved, "reserved"),
        (address.is_private, "private"),
    ):
        if flag:
            return f"{address} is a {name} address"
    if not address.is_global:  # e.g. 100.64.0.0/10, shared address space of carriers
        return f"{address} is not a public address"
    return None


def registrable_domain(host: str) -> str:
    """``news.example.com.cn`` -> ``example.com.cn``; an IP address or a bare name stays whole."""
    host = host.lower().rstrip(".")
    if parse_ip(host) is not None:
        return host
    return _suffixes().privatesuffix(host) or host


@dataclass(frozen=True)
class Scope:
    """The hosts one source's requests may reach."""

    origins: frozenset[Origin]  # of the configured URLs: trusted as written
    extra: frozenset[str] = frozenset()  # allow_hosts: a name and its subdomains
    robots: bool = True  # obey robots.txt (off only for sites the operator owns)

    @classmethod
    def of(
        cls, urls: Iterable[str], *, allow_hosts: Iterable[str] = (), robots: bool = True
    ) -> Scope:
        return cls(
            origins=frozenset(o for o in map(origin, urls) if o is not None),
            extra=frozenset(h.lower().strip().lstrip(".").rstrip(".") for h in allow_hosts),
            robots=robots,
        )

    @cached_property
    def domains(self) -> frozenset[str]:
        """The registrable domains of the configured URLs: asked only for a URL off them,
        since the public suffix list costs ~35 ms of CPU to load, most of an idle poll's
        (issue 19), whose one request goes to a configured URL."""
        return frozenset(registrable_domain(host) for host, _ in self.origins)

    def problem(self, url: str) -> str | None:
        """Why this source may not fetch ``url``, or None (scheme and host rules)."""
        why = scheme_problem(url)
        if why is not None:
            return why
        found = origin(url)
        assert found is not None  # scheme_problem checked it
        host, _ = found
        if found in self.origins or registrable_domain(host) in self.domains:
            return None
        if any(host == name or host.endswith("." + name) for name in self.extra):
            return None
        return f"{host} is not one of the source's hosts (add it to the source's allow_hosts)"
