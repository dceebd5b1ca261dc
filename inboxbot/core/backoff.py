"""Exponential backoff with jitter: how long to wait before trying a failed connection again."""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass
class Backoff:
    """1 s, 2 s, 4 s ... up to ``cap``, each drawn between half and all of it ("equal jitter"), so a
    crowd of workers that lost the same server does not come back at the same instant."""

    base: float = 1.0
    cap: float = 60.0
    factor: float = 2.0
    rng: random.Random = field(default_factory=random.Random)
    attempts: int = 0

    def next_delay(self) -> float:
        ceiling = min(self.cap, self.base * self.factor**self.attempts)
        self.attempts += 1
        return self.rng.uniform(ceiling / 2, ceiling)

    def reset(self) -> None:
        self.attempts = 0
