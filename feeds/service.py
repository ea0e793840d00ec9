"""The long-running service: scheduler + HTTP server + config reload + graceful stop.

Polls run on the scheduler's worker threads, each with its own store connection and HTTP
client; the server (uvicorn, main thread) reads status through ``ServiceState``.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from contextlib import ExitStack, closing
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from feeds import listener, snapshots
from feeds.app import database, free_memory, is_shared, open_fetcher, open_state, shared_politeness
from feeds.config import Config, Source, load_config
from feeds.decide import backoff_delay, first_runs
from feeds.errors import ConfigError, FeedsError
from feeds.hub import Hub
from feeds.listener import Listen
from feeds.metrics import Metrics, instance_metrics
from feeds.output import OutputClaim
from feeds.pipeline import GONE_PAUSE, update_source
from feeds.publish import publish_source
from feeds.scheduler import POLL_WORKERS, HostGate, Scheduler, make_trigger
from feeds.server import create_app
from feeds.shared import Peers, instance_name
from feeds.status import InstanceView, RefusedConfig, SourceView, source_views

if TYPE_CHECKING:
    from feeds.cluster import Cluster

log = logging.getLogger("feeds")

CONFIG_CHECK_SECONDS = 2.0
# On SIGTERM, polls in flight get this long to reach a point where they can stop (they check
# before each article page); a poll still waiting on a hung site is then abandoned. Nothing
# half-done can be stored: a poll's writes are transactions, rolled back if cut.
STOP_GRACE = 5.0
# A poll whose host already has its share of polls running is put off by this much (plus
# jitter) instead of holding a poll thread while it waits for the host.
DEFER_SECONDS = 5.0
CLUSTER_DEFER = 0.5


class Service:
    """Implements ``feeds.status.ServiceState`` for the server."""

    def __init__(self, config: Config) -> None:
        self.config = config
        self.metrics = Metrics()
        self._stopping = threading.Event()
        self._reload_requested = threading.Event()
        self._lock = threading.Lock()
        self._idle = threading.Condition()
        self._active = 0  # polls running now
        self._scheduler = Scheduler(self._poll, on_skip=self._on_skip)
        # One set of per-host limits for every poll: sources sharing a host share them.
        self._limits, self._robots = shared_politeness(config.settings)
        self._config_mtime = _mtime(config.path)
        self._exits = ExitStack()  # what start() holds until stop(): the output dir claim
        self._gate = HostGate(config.settings.host_concurrency)
        self.abandoned = 0  # polls still hanging when stop() gave up waiting for them
        self._polled = [0]  # polls of this instance, on the status page of a cluster
        # The WebSub hub (issue 18): its worker talks to subscribers, never a poll thread.
        self.hub = Hub(lambda: (self.config.settings, self.config.sources))
        # On PostgreSQL the polls are shared with the other instances (issue 16): a job
        # queue in the database takes the APScheduler's place.
        self._cluster = self._make_cluster(config) if is_shared(config.settings) else None

    # -- ServiceState ------------------------------------------------------------

    def views(self) -> list[SourceView]:
        config = self.config
        with closing(open_state(config.settings)) as store:
            statuses = store.statuses()
            store_next_runs = store.next_runs()
        next_runs = self._scheduler.next_runs() if self._cluster is None else store_next_runs
        return source_views(config.sources, config.settings.base_url, statuses, next_runs)

    _intervals: tuple[Config | None, dict[str, int]] = (None, {})

    def intervals(self) -> dict[str, int]:
        # Asked by every feed request (issue 19): made once per config, anew after a reload.
        config, made = self._intervals
        if config is not self.config:
            config = self.config
            made = {source.id: source.every for source in config.sources}
            self._intervals = (config, made)
        return made

    def output_dir(self) -> Path:
        return self.config.settings.output_dir

    def base_url(self) -> str:
        return self.config.settings.base_url

    def metrics_text(self) -> str:
        return self.metrics.render() + instance_metrics(self.instances())

    _peers: Peers | None = None  # on PostgreSQL, from start()

    def instances(self) -> list[InstanceView]:
        return self._peers.instances() if self._peers is not None else []

    def healthy(self) -> bool:
        running = self._scheduler.running if self._cluster is None else self._cluster.running
        return running and not self._stopping.is_set()

    # -- lifecycle ---------------------------------------------------------------

    def start(self) -> None:
        self._restore_output()
        if self._cluster is not None:
            self._cluster.start()
        else:
            self._schedule(self.config.sources)
            self._scheduler.start()
        self.hub.start()
        threading.Thread(target=self._watch_config, name="config-watch", daemon=True).start()
        if self._cluster is not None:
            self._peers = Peers(
                lambda: (self.config.settings, self.config.path, self._limits, self._robots),
                self._polled,
            )
            threading.Thread(target=self._peers.run, args=(self._stopping,), daemon=True).start()
        log.info(
            "scheduler started with %d source(s), config %s",
            len(self.config.sources),
            self.config.path,
        )

    def stop(self, grace: float = STOP_GRACE) -> None:
        """No new polls; in-flight polls abandon at their next article and store nothing.

        A poll blocked on a hung site cannot be asked: after ``grace`` seconds it is left
        behind (``abandoned``), and the caller ends the process without joining its thread.
        """
        self._stopping.set()
        # Wait for running polls here, not in APScheduler's shutdown: that holds the job
        # store lock while it waits, and a finishing poll reads its next run time under it.
        with self._idle:
            self._idle.wait_for(lambda: self._active == 0, timeout=grace)
            self.abandoned = self._active
        self._scheduler.shutdown(wait=not self.abandoned)
        if self._cluster is not None:
            self._cluster.stop()
        self.hub.stop()
        self._exits.close()
        if self.abandoned:
            log.warning("stopped with %d poll(s) abandoned in flight", self.abandoned)
        log.info("scheduler stopped")

    def _restore_output(self) -> None:
        """Bring the feed files in line with the store before any poll: the DB is the truth.

        A process killed between a poll's commit and its renames left feeds that miss items
        (or no feeds at all), one killed mid-write left a temp file; a poll repairs the former
        only once the site answers again. Rendering is deterministic and identical files are
        not rewritten, so after a clean stop this writes nothing. It runs before the scheduler
        starts because a poll that finished first must not be overwritten with older bytes.
        """
        settings = self.config.settings
        removed = self._exits.enter_context(OutputClaim(settings.output_dir))
        if removed:
            log.warning("removed %d temp file(s) of interrupted feed writes", len(removed))
        with closing(open_state(self.config.settings)) as store:
            polled = store.polled_sources()
            for source in self.config.sources:
                if source.id not in polled:
                    continue  # nothing stored yet: its first poll writes its feeds
                extra = {"source": source.id}
                try:
                    written = publish_source(source, settings, store)
                except FeedsError as e:
                    log.error("feeds not restored from the store: %s", e, extra=extra)
                    continue
                if written:
                    names = ", ".join(path.name for path in written)
                    log.warning("feeds differed from the store, rewritten: %s", names, extra=extra)

    def request_reload(self) -> None:
        self._reload_requested.set()

    def run_server(self, listen: Listen) -> None:
        """Serve until SIGTERM/SIGINT (uvicorn handles both), then stop the scheduler.

        The port is bound before anything says "serving": a taken one stops the service
        with a FeedsError that names it (cmd_run exits 1).
        """
        limits = listener.limits_for(listener.raise_open_files_limit())
        try:
            sock = listener.bind(listen.host, listen.port, limits)
        except FeedsError:
            self.stop()
            raise
        server = listener.server(create_app(self, self.hub), limits)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, self._on_sighup)
        # uvicorn handles SIGTERM/SIGINT while it serves, then re-raises the signal to the
        # handler that was there before it: make that ours, so the process is not killed
        # before the scheduler has stopped.
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_stop_signal)
        log.info(
            "serving on http://%s:%d/ (at most %d connections)",
            listen.host,
            listen.port,
            limits.max_connections,
        )
        try:
            with sock:
                server.run(sockets=[sock])
        finally:
            self.stop()

    def _on_sighup(self, signum: int, frame: FrameType | None) -> None:
        self.request_reload()

    def _on_stop_signal(self, signum: int, frame: FrameType | None) -> None:
        self._stopping.set()

    # -- polls -------------------------------------------------------------------

    def _schedule(self, sources: tuple[Source, ...] | list[Source]) -> None:
        if self._cluster is not None:
            return  # the cluster's sweep starts the polls of new sources
        now = datetime.now(UTC)
        with closing(open_state(self.config.settings)) as store:
            persisted = store.next_runs()
        due: dict[str, datetime | None] = {s.id: persisted.get(s.id) for s in sources}
        starts = first_runs(due, now)
        for source in sources:
            trigger = make_trigger(source.id, source.every, source.cron, source.zone)
            self._scheduler.set_source(source.id, trigger, starts[source.id])

    def _poll(self, source_id: str, after: datetime | None = None) -> bool:
        """One poll on this thread; False when put off because its host is busy."""
        host = self._host_of(source_id)
        if not self._gate.enter(host):
            self._defer(source_id)
            return False
        try:
            with self._idle:
                if self._stopping.is_set():
                    return True
                self._active += 1
            try:
                self._poll_once(source_id, after)
            finally:
                with self._idle:
                    self._active -= 1
                    self._idle.notify_all()
        finally:
            self._gate.leave(host)
            # What a poll leaves in reference cycles (parsed pages, responses) would wait for
            # the cyclic GC's own schedule, and glibc keeps what it frees (bench scenario 4).
            free_memory()
        return True

    # -- several instances (issue 16) ----------------------------------------------

    def _make_cluster(self, config: Config) -> Cluster:
        from feeds.cluster import Cluster  # procrastinate: loaded for PostgreSQL only

        return Cluster(
            database(config.settings),
            self._due,
            self._wanted,
            heartbeat=config.settings.heartbeat,
            workers=POLL_WORKERS,
            exclusive=lambda key: open_state(self.config.settings).exclusive(key),
        )

    def _due(self, source_id: str) -> datetime | None:
        """A poll job of the cluster: poll now, and say when the source is due next (None:
        not a source of this config; an instance that has it starts its polls again)."""
        try:
            source = self.config.source(source_id)
        except FeedsError:
            return None
        started = datetime.now(UTC)
        with closing(open_state(self.config.settings)) as store:
            due = store.next_run(source_id)
        if due is not None and due > started + timedelta(seconds=0.05):
            # Not due: polled already (by an instance killed before it queued the next, or
            # a second chain of jobs, which the queue's lock then ends).
            return due
        # The next slot follows the one this poll was due at, unless that is so long ago
        # (a restart, a killed instance) that the next would come too soon after this one.
        recent = due is not None and (started - due).total_seconds() < source.every / 2
        after = due if recent else started
        retry = started + timedelta(seconds=CLUSTER_DEFER * (1 + random.random()))
        if self._gate.full(self._host_of(source_id)):
            return retry  # before a lock's connection: another instance may take it at once
        with open_state(self.config.settings).polling(source_id) as alone:
            if not alone:
                return None  # a slow instance found silent still polls it, and queues the next
            if not self._poll(source_id, after):
                return retry  # back in the queue, where another instance's threads may take it
        self._polled[0] += 1
        with closing(open_state(self.config.settings)) as store:
            return store.next_run(source_id)

    def _wanted(self) -> dict[str, datetime]:
        """Every source of this config, with when it would poll first if it had no job."""
        with closing(open_state(self.config.settings)) as store:
            persisted = store.next_runs()
        due = {source.id: persisted.get(source.id) for source in self.config.sources}
        # Soon, as a single process starts, but closer together: any instance polls them.
        return first_runs(due, datetime.now(UTC), spread=CLUSTER_DEFER)

    def _host_of(self, source_id: str) -> str:
        try:
            return urlsplit(self.config.source(source_id).urls[0]).hostname or ""
        except FeedsError:
            return ""  # removed by a reload while queued: _poll_once returns at once

    def _defer(self, source_id: str) -> None:
        when = datetime.now(UTC) + timedelta(seconds=DEFER_SECONDS * (1 + random.random()))
        self._scheduler.postpone(source_id, when)
        self.metrics.deferred(source_id)
        log.debug("poll deferred: its host is busy", extra={"source": source_id})

    def _poll_once(self, source_id: str, after: datetime | None = None) -> None:
        config = self.config
        try:
            source = config.source(source_id)
        except FeedsError:
            return  # removed by a reload while queued
        started = time.monotonic()
        on_fetch = partial(self._on_fetch, source.id)
        try:
            with (
                closing(open_state(config.settings)) as store,
                open_fetcher(config.settings, (self._limits, self._robots), on_fetch) as fetcher,
            ):
                result = update_source(
                    *(source, config.settings, store, fetcher),
                    should_stop=self._stopping.is_set,
                    by=instance_name(),
                )
                if result.abandoned:
                    # The schedule stays as persisted: a restart finds this poll due.
                    log.info("poll abandoned: stopping", extra={"source": source.id})
                    return
                status = store.source_status(source.id)
                failures = status.consecutive_failures if status else 0
                if status is not None:
                    self.metrics.gauge("feeds_items_published", source.id, status.items_published)
                    self.metrics.gauge("feeds_degraded", source.id, float(bool(status.degraded)))
                    self.metrics.gauge("feeds_consecutive_failures", source.id, failures)
                if result.written and self._cluster is not None:  # for the other instances
                    store.save_feed_docs({path.name: path.read_bytes() for path in result.written})
                next_run = self._next_run(source, failures, gone=result.gone, after=after)
                if next_run is not None:
                    store.save_next_run(source.id, next_run)
            if result.written:
                self.hub.published(source.id, result.written)
        except Exception:  # a bug must not kill the worker thread or the other sources
            log.exception("poll crashed", extra={"source": source_id})
            return
        seconds = round(time.monotonic() - started, 3)
        self.metrics.poll(source.id, ok=result.ok, new=result.new, seconds=seconds)
        extra = {"source": source.id, "url": source.urls[0], "seconds": seconds}
        if result.ok:
            log.info(
                "poll ok: %d new, %d filtered, %d listed, %d article pages, %d files written",
                result.new,
                result.filtered,
                result.listed,
                result.article_fetches,
                len(result.written),
                extra={**extra, "new": result.new, "filtered": result.filtered},
            )
            if result.degraded:
                log.warning("degraded: %s", result.degraded, extra=extra)
            for problem in result.problems:
                log.warning("%s", problem, extra={"source": source.id})
        else:
            log.error(
                "poll failed: %s (next poll %s)",
                result.error,
                next_run.isoformat() if next_run else "-",
                extra={**extra, "error": result.error},
            )

    def _next_run(
        self, source: Source, failures: int, *, gone: bool = False, after: datetime | None = None
    ) -> datetime | None:
        """After a poll: the trigger's next time, or later when backing off from failures
        (much later when the listing is gone for good: a reload with a new URL resumes it)."""
        if gone:
            when = datetime.now(UTC) + timedelta(seconds=GONE_PAUSE)
            self._scheduler.postpone(source.id, when)
            return when
        if failures:
            # Jittered, so sources of one host that went down together retry apart.
            delay = backoff_delay(source.every, failures, random.random())
            when = datetime.now(UTC) + timedelta(seconds=delay)
            self._scheduler.postpone(source.id, when)
            return when
        if self._cluster is not None:
            trigger = make_trigger(source.id, source.every, source.cron, source.zone)
            return trigger.get_next_fire_time(after, datetime.now(UTC))  # type: ignore[no-any-return]
        return self._scheduler.next_run(source.id)

    def _on_skip(self, source_id: str) -> None:
        """A run came due while the source's previous poll was still going: dropped, not
        stacked (the next slot polls again), and counted so a too-short interval shows."""
        self.metrics.skipped(source_id)
        log.warning(
            "poll skipped: the previous poll is still running (poll less often: raise every)",
            extra={"source": source_id},
        )

    def _on_fetch(self, source_id: str, url: str, status: int, seconds: float, size: int) -> None:
        self.metrics.fetch(source_id, status=status, seconds=seconds, size=size)

    # -- config reload -------------------------------------------------------------

    def _watch_config(self) -> None:
        while not self._stopping.wait(CONFIG_CHECK_SECONDS):
            mtime = _mtime(self.config.path)
            if self._reload_requested.is_set() or mtime != self._config_mtime:
                self._reload_requested.clear()
                self._config_mtime = mtime
                self.reload()

    # Why the config file on disk is not the running config, until one loads (issue 12.8).
    _refused: RefusedConfig | None = None

    def refused_config(self) -> RefusedConfig | None:
        return self._refused

    def reload(self) -> None:
        """Apply a changed config; an invalid one is refused and the old one kept, and the
        refusal shown on / and /status.json until a config loads."""
        try:
            new = load_config(self.config.path)
            self._check_snapshots(new)
        except FeedsError as e:
            problems = tuple(e.problems) if isinstance(e, ConfigError) else (str(e),)
            since = self._refused.since if self._refused else datetime.now(UTC)
            self._refused = RefusedConfig(since, problems)
            log.error("config reload refused, keeping the running config: %s", e)
            return
        self._refused = None
        with self._lock:
            old = {s.id: s for s in self.config.sources}
            fresh = {s.id: s for s in new.sources}
            self.config = new
            if (new.settings.host_concurrency, new.settings.host_interval) != (
                self._limits.concurrency,
                self._limits.interval,
            ):
                self._limits, self._robots = shared_politeness(new.settings)
                self._gate.limit = new.settings.host_concurrency
            for source_id in old.keys() - fresh.keys():
                self._scheduler.remove_source(source_id)
            changed = [
                s
                for s in new.sources
                if s.id not in old
                or (s.every, s.cron, s.timezone)
                != (old[s.id].every, old[s.id].cron, old[s.id].timezone)
            ]
            self._schedule(changed)
        log.info(
            "config reloaded: %d source(s), %d added, %d removed, %d rescheduled",
            len(new.sources),
            len(fresh.keys() - old.keys()),
            len(old.keys() - fresh.keys()),
            len(changed),
        )

    def _check_snapshots(self, new: Config) -> None:
        """A config that breaks the snapshot of a source it changes is refused (issue 18):
        `feeds test` for those sources, offline, before anything polls with it."""
        old = {source.id: source for source in self.config.sources}
        changed = [source for source in new.sources if old.get(source.id) != source]
        broken = snapshots.problems(snapshots.root_of(new.path), changed)
        if broken:
            raise ConfigError(broken)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
