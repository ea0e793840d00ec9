"""The fetch stage, the only egress: every request of the project goes through
``Fetcher.get`` (httpx and httpcore are used only in this package).

``client`` follows redirects by hand and decides what a response means; ``network`` guards
every connection and socket operation; ``politeness`` keeps per-host limits and
Retry-After; ``inflate`` decodes bodies under the byte cap.
"""

from feeds.fetch.client import MAX_BYTES, MAX_REDIRECTS, Fetcher, Reply, Resource, read_file
from feeds.fetch.network import Resolver, system_resolver
from feeds.fetch.politeness import HostLimits, retry_after

__all__ = [
    "MAX_BYTES",
    "MAX_REDIRECTS",
    "Fetcher",
    "HostLimits",
    "Reply",
    "Resolver",
    "Resource",
    "read_file",
    "retry_after",
    "system_resolver",
]
