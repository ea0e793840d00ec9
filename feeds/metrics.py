"""In-process counters for ``/metrics``, in the Prometheus text format (hand-written: a few
lines, and no global registry shared with other code)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence

from feeds.status import InstanceView

# Upper bounds (seconds) of the fetch-latency histogram buckets.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    """Thread-safe: polls run on the scheduler's worker threads, the server reads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[tuple[str, str, str], float] = defaultdict(float)
        self._buckets: dict[str, list[int]] = {}
        self._latency_sum: dict[str, float] = defaultdict(float)
        self._latency_count: dict[str, int] = defaultdict(int)
        self._gauges: dict[tuple[str, str], float] = {}

    def poll(self, source_id: str, *, ok: bool, new: int, seconds: float) -> None:
        with self._lock:
            self._counters[("feeds_polls_total", source_id, "")] += 1
            if not ok:
                self._counters[("feeds_poll_failures_total", source_id, "")] += 1
            self._counters[("feeds_items_new_total", source_id, "")] += new
            self._gauges[("feeds_last_poll_duration_seconds", source_id)] = seconds

    def skipped(self, source_id: str) -> None:
        with self._lock:
            self._counters[("feeds_polls_skipped_total", source_id, "")] += 1

    def deferred(self, source_id: str) -> None:
        with self._lock:
            self._counters[("feeds_polls_deferred_total", source_id, "")] += 1

    def fetch(self, source_id: str, *, status: int, seconds: float, size: int) -> None:
        with self._lock:
            self._counters[("feeds_fetches_total", source_id, str(status))] += 1
            self._counters[("feeds_fetched_bytes_total", source_id, "")] += size
            buckets = self._buckets.setdefault(source_id, [0] * len(LATENCY_BUCKETS))
            for index, bound in enumerate(LATENCY_BUCKETS):
                if seconds <= bound:
                    buckets[index] += 1
            self._latency_sum[source_id] += seconds
            self._latency_count[source_id] += 1

    def gauge(self, name: str, source_id: str, value: float) -> None:
        with self._lock:
            self._gauges[(name, source_id)] = value

    def render(self) -> str:
        """The Prometheus text exposition format, version 0.0.4."""
        help_text = {
            "feeds_polls_total": ("counter", "Polls run, per source."),
            "feeds_poll_failures_total": ("counter", "Polls that failed, per source."),
            "feeds_polls_skipped_total": (
                "counter",
                "Polls not started because the source's previous poll was still running.",
            ),
            "feeds_polls_deferred_total": (
                "counter",
                "Polls put off a few seconds: the source's host had its share of polls running.",
            ),
            "feeds_items_new_total": ("counter", "New items published, per source."),
            "feeds_fetches_total": ("counter", "HTTP requests made, per source and status."),
            "feeds_fetched_bytes_total": ("counter", "Body bytes fetched, per source."),
        }
        lines: list[str] = []
        with self._lock:
            counters = dict(self._counters)
            gauges = dict(self._gauges)
            buckets = {k: list(v) for k, v in self._buckets.items()}
            sums, counts = dict(self._latency_sum), dict(self._latency_count)
        for name, (kind, text) in help_text.items():
            lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]
            for (metric, source_id, status), value in sorted(counters.items()):
                if metric == name:
                    labels = f'source="{_esc(source_id)}"'
                    if status:
                        labels += f',status="{status}"'
                    lines.append(f"{name}{{{labels}}} {_num(value)}")
        name = "feeds_fetch_duration_seconds"
        lines += [f"# HELP {name} Time to fetch one page.", f"# TYPE {name} histogram"]
        for source_id in sorted(buckets):
            label = f'source="{_esc(source_id)}"'
            for bound, count in zip(LATENCY_BUCKETS, buckets[source_id], strict=True):
                lines.append(f'{name}_bucket{{{label},le="{bound}"}} {count}')
            lines.append(f'{name}_bucket{{{label},le="+Inf"}} {counts[source_id]}')
            lines.append(f"{name}_sum{{{label}}} {_num(sums[source_id])}")
            lines.append(f"{name}_count{{{label}}} {counts[source_id]}")
        for gauge in sorted({g for g, _ in gauges}):
            lines += [f"# TYPE {gauge} gauge"]
            for (metric, source_id), value in sorted(gauges.items()):
                if metric == gauge:
                    lines.append(f'{gauge}{{source="{_esc(source_id)}"}} {_num(value)}')
        return "\n".join(lines) + "\n"


# Per-instance gauges of a cluster (issue 16): every instance's /metrics shows them all,
# from the heartbeats in the database, so one scrape of any instance sees the cluster.
INSTANCE_GAUGES = {
    "feeds_instance_heartbeat_age_seconds": "Seconds since the instance's last heartbeat.",
    "feeds_instance_polls": "Polls the instance ran since it started.",
    "feeds_instance_same_config": "1 when the instance's config file is this one's, else 0.",
}


def _instance_values(instance: InstanceView) -> tuple[float, float, float]:
    """The gauges of ``INSTANCE_GAUGES`` for one instance, in that order."""
    return round(instance.age, 3), instance.polls, int(instance.same_config)


def instance_metrics(instances: Sequence[InstanceView]) -> str:
    """The gauges of ``INSTANCE_GAUGES``, labelled ``instance="host:pid"``, in the text
    format of ``Metrics.render``; empty for one process on SQLite (no instances)."""
    if not instances:
        return ""
    lines: list[str] = []
    ordered = sorted(instances, key=lambda i: i.name)
    for index, (name, text) in enumerate(INSTANCE_GAUGES.items()):
        lines += [f"# HELP {name} {text}", f"# TYPE {name} gauge"]
        for instance in ordered:
            value = _instance_values(instance)[index]
            lines.append(f'{name}{{instance="{_esc(instance.name)}"}} {_num(value)}')
    return "\n".join(lines) + "\n"


def _esc(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))
