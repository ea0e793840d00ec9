"""One APScheduler job per source (APScheduler is used only here).

The scheduler only decides *when*; what a poll does is the service's callback. Next run times
are read back after every poll so the service can persist them and survive restarts.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from datetime import datetime, tzinfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

# 100 sources with one interval must not fire in the same second: each run moves by up to
# a tenth of the interval, at most five minutes.
MAX_JITTER = 300


def cron_problem(expression: str) -> str | None:
    """None when a crontab expression is valid, else what is wrong and how to fix it."""
    try:
        CronTrigger.from_crontab(expression)
    except ValueError as e:
        return f"{expression!r} is not a crontab expression: {e} (write e.g. '*/30 * * * *')"
    return None


def make_trigger(every: int, cron: str | None, zone: tzinfo) -> BaseTrigger:
    jitter = min(MAX_JITTER, max(1, every // 10))
    if cron:
        trigger: BaseTrigger = CronTrigger.from_crontab(cron, timezone=zone)
        trigger.jitter = jitter
        return trigger
    return IntervalTrigger(seconds=every, jitter=jitter, timezone=zone)


class Scheduler:
    """A background scheduler whose jobs call ``on_due(source_id)`` on a worker thread."""

    def __init__(self, on_due: Callable[[str], None], *, workers: int = 4) -> None:
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
