"""When `coe up` restarts a crashed child: the pure policy (no processes, no clock of its own).

The API, the worker and the plant agents keep no state of their own, so a crash is worth a
restart after a growing pause (1 s, 2 s, 4 s … at most 30 s). A child that keeps crashing —
more than `max_restarts` times within `window_seconds` — is broken, not unlucky: then `coe up`
gives up and stops the platform. PostgreSQL and Temporal hold the platform's state and are never
restarted behind the operator's back: their end stops everything.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

RESTARTABLE = frozenset({"api", "worker", "plant-agents", "validation-agents"})


@dataclass
class RestartPolicy:
    """Exponential backoff for one child, bounded, and the point where restarting stops."""

    initial_seconds: float = 1.0
    maximum_seconds: float = 30.0
    max_restarts: int = 5
    window_seconds: float = 300.0
    _crashes: deque[float] = field(default_factory=deque, repr=False)

    def after_crash(self, now: float) -> float | None:
        """Seconds to wait before restarting after a crash at `now`, or None to give up."""
        self._crashes.append(now)
        while self._crashes[0] <= now - self.window_seconds:
            self._crashes.popleft()
        if len(self._crashes) > self.max_restarts:
            return None
        return min(self.initial_seconds * 2.0 ** (len(self._crashes) - 1), self.maximum_seconds)

    @property
    def recent_crashes(self) -> int:
        """Crashes counted in the current window (as of the last one)."""
        return len(self._crashes)
