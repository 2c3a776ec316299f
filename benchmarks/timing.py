"""Alternating timings in a shuffled order: every round runs each contender once, in a new order.

Running the contenders in one fixed order every round makes each one always run right after
the same neighbour (and rotating a fixed order keeps the neighbours too). On a
small machine that neighbour's leftovers are not neutral: OpenBLAS and OpenMP worker threads
keep spinning for a while after a call and take cores from whatever runs next, so the
contender that always follows PyTorch pays for PyTorch's threads. Shuffling the order every
round (seeded, so runs are repeatable) gives every contender every neighbour, and a short
untimed pause before each block (``SETTLE``) lets the previous contender's threads stop
spinning: with PyTorch's OpenMP pool and OpenBLAS's pool in one process, 1024x1024 NumPy
products measured 200 GFLOP/s with a 10 ms pause and 165 without (2 cores). The figure is
still the median over rounds of each contender's time per call.

Example:
    >>> from benchmarks.timing import alternate
    >>> t = alternate({"a": lambda: sum(range(100)), "b": lambda: sum(range(1000))}, repeats=5, pause=0)
    >>> sorted(t), t["a"] < t["b"]
    (['a', 'b'], True)
"""

from __future__ import annotations

import random
import statistics
import time

SETTLE = 0.01
"""Seconds of untimed sleep before each timed block."""


def alternate(fns: dict, repeats: int, inner: int = 1, seed: int = 0, pause: float = SETTLE) -> dict:
    """Median seconds per call of each function; every round runs all of them once, in a fresh random order,
    each block of ``inner`` calls after ``pause`` seconds of sleep."""
    for f in fns.values():
        f()
    order = list(fns)
    rng = random.Random(seed)
    times: dict = {k: [] for k in order}
    pc = time.perf_counter
    for _ in range(repeats):
        rng.shuffle(order)
        for k in order:
            f = fns[k]
            if pause:
                time.sleep(pause)
            t = pc()
            for _ in range(inner):
                f()
            times[k].append((pc() - t) / inner)
    return {k: statistics.median(v) for k, v in times.items()}
