"""Small helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def describe(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=20) if len(samples) >= 20 else [min(samples), max(samples)]
    return (f"median {statistics.median(samples) * 1000:.3f} ms, p5 {q[0] * 1000:.3f} ms, "
            f"p95 {q[-1] * 1000:.3f} ms over {len(samples)} runs")
