"""Polls shared by several `feeds run` instances on one PostgreSQL database (issue 16), on
procrastinate's job queue (procrastinate is imported here only).

Every instance runs a procrastinate worker; a source is one chain of ``poll`` jobs: the job
that polls a source defers the next one (``schedule_at`` its next run, backoff included)
before it ends. Each job carries ``queueing_lock`` and ``lock`` = the source id, so a source
has at most one job waiting and never two running, whichever instance took it. Workers send
heartbeats; ``rescue`` (a periodic task, deferred once a second across the cluster) puts the
jobs of a worker silent for 1.5 heartbeat periods back in the queue, so a killed instance's
polls run elsewhere within two periods. ``sweep`` (every 5 s) starts a chain for every source
of this instance's config that has none: new sources (a reload on any instance) and chains
ended by an instance that did not know the source. The APScheduler of the single-process mode
is not used here; the next run times live in the database (the jobs, and the store's schedule).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

import procrastinate
from procrastinate.exceptions import AlreadyEnqueued, ConnectorException, UniqueViolation
from procrastinate.jobs import Status

from feeds.errors import StoreError

log = logging.getLogger("feeds")

QUEUE = "feeds-polls"
# Seconds a silent worker's jobs wait before ``rescue`` retries them, in heartbeat periods:
# a live worker's last heartbeat is at most one period old, and rescue runs every second.
STALLED_AFTER = 1.5
SWEEP_CRON = "* * * * * */5"  # procrastinate's cron: seconds are the sixth field
RESCUE_CRON = "* * * * * *"
KEEP_FINISHED_HOURS = 1  # finished jobs are history for the status page, then deleted
# The key of the session advisory lock under which the first instance creates the queue's
# tables ("feedsjob" in ASCII).
SCHEMA_LOCK = 0x666565646A6F6273


class Cluster:
    """The procrastinate worker of one instance.

    ``on_due(source_id)`` polls a source on a worker thread and returns when it is due next
    (None: this instance does not know it; its chain ends and an instance that knows it
    starts a new one). ``wanted()`` gives this instance's sources with the time each would
    first poll if it had no chain yet.
    """

    def __init__(
        self,
        url: str,
        on_due: Callable[[str], datetime | None],
        wanted: Callable[[], dict[str, datetime]],
        *,
        heartbeat: float,
        workers: int,
        exclusive: Callable[[int], contextlib.AbstractContextManager[None]],
    ) -> None:
        self.heartbeat = heartbeat
        self._workers = workers
        self._on_due = on_due
        self._wanted = wanted
        self._exclusive = exclusive
        self._threads = ThreadPoolExecutor(workers, thread_name_prefix="poll")
        self._app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._failed: BaseException | None = None
        self._register()
        for name in ("procrastinate", "procrastinate.worker", "procrastinate.jobs"):
            logging.getLogger(name).setLevel(logging.WARNING)

    def _register(self) -> None:
        app = self._app

        @app.task(name="poll", queue=QUEUE)
        async def poll(source: str) -> None:
            loop = asyncio.get_running_loop()
            when = await loop.run_in_executor(self._threads, self._on_due, source)
            if when is not None:
                await self._defer(source, when)

        @app.periodic(cron=SWEEP_CRON, periodic_id="sweep")
        @app.task(name="sweep", queue=QUEUE, queueing_lock="sweep")
        async def sweep(timestamp: int) -> None:
            rows = await app.connector.execute_query_all_async(
                "SELECT DISTINCT queueing_lock FROM procrastinate_jobs"
                " WHERE task_name = 'poll' AND status IN ('todo', 'doing')"
            )
            chained = {row["queueing_lock"] for row in rows}
            loop = asyncio.get_running_loop()
            wanted = await loop.run_in_executor(self._threads, self._wanted)
            for source, when in wanted.items():
                if source not in chained:
                    await self._defer(source, when)

        @app.periodic(cron=RESCUE_CRON, periodic_id="rescue")
        @app.task(name="rescue", queue=QUEUE, queueing_lock="rescue")
        async def rescue(timestamp: int) -> None:
            manager = app.job_manager
            stalled = await manager.get_stalled_jobs(
                seconds_since_heartbeat=STALLED_AFTER * self.heartbeat
            )
            for job in stalled:
                try:
                    await manager.retry_job(job)
                except UniqueViolation:
                    await self._end_if_followed(job.id, job.queueing_lock)
                except ConnectorException:  # retried by another rescue
                    continue
                else:
                    log.warning("poll of a silent instance retried", extra={"source": job.lock})
            if timestamp % 60 == 0:
                await manager.delete_old_jobs(nb_hours=KEEP_FINISHED_HOURS, queue=QUEUE)
                await manager.prune_stalled_workers(STALLED_AFTER * self.heartbeat)

        self._poll_task = poll

    async def _end_if_followed(self, job_id: int | None, queueing_lock: str | None) -> None:
        """A stalled job the queue will not retry: its successor is queued already (one
        waiting job per queueing lock). A poll job queues the next one as its last act, so
        its work was done: it is ended, or it would keep the source's lock, and the
        successor, waiting for that lock, would never run (the source never polled again)."""
        if job_id is None:
            return
        followed = await self._app.connector.execute_query_one_async(
            """SELECT EXISTS (SELECT 1 FROM procrastinate_jobs WHERE status = 'todo'
                 AND queueing_lock = %(lock)s AND id > %(id)s) AS followed""",
            lock=queueing_lock,
            id=job_id,
        )
        if followed and followed["followed"]:
            with contextlib.suppress(ConnectorException):  # ended by another rescue
                await self._app.job_manager.finish_job_by_id_async(
                    job_id, Status.SUCCEEDED, delete_job=False
                )

    async def _defer(self, source: str, when: datetime) -> None:
        job = self._poll_task.configure(queueing_lock=source, lock=source, schedule_at=when)
        with contextlib.suppress(AlreadyEnqueued):  # another instance chained it first
            await job.defer_async(source=source)

    # -- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        """Start the worker thread; returns once the worker runs (or raises why not)."""
        self._thread = threading.Thread(target=self._run, name="cluster", daemon=True)
        self._thread.start()
        self._ready.wait(60)
        if self._failed is not None:
            raise StoreError(
                f"cluster: the job queue did not start: {self._failed}",
                fix="check settings.database and that PostgreSQL is running",
            ) from self._failed

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as e:  # reported by start(), or logged when it ends later
            self._failed = e
            if self._ready.is_set():
                log.exception("cluster worker stopped")
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        async with self._app.open_async():
            await self._create_schema()
            self._task = asyncio.create_task(
                self._app.run_worker_async(
                    queues=[QUEUE],
                    concurrency=self._workers,
                    install_signal_handlers=False,
                    update_heartbeat_interval=self.heartbeat,
                    fetch_job_polling_interval=min(1.0, self.heartbeat / 4),
                    wait=True,
                    shutdown_graceful_timeout=0,
                )
            )
            self._ready.set()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _create_schema(self) -> None:
        """The queue's tables, created by the first instance; those starting at once wait
        for it under the lock, then find them."""
        present = "SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present"
        with self._exclusive(SCHEMA_LOCK):
            row = await self._app.connector.execute_query_one_async(present)
            if not row["present"]:
                await self._app.schema_manager.apply_schema_async()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def stop(self) -> None:
        """Stop fetching jobs; polls in flight are the service's to wait for (a job cut
        here is found stalled and retried by another instance)."""
        if self._loop is not None and self._task is not None:
            with contextlib.suppress(RuntimeError):  # the loop ended already
                self._loop.call_soon_threadsafe(self._task.cancel)
        if self._thread is not None:
            self._thread.join(10)
        self._threads.shutdown(wait=False, cancel_futures=True)

    def workers(self) -> list[dict[str, Any]]:
        """The cluster's live workers with their last heartbeat (for the status page)."""
        future = self._call(
            self._app.connector.execute_query_all_async(
                "SELECT id, name, last_heartbeat FROM procrastinate_workers ORDER BY id"
            )
        )
        return list(future) if future is not None else []

    def _call(self, coroutine: Any) -> Any:
        if self._loop is None or not self._loop.is_running():
            coroutine.close()
            return None
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)
