"""Alternating timings with a rotating order: ``benchmarks.core.alternate`` that starts each round elsewhere.

``core.alternate`` runs the contenders in one fixed order every round, so each one always runs
right after the same neighbour. On a small machine that neighbour's leftovers are not neutral:
OpenBLAS and OpenMP worker threads keep spinning for a while after a call and take cores from
whatever runs next. Rotating the starting contender each round spreads that cost over all of
them; the figure is still the median over rounds of each contender's time per call.

Example:
    >>> from benchmarks.timing import alternate
    >>> t = alternate({"a": lambda: sum(range(100)), "b": lambda: sum(range(1000))}, repeats=5)
    >>> sorted(t), t["a"] < t["b"]
    (['a', 'b'], True)
"""

from __future__ import annotations

import statistics
import time


def alternate(fns: dict, repeats: int, inner: int = 1) -> dict:
    """Median seconds per call of each function; rounds interleave all of them, starting one further each round."""
    for f in fns.values():
        f()
    names = list(fns)
    times: dict = {k: [] for k in names}
    pc = time.perf_counter
    for r in range(repeats):
        for k in names[r % len(names):] + names[:r % len(names)]:
            f = fns[k]
            t = pc()
            for _ in range(inner):
                f()
            times[k].append((pc() - t) / inner)
    return {k: statistics.median(v) for k, v in times.items()}
