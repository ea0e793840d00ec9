"""One exception base for the project, one subclass per stage (httpx's ``_exceptions.py``).

    FeedsError                  every error this package raises on purpose
    ├── ConfigError             the config file: every problem, with its path and a fix
    ├── FetchError              a page could not be fetched (status, size, scope, robots)
    │   ├── NoAnswer            the site cannot be reached or did not answer in time
    │   ├── AddressBlocked      it would reach a loopback, private or internal address
    │   └── TooManyRedirects    a loop, or a chain no browser would follow
    ├── ExtractError            a page did not yield what the source's rules expect
    │   └── UnexpectedError     anything no stage expected, caught at its boundary
    ├── StoreError              the store (SQLite or PostgreSQL) could not be read or written
    ├── MigrateError            `feeds migrate` refused to copy (a target holding items)
    ├── SnapshotError           a source's snapshot (`feeds check --save`) cannot be read
    └── RenderError             a feed could not be rendered or written

Messages read ``stage: what went wrong (what to try)`` so that the stored last error of a
source is useful on its own, on a status page or in a log line. Errors of libraries are
wrapped once, at the boundary of the stage that owns the library, always chained
(``raise … from e``), so the original and its traceback stay with them; a traceback is
logged once, where an unexpected error is caught (``articles.as_feeds_error``).
"""

from __future__ import annotations


class FeedsError(Exception):
    """Base of every error this package raises on purpose."""

    stage = "feeds"

    def __init__(self, message: str, *, url: str | None = None, fix: str | None = None) -> None:
        self.message = message
        self.url = url
        self.fix = fix
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.stage}: {self.message}"
        if self.url and self.url not in self.message:
            text += f" for {self.url}"
        if self.fix:
            text += f" ({self.fix})"
        return text


class ConfigError(FeedsError):
    """The config file is invalid; ``problems`` lists every ``path: message (fix)``."""

    stage = "config"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems) if problems else "invalid config")

    def __str__(self) -> str:
        return "config: invalid:\n" + "\n".join(f"  {p}" for p in self.problems)


class FetchError(FeedsError):
    """A page could not be fetched (network, HTTP status, size)."""

    stage = "fetch"

    def __init__(
        self,
        message: str,
        *,
        url: str | None = None,
        fix: str | None = None,
        status: int | None = None,
    ) -> None:
        self.status = status
        super().__init__(message, url=url, fix=fix)


class TooManyRedirects(FetchError):
    """More hops than ``max_redirects``: a loop or a chain no browser would follow either."""


class AddressBlocked(FetchError):
    """The request would have reached a loopback, private or otherwise internal address."""


class NoAnswer(FetchError):
    """The site could not be reached (name, connection, TLS) or did not answer in time. It is
    the site's problem whichever request met it first, robots.txt included (RFC 9309 would
    disallow everything anyway), so it is reported as such, never as a robots.txt rule."""


class ExtractError(FeedsError):
    """A fetched page did not yield what the source's rules expect."""

    stage = "extract"


class UnexpectedError(ExtractError):
    """Something no stage expected (a parser bug, a RecursionError on absurd markup), caught
    at the stage boundary so that it fails one item or source like any other error; the
    original is chained and its traceback logged once."""


class StoreError(FeedsError):
    """The store (SQLite or PostgreSQL) could not be read or written (locked, full, gone,
    out of descriptors)."""

    stage = "store"


class MigrateError(FeedsError):
    """`feeds migrate` refused to copy the state (a target that holds items, no source)."""

    stage = "migrate"


class SnapshotError(FeedsError):
    """A source's snapshot (``snapshots/<id>/``, `feeds check --save`) cannot be read."""

    stage = "snapshot"


class RenderError(FeedsError):
    """A feed could not be rendered or written."""

    stage = "render"
