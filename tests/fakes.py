"""A fake store: the ``feeds.models.Store`` protocol over plain dicts, written from the
protocol's promises, not from the SQLite code. The pipeline tests run against it and against
the real store; where they differ, one of them breaks a promise."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from feeds.models import (
    ItemError,
    Notice,
    PollEnd,
    PollPlan,
    RobotsAnswer,
    SourceStatus,
    StoredItem,
)


@dataclass
class _Row:
    item: StoredItem
    order: int  # insertion order, the last tie-break of a feed
    signature: str | None = None


class MemoryStore:
    """Keeps everything in memory; ``apply`` is all or nothing (a copy is restored on error)."""

    def __init__(self) -> None:
        self.sources: dict[str, SourceStatus] = {}
        self.last_listed_counts: dict[str, int] = {}
        self.backlogs: dict[str, int] = {}
        self.rows: dict[tuple[str, str], _Row] = {}
        self.aliases: dict[tuple[str, str], str] = {}
        self.errors: dict[tuple[str, str], tuple[ItemError, datetime]] = {}
        self.validator_pairs: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self.schedule: dict[str, datetime] = {}
        self.holds: dict[str, datetime] = {}
        self.answers: dict[str, RobotsAnswer] = {}
        self.notices: dict[str, Notice] = {}
        self._counter = itertools.count()
        # A test can make some plans fail, as a locked or full database would.
        self.fail_when: Callable[[PollPlan], BaseException | None] = lambda plan: None

    # -- reads of a poll
    def has_items(self, source_id: str) -> bool:
        return any(sid == source_id for sid, _ in self.rows)

    def known_keys(self, source_id: str, keys: Iterable[str]) -> set[str]:
        return {k for k in keys if (source_id, k) in self.rows or (source_id, k) in self.aliases}

    def listing_sigs(self, source_id: str, keys: Iterable[str]) -> dict[str, str | None]:
        rows = ((k, self.rows.get((source_id, k))) for k in keys)
        return {k: row.signature for k, row in rows if row is not None}

    def items(self, source_id: str, keys: Iterable[str]) -> dict[str, StoredItem]:
        rows = ((k, self.rows.get((source_id, k))) for k in keys)
        return {k: row.item for k, row in rows if row is not None}

    def twins(self, source_id: str, items: Iterable[StoredItem]) -> dict[str, str]:
        found = {}
        for item in items:
            for (sid, key), row in self.rows.items():
                same_day = row.item.published.isoformat()[:10] == item.published.isoformat()[:10]
                if sid == source_id and row.item.content_hash == item.content_hash and same_day:
                    found[item.key] = key
                    break
        return found

    def item_attempts(self, source_id: str, keys: Iterable[str]) -> dict[str, int]:
        errors = ((k, self.errors.get((source_id, k))) for k in keys)
        return {k: error[0].attempts for k, error in errors if error is not None}

    def validators(self, source_id: str, url: str) -> tuple[str | None, str | None]:
        return self.validator_pairs.get((source_id, url), (None, None))

    def backlog(self, source_id: str) -> int:
        return self.backlogs.get(source_id, 0)

    def last_listed(self, source_id: str) -> int | None:
        return self.last_listed_counts.get(source_id)

    # -- the one write of a poll
    def ensure_source(self, source_id: str, now: datetime) -> None:
        if source_id not in self.sources:
            self.sources[source_id] = SourceStatus(source_id, now, None, None, None, 0, 0, 0, 0, 0)

    def apply(self, plan: PollPlan) -> None:
        saved = copy.deepcopy(self.__dict__ | {"_counter": None})
        try:
            failure = self.fail_when(plan)
            if failure is not None:
                raise failure
            self._apply(plan)
        except BaseException:
            counter = self._counter
            self.__dict__.update(saved)
            self._counter = counter
            raise

    def _apply(self, plan: PollPlan) -> None:
        sid = plan.source_id
        for failure in plan.failures:
            old = self.errors.get((sid, failure.key))
            attempts = old[0].attempts + 1 if old else 1
            self.errors[(sid, failure.key)] = (
                ItemError(failure.key, failure.url, attempts, failure.error),
                plan.now,
            )
        for new in plan.new_items:
            key = (sid, new.item.key)
            if key not in self.rows:
                self.rows[key] = _Row(new.item, next(self._counter))
                status = self.sources[sid]
                self.sources[sid] = replace(
                    status,
                    items_seen=status.items_seen + 1,
                    items_published=status.items_published + (new.item.status == "published"),
                )
            self.errors.pop(key, None)
            for alias in new.aliases:
                self._alias(sid, alias, new.item.key)
        for alias, target in plan.aliases:
            self._alias(sid, alias, target)
        for edit in plan.edits:
            row = self.rows[(sid, edit.key)]
            row.item = replace(
                row.item,
                title=edit.title,
                author=edit.author,
                summary=edit.summary,
                content_html=edit.content_html,
                updated=edit.updated,
                content_hash=edit.content_hash,
            )
        for key, signature in plan.signatures:
            if (sid, key) in self.rows:
                self.rows[(sid, key)].signature = signature
        if plan.end is not None:
            self._end(sid, plan.now, plan.end)

    def _alias(self, sid: str, alias: str, target: str) -> None:
        if alias != target:
            self.aliases.setdefault((sid, alias), target)

    def _end(self, sid: str, now: datetime, end: PollEnd) -> None:
        status = self.sources[sid]
        if end.ok:
            status = replace(
                status,
                last_attempt=now,
                last_success=now,
                last_error=end.error,
                consecutive_failures=0,
                polls=status.polls + 1,
                last_new=end.added,
                degraded=end.degraded,
                polled_by=end.polled_by,
            )
        else:
            status = replace(
                status,
                last_attempt=now,
                last_error=end.error,
                consecutive_failures=status.consecutive_failures + 1,
                polls=status.polls + 1,
                degraded=end.degraded if end.degraded is not None else status.degraded,
                polled_by=end.polled_by,
            )
        self.sources[sid] = status
        if end.last_listed is not None:
            self.last_listed_counts[sid] = end.last_listed
        if end.backlog is not None:
            self.backlogs[sid] = end.backlog
        for url, pair in end.validators.items():
            if pair is None or pair == (None, None):
                self.validator_pairs.pop((sid, url), None)
            else:
                self.validator_pairs[(sid, url)] = pair

    # -- what feeds and status pages are built from
    def feed_items(self, source_id: str, limit: int) -> list[StoredItem]:
        rows = [
            row
            for (sid, _), row in self.rows.items()
            if sid == source_id and row.item.status == "published"
        ]
        rows.sort(
            key=lambda r: (r.item.published.timestamp(), r.item.first_seen, r.order), reverse=True
        )
        return [row.item for row in rows[:limit]]

    def item(self, source_id: str, key: str) -> StoredItem | None:
        row = self.rows.get((source_id, key))
        return row.item if row else None

    def source_created(self, source_id: str) -> datetime | None:
        status = self.sources.get(source_id)
        return status.created if status else None

    def source_status(self, source_id: str) -> SourceStatus | None:
        return self.sources.get(source_id)

    def statuses(self) -> dict[str, SourceStatus]:
        return dict(self.sources)

    def polled_sources(self) -> set[str]:
        return {sid for sid, status in self.sources.items() if status.last_success}

    def item_errors(self, source_id: str) -> list[ItemError]:
        found = [(when, e) for (sid, _), (e, when) in self.errors.items() if sid == source_id]
        return [error for _, error in sorted(found, key=lambda pair: pair[0], reverse=True)]

    # -- schedule and politeness
    def next_runs(self) -> dict[str, datetime]:
        return dict(self.schedule)

    def save_next_run(self, source_id: str, when: datetime) -> None:
        self.schedule[source_id] = when

    def host_holds(self, now: datetime) -> dict[str, datetime]:
        self.holds = {host: until for host, until in self.holds.items() if until > now}
        return dict(self.holds)

    def save_host_hold(self, host: str, until: datetime) -> None:
        self.holds[host] = until

    def robots_answers(self) -> dict[str, RobotsAnswer]:
        return dict(self.answers)

    def save_robots(self, url: str, answer: RobotsAnswer) -> None:
        self.answers[url] = answer

    # -- issue 18: a source's notice (the hub's methods are not the pipeline's: not here)

    def notice(self, source_id: str) -> Notice | None:
        return self.notices.get(source_id)

    def save_notice(self, source_id: str, notice: Notice | None) -> None:
        if notice is None:
            self.notices.pop(source_id, None)
        else:
            self.notices[source_id] = notice

    def close(self) -> None:
        pass
