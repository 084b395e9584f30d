"""Rate limits on the forms people (and robots) hammer: sign-in, sign-up, links, ballot entry.

A sliding window per form and client address, in this process's memory: enough
for one server; several would share it through the database or a cache.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class RateLimit:
    """At most `limit` attempts per `seconds` for each key."""

    limit: int
    seconds: float
    clock: Callable[[], float] = time.monotonic
    _hits: dict[str, deque[float]] = field(default_factory=lambda: defaultdict(deque))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, key: str) -> bool:
        """Count an attempt for `key`; `False` if it is one too many."""
        now = self.clock()
        with self._lock:
            hits = self._hits[key]
            while hits and hits[0] <= now - self.seconds:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


def default_limits() -> dict[str, RateLimit]:
    """The limits of each rate-limited form."""
    return {
        "sign-in": RateLimit(10, 60),
        "sign-up": RateLimit(5, 60),
        "reset-password": RateLimit(5, 60),
        "confirm-email": RateLimit(5, 60),
        "ballot-entry": RateLimit(10, 60),
    }
