"""Where the time goes: cProfile summaries of our MLP training step and of the op chain (``speed --profile``).

Example:
    >>> from benchmarks.profiles import top_functions
    >>> rows = top_functions(lambda: sum(range(1000)), calls=10, n=3)
    >>> sorted(rows[0])
    ['calls', 'cum_share', 'function', 'self_share']
"""

from __future__ import annotations

import cProfile
import os
import pstats

import numpy as np


def top_functions(fn, calls: int, n: int = 12) -> list:
    """The ``n`` functions with the most own time over ``calls`` calls of ``fn``: their share of the total
    own time (``self_share``), of the total (``cum_share``, including callees) and call counts."""
    for _ in range(3):
        fn()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        fn()
    prof.disable()
    stats = pstats.Stats(prof).stats
    total = sum(v[2] for v in stats.values()) or 1.0
    rows = []
    for (path, line, name), (_cc, nc, tt, ct, _callers) in stats.items():
        where = f"{os.path.relpath(path)}:{line}({name})" if path != "~" else name
        rows.append({"function": where, "calls": nc // calls if nc >= calls else nc, "self_share": tt / total,
                     "cum_share": ct / total})
    rows.sort(key=lambda r: -r["self_share"])
    return rows[:n]


def mlp_profile(batch: int, calls: int = 200, n: int = 12) -> list:
    """``top_functions`` of our MLP 784-256-128-10 step (cross-entropy, backward, Adam) at ``batch``."""
    import autograd as ag
    import nn.functional as F
    import optim

    from .mlp_step import SIZES, build_ours

    model = build_ours()
    opt = optim.Adam(model.parameters(), lr=1e-3)
    rng = np.random.default_rng(0)
    x = ag.tensor(rng.standard_normal((batch, SIZES[0])).astype(np.float32))
    y = ag.tensor(rng.integers(0, SIZES[-1], batch))

    def step():
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()

    return top_functions(step, calls, n)


def chain_profile(calls: int = 300, n: int = 12) -> list:
    """``top_functions`` of the 100-op chain of ``benchmarks.core.op_chain`` (50 x (mul, add) on 1000 elements)."""
    import autograd as ag

    x = ag.randn(1000, requires_grad=True)

    def run():
        y = x
        for _ in range(50):
            y = y * 1.0001
            y = y + 0.001
        y.sum().backward()

    return top_functions(run, calls, n)


def format_profile(rows: list) -> str:
    """A few lines: own-time share, total share, calls per run, function."""
    lines = [f"{'self':>6} {'total':>6} {'calls':>6}  function"]
    lines += [f"{r['self_share']:6.1%} {r['cum_share']:6.1%} {r['calls']:6d}  {r['function']}" for r in rows]
    return "\n".join(lines)
