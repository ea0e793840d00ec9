"""The fetch stage, the only egress: every request of the project goes through
``Fetcher.get`` (httpx and httpcore are used only in this package).

``client`` follows redirects by hand and decides what a response means; ``network`` guards
every connection and socket operation; ``politeness`` keeps per-host limits and
Retry-After; ``inflate`` decodes bodies under the byte cap.
"""

import sys

# httpx imports its command-line client when it can (click, and pygments and rich where they
# are installed) and falls back to a stub when that fails; we never run it, and it was a
# fifth of an idle `feeds update`'s CPU (issue 19). A None entry makes that import fail.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
# httpx also imports brotli and zstandard, where installed, for its own decoders; the fetcher
# asks for gzip and deflate only and inflates bodies itself (inflate.py), so an idle poll paid
# for a library it never used. Hidden while httpx is imported (a None entry fails the import,
# and httpx goes without), then visible again: feedfiles.py compresses the served feeds.
_DECODERS = [name for name in ("brotli", "brotlicffi", "zstandard") if name not in sys.modules]
sys.modules.update(dict.fromkeys(_DECODERS))  # type: ignore[arg-type]
try:
    import httpx  # noqa: F401
finally:
    for _name in _DECODERS:
        if sys.modules.get(_name, False) is None:
            del sys.modules[_name]

from feeds.fetch.client import MAX_BYTES, MAX_REDIRECTS, Fetcher, Reply, Resource, read_file  # noqa: E402
from feeds.fetch.network import Resolver, system_resolver  # noqa: E402
from feeds.fetch.politeness import HostLimits, retry_after  # noqa: E402

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
