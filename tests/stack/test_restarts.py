"""The restart policy of `coe up`: exponential backoff, bounded, and giving up on a child that
keeps crashing (pure: times are passed in)."""

from __future__ import annotations

from coe.stack.restarts import RESTARTABLE, RestartPolicy


def test_backoff_doubles_up_to_the_maximum() -> None:
    policy = RestartPolicy(initial_seconds=1, maximum_seconds=30, max_restarts=10)
    delays = [policy.after_crash(now=float(t)) for t in range(7)]
    assert delays == [1, 2, 4, 8, 16, 30, 30]


def test_it_gives_up_after_too_many_crashes_within_the_window() -> None:
    policy = RestartPolicy(max_restarts=5, window_seconds=300)
    assert [policy.after_crash(now=t * 10.0) for t in range(5)] == [1, 2, 4, 8, 16]
    assert policy.after_crash(now=50.0) is None
    assert policy.recent_crashes == 6


def test_crashes_outside_the_window_are_forgotten() -> None:
    policy = RestartPolicy(max_restarts=2, window_seconds=60)
    assert policy.after_crash(now=0.0) == 1
    assert policy.after_crash(now=10.0) == 2
    # A long healthy run later, a crash starts again from the first pause.
    assert policy.after_crash(now=500.0) == 1
    assert policy.recent_crashes == 1


def test_only_stateless_children_are_restarted() -> None:
    assert {"api", "worker", "plant-agents", "validation-agents"} == RESTARTABLE
    assert "temporal" not in RESTARTABLE
