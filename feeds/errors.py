"""One exception base for the project, one subclass per stage.

Messages read ``stage: what went wrong (what to try)`` so that the stored last error of a
source is useful on its own, on a status page or in a log line.
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


class ExtractError(FeedsError):
    """A fetched page did not yield what the source's rules expect."""

    stage = "extract"


class UnexpectedError(ExtractError):
    """Something no stage expected (a parser bug, a RecursionError on absurd markup), caught
    at the stage boundary so that it fails one item or source like any other error; the
    original is chained and its traceback logged once."""


class StoreError(FeedsError):
    """The state (SQLite or PostgreSQL) could not be read or written."""

    stage = "store"


class MigrateError(FeedsError):
    """`feeds migrate` refused to copy the state (a target that holds items, no source)."""

    stage = "migrate"


class RenderError(FeedsError):
    """A feed could not be rendered or written."""

    stage = "render"
