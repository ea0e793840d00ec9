"""Per-host limits shared by the instances of a cluster (issue 16): the store's slots and
start times on a real PostgreSQL, and what ``HostLimits`` does with a gate that answers,
refuses or fails (pure, with a gate of lists)."""

from __future__ import annotations

import threading
import time

import pytest

from feeds.errors import FetchError, StoreError
from feeds.fetch import HostLimits
from feeds.store import open_cluster


def test_host_slots_are_leased_given_back_and_expire(pg_url):
    gate = open_cluster(pg_url)
    first = gate.take_host_slot("a.example", 2, "one", 60)
    second = gate.take_host_slot("a.example", 2, "two", 60)
    assert {first, second} == {0, 1}
    assert gate.take_host_slot("a.example", 2, "three", 60) is None
    assert gate.take_host_slot("b.example", 2, "three", 60) == 0  # hosts apart
    gate.give_host_slot("a.example", second, "someone else")  # not theirs: nothing
    assert gate.take_host_slot("a.example", 2, "three", 60) is None
    gate.give_host_slot("a.example", second, "two")
    assert gate.take_host_slot("a.example", 2, "three", 60) == second
    # A lowered limit counts the first slots only; a lease run out is anyone's.
    assert gate.take_host_slot("c.example", 1, "dead", 0.05) == 0
    assert gate.take_host_slot("c.example", 1, "live", 60) is None
    time.sleep(0.1)
    assert gate.take_host_slot("c.example", 1, "live", 60) == 0
    gate.give_host_slot("c.example", 0, "dead")  # too late: the slot stays the live one's
    assert gate.take_host_slot("c.example", 1, "other", 60) is None


def test_renewed_slots_are_kept_and_a_silent_holder_s_lapse(pg_url):
    """A live instance renews the leases of its slots; a killed one's lapse within a lease
    (issue 16: 20 kills with leases of minutes once left a host no slot for the others)."""
    gate = open_cluster(pg_url)
    assert gate.take_host_slot("a.example", 2, "live", 0.6) == 0
    assert gate.take_host_slot("a.example", 2, "killed", 0.6) == 1
    for _ in range(4):
        time.sleep(0.2)
        gate.renew_host_slots(["live"], 0.6)
    # 0.8 s later: the killed holder's slot is anyone's, the renewed one is still held.
    assert gate.take_host_slot("a.example", 2, "other", 60) == 1
    assert gate.take_host_slot("a.example", 2, "third", 60) is None


def test_host_slots_taken_at_once_go_to_one_taker_each(pg_url):
    gate = open_cluster(pg_url)
    # Once the host's rows exist (a taker that finds none makes them, and a taker that
    # loses that race tries again after a pause, as for a slot held).
    seed = gate.take_host_slot("a.example", 3, "seed", 60)
    assert seed == 0
    gate.give_host_slot("a.example", seed, "seed")
    got: list[int | None] = []

    def take(n: int) -> None:
        got.append(gate.take_host_slot("a.example", 3, f"t{n}", 60))

    threads = [threading.Thread(target=take, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(g for g in got if g is not None) == [0, 1, 2]


def test_host_starts_are_spaced_by_the_interval(pg_url):
    gate = open_cluster(pg_url)
    waits = [gate.reserve_host_start("a.example", 2.0) for _ in range(3)]
    assert waits[0] == 0.0
    # Each reservation starts one interval after the one before it (less the time taken).
    assert 1.5 < waits[1] <= 2.0
    assert 3.5 < waits[2] <= 4.0
    assert gate.reserve_host_start("b.example", 2.0) == 0.0


class ListGate:
    """A gate in memory: ``free`` slots per host, or an error on every call."""

    def __init__(self, free: int, fails: bool = False) -> None:
        self.free = free
        self.fails = fails
        self.taken: list[str] = []
        self.given: list[str] = []
        self.renewed: list[list[str]] = []

    def take_host_slot(self, host: str, slots: int, holder: str, lease: float) -> int | None:
        if self.fails:
            raise StoreError("the server went away")
        if len(self.taken) - len(self.given) >= self.free:
            return None
        self.taken.append(holder)
        return len(self.taken) - 1

    def give_host_slot(self, host: str, slot: int, holder: str) -> None:
        self.given.append(holder)

    def renew_host_slots(self, holders: list[str], lease: float) -> None:
        if self.fails:
            raise StoreError("the server went away")
        self.renewed.append(list(holders))

    def reserve_host_start(self, host: str, interval: float) -> float:
        return 0.0


def test_a_slot_of_the_cluster_is_taken_for_the_request_and_given_back():
    gate = ListGate(free=1)
    limits = HostLimits(2, cluster=gate, patience=1)
    with limits.slot("http://a.example/x"):
        assert len(gate.taken) == 1 and not gate.given
    assert gate.given == gate.taken


def test_no_slot_free_in_the_request_deadline_fails_that_request_clearly():
    limits = HostLimits(2, cluster=ListGate(free=0), patience=0.2)
    started = time.monotonic()
    with (
        pytest.raises(FetchError, match=r"no request slot of a\.example came free in 0\.2 s"),
        limits.slot("http://a.example/x"),
    ):
        pass
    assert time.monotonic() - started < 1.0


def test_a_failing_database_leaves_the_request_to_this_instance_s_limits(caplog):
    limits = HostLimits(1, cluster=ListGate(free=1, fails=True), patience=5)
    with limits.slot("http://a.example/x"):
        entered = True
    assert entered
    assert "shared host limits failed, a.example keeps to this instance's" in caplog.text


def test_a_slot_held_through_a_long_request_is_renewed_until_given_back():
    gate = ListGate(free=1)
    limits = HostLimits(1, cluster=gate, patience=1, lease=0.3)
    with limits.slot("http://a.example/x"):
        time.sleep(0.5)  # longer than the lease: renewed meanwhile (every 0.1 s)
        (holder,) = gate.taken
        assert [holder] in gate.renewed
    time.sleep(0.3)  # the renewing thread ends with the last slot given back
    renewals = len(gate.renewed)
    time.sleep(0.3)
    assert len(gate.renewed) == renewals
    assert not limits._renewing
