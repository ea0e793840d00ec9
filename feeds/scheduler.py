"""One APScheduler job per source (APScheduler is used only here).

The scheduler only decides *when*; what a poll does is the service's callback. Next run times
are read back after every poll so the service can persist them and survive restarts.

A source polled every N seconds polls at its own phase of each N-second period
(``decide.poll_phase``), so many sources with one interval are spread over it instead of
polling together. A poll still running when the next one is due is not doubled: that run is
skipped, reported to ``on_skip``, and the source polls again at its next slot (APScheduler
#423: ``max_instances=1`` with ``coalesce``).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, tzinfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from feeds.decide import next_slot, poll_phase

# Poll threads mostly wait on the network, and concurrent.futures starts them only when no
# idle one is free, so a high cap costs nothing until polls overlap. It must stay well above
# what a few hanging hosts can hold (the service admits ``host_concurrency`` polls per host),
# so that tarpits never leave the other sources without a thread (issue 13).
POLL_WORKERS = 32

# Sources on one crontab schedule must not fire in the same second: each run moves by up to
# a tenth of the interval, at most five minutes.
MAX_JITTER = 300


def cron_problem(expression: str) -> str | None:
    """None when a crontab expression is valid, else what is wrong and how to fix it."""
    try:
        CronTrigger.from_crontab(expression)
    except ValueError as e:
        return f"{expression!r} is not a crontab expression: {e} (write e.g. '*/30 * * * *')"
    return None


class SpreadTrigger(BaseTrigger):  # type: ignore[misc]  # APScheduler has no type hints
    """Every ``every`` seconds, ``phase`` seconds into each period.

    The next run is the first slot at least ``every`` after the previous one, so a run moved
    off its slot (a first poll soon after start, a backoff) is never followed by one sooner
    than ``every``, and the source is back on its slot from then on.
    """

    def __init__(self, every: int, phase: float) -> None:
        self.every = every
        self.phase = phase

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is None:
            return next_slot(now, self.every, self.phase)
        return next_slot(previous_fire_time + timedelta(seconds=self.every), self.every, self.phase)

    def __str__(self) -> str:
        return f"every {self.every}s at +{self.phase:.3f}s"

    def __repr__(self) -> str:
        return f"<SpreadTrigger every={self.every} phase={self.phase:.3f}>"


def make_trigger(source_id: str, every: int, cron: str | None, zone: tzinfo) -> BaseTrigger:
    if cron:
        trigger: BaseTrigger = CronTrigger.from_crontab(cron, timezone=zone)
        trigger.jitter = min(MAX_JITTER, max(1, every // 10))
        return trigger
    return SpreadTrigger(every, poll_phase(source_id, every))


class Scheduler:
    """A background scheduler whose jobs call ``on_due(source_id)`` on a worker thread, and
    ``on_skip(source_id)`` when a run is dropped because the previous one is still going."""

    def __init__(
        self,
        on_due: Callable[[str], object],
        *,
        on_skip: Callable[[str], None] | None = None,
        workers: int = POLL_WORKERS,
    ) -> None:
        self._on_due = on_due
        self._scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(workers)},
            job_defaults={
                "coalesce": True,  # a backlog of missed runs is one poll, not many
                "max_instances": 1,  # never two polls of one source at once
                # A run missed while the process was down or busy is still run, late:
                # the persisted next run times make this survive restarts.
                "misfire_grace_time": None,
            },
            timezone="UTC",
        )
        if on_skip is not None:

            def skipped(event: JobSubmissionEvent) -> None:
                on_skip(event.job_id)

            self._scheduler.add_listener(skipped, EVENT_JOB_MAX_INSTANCES)
            # on_skip logs the skip with the source's name; APScheduler's own line would
            # repeat it. Its errors (a failing executor) still show.
            logging.getLogger("apscheduler.scheduler").setLevel(logging.ERROR)
        logging.getLogger("apscheduler").setLevel(logging.WARNING)

    def start(self) -> None:
        self._scheduler.start()

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def shutdown(self, *, wait: bool) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=wait)

    def set_source(self, source_id: str, trigger: BaseTrigger, first_run: datetime) -> None:
        """Add or replace the job of one source; its first run is ``first_run``."""
        self._scheduler.add_job(
            self._on_due,
            trigger,
            args=[source_id],
            id=source_id,
            name=source_id,
            next_run_time=first_run,
            replace_existing=True,
        )

    def remove_source(self, source_id: str) -> None:
        with contextlib.suppress(JobLookupError):
            self._scheduler.remove_job(source_id)

    def postpone(self, source_id: str, when: datetime) -> None:
        """Move the next run (backoff after failures); the trigger resumes after it."""
        job = self._scheduler.get_job(source_id)
        if job is not None:
            job.modify(next_run_time=when)

    def next_runs(self) -> dict[str, datetime]:
        return {
            job.id: job.next_run_time
            for job in self._scheduler.get_jobs()
            if job.next_run_time is not None
        }

    def next_run(self, source_id: str) -> datetime | None:
        job = self._scheduler.get_job(source_id)
        return job.next_run_time if job is not None else None


class HostGate:
    """At most ``limit`` polls per host at once, without waiting: ``enter`` says no instead,
    so a host that hangs holds at most ``limit`` poll threads (issue 13: four tarpits once
    held all four and starved a healthy source)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._lock = threading.Lock()
        self._running: dict[str, int] = {}

    def enter(self, host: str) -> bool:
        with self._lock:
            if self._running.get(host, 0) >= self.limit:
                return False
            self._running[host] = self._running.get(host, 0) + 1
            return True

    def full(self, host: str) -> bool:
        """Whether ``enter`` would say no now."""
        with self._lock:
            return self._running.get(host, 0) >= self.limit

    def leave(self, host: str) -> None:
        with self._lock:
            left = self._running.get(host, 1) - 1
            if left:
                self._running[host] = left
            else:
                self._running.pop(host, None)
