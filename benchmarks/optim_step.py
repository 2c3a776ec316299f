"""Optimizer step time: numbagrad's fused kernels against PyTorch's default, foreach and fused optimizers.

Run: ``python -m benchmarks.optim_step`` (``--n 1000000``, ``--rounds 9``, ``--json PATH``).

One float32 parameter of ``n`` elements with a fixed gradient; each figure is the time
of one ``optimizer.step()``. Every contender runs in blocks of ``--block`` steps, the
blocks of all contenders alternate for ``--rounds`` rounds (so a burst of load on the
machine hits all alike), and the figure is the median over all steps. Rows:

* Adam, SGD with momentum and Lion: numbagrad ``auto`` (what ``optim`` runs: above
  ``optim.kernels.PARALLEL_MIN`` elements, whichever of the serial and the 2-thread
  kernel has been faster lately, see ``optim.kernels._Adaptive``), numbagrad serial,
  numbagrad NumPy twin, PyTorch default (single-tensor on CPU), ``foreach=True`` and
  ``fused=True``. PyTorch has no Lion: its rows are the paper's update written with
  torch ops (single-tensor) and with ``torch._foreach_*`` ops.
* ``kernels``: each fused kernel alone, serial against ``parallel=True``, which is how
  ``optim.kernels.PARALLEL`` was chosen.
* ``mlp``: Adam over the 4 parameters of a 784-256-10 MLP (per-parameter overhead).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import time

import numpy as np

import autograd as ag
import optim
from optim import kernels as K

try:
    import torch
except ImportError:  # pragma: no cover - optional
    torch = None


def measure(fns: dict, rounds: int, block: int) -> dict:
    """Median and min seconds per call; blocks of ``block`` calls, contenders alternating by block."""
    for f in fns.values():
        for _ in range(3):
            f()
    samples = {k: [] for k in fns}
    pc = time.perf_counter
    for _ in range(rounds):
        for k, f in fns.items():
            for _ in range(block):
                t = pc()
                f()
                samples[k].append(pc() - t)
    return {k: {"median_ms": 1e3 * statistics.median(v), "min_ms": 1e3 * min(v)} for k, v in samples.items()}


@contextlib.contextmanager
def _backend(mode: str):
    """``auto``: as shipped; ``serial``: never the parallel kernels; ``numpy``: the NumPy twins."""
    saved = K.BACKEND, K.PARALLEL
    if mode == "serial":
        K.PARALLEL = frozenset()
    elif mode == "numpy":
        K.BACKEND = "numpy"
    try:
        yield
    finally:
        K.BACKEND, K.PARALLEL = saved


def _ours(make_opt, shapes, mode: str):
    rng = np.random.default_rng(0)
    params = [ag.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True) for s in shapes]
    for p in params:
        p.grad = ag.tensor(rng.standard_normal(p.shape).astype(np.float32) * 1e-3)
    opt = make_opt(params)

    def step():
        with _backend(mode):
            opt.step()

    return step


def _torch(make_opt, shapes, **kw):
    gen = torch.Generator().manual_seed(0)
    params = [torch.randn(s, generator=gen, requires_grad=True) for s in shapes]
    for p in params:
        p.grad = torch.randn(p.shape, generator=gen) * 1e-3
    return make_opt(params, **kw).step


def _torch_lion(shapes, foreach: bool):
    """Lion with torch ops (paper's Program 1), single-tensor or with _foreach ops."""
    gen = torch.Generator().manual_seed(0)
    ps = [torch.randn(s, generator=gen) for s in shapes]
    gs = [torch.randn(s, generator=gen) * 1e-3 for s in shapes]
    ms = [torch.zeros_like(p) for p in ps]
    lr, b1, b2, wd = 1e-4, 0.9, 0.99, 0.01

    @torch.no_grad()
    def step():
        if foreach:
            torch._foreach_mul_(ps, 1 - lr * wd)
            upd = torch._foreach_mul(ms, b1)
            torch._foreach_add_(upd, gs, alpha=1 - b1)
            torch._foreach_sign_(upd)
            torch._foreach_add_(ps, upd, alpha=-lr)
            torch._foreach_mul_(ms, b2)
            torch._foreach_add_(ms, gs, alpha=1 - b2)
        else:
            for p, g, m in zip(ps, gs, ms):
                p.mul_(1 - lr * wd)
                p.add_((m * b1).add_(g, alpha=1 - b1).sign_(), alpha=-lr)
                m.mul_(b2).add_(g, alpha=1 - b2)

    return step


def optimizer_rows(n: int, rounds: int, block: int) -> dict:
    shapes = [(n,)]
    out = {}
    specs = {
        "Adam": (lambda ps: optim.Adam(ps, lr=1e-3), lambda ps, **kw: torch.optim.Adam(ps, lr=1e-3, **kw)),
        "SGD momentum": (
            lambda ps: optim.SGD(ps, lr=1e-2, momentum=0.9),
            lambda ps, **kw: torch.optim.SGD(ps, lr=1e-2, momentum=0.9, **kw),
        ),
        "Lion": (lambda ps: optim.Lion(ps, lr=1e-4, weight_decay=0.01), None),
    }
    for name, (ours, theirs) in specs.items():
        fns = {f"numbagrad ({mode})": _ours(ours, shapes, mode) for mode in ("auto", "serial", "numpy")}
        if torch is not None:
            if theirs is not None:
                fns["torch default"] = _torch(theirs, shapes)
                fns["torch foreach"] = _torch(theirs, shapes, foreach=True)
                fns["torch fused"] = _torch(theirs, shapes, fused=True)
            else:
                fns["torch ops (single-tensor)"] = _torch_lion(shapes, foreach=False)
                fns["torch _foreach ops"] = _torch_lion(shapes, foreach=True)
        out[name] = measure(fns, rounds, block)
    return out


def _kernel_args(name: str, n: int):
    rng = np.random.default_rng(0)
    f = np.float32
    arr = lambda: np.abs(rng.standard_normal(n)).astype(f) + f(0.5)  # noqa: E731
    p, g = rng.standard_normal(n).astype(f), rng.standard_normal(n).astype(f)
    t = f
    table = {
        "sgd": ([arr()], (-0.01, 0.0, 0.9, 1.0), (False, True, False, False, False)),
        "adam": ([arr(), arr(), arr()], (-1e-3, 1.0, 1e-8, 0.1, 0.999, 0.001, 0.0, 1.0), (False, False, False, False)),
        "adagrad": ([arr()], (-0.01, 1e-10, 0.0), (False, False)),
        "rmsprop": ([arr(), arr(), arr()], (-0.01, 0.99, 0.01, 1e-8, 0.0, 0.0), (False, False, False, False)),
        "nadam": ([arr(), arr()], (-1e-3, -1e-2, 0.5, 1e-8, 0.1, 0.999, 0.001, 0.0, 1.0), (False, False, False)),
        "adadelta": ([arr(), arr()], (-1.0, 0.9, 0.1, 1e-6, 0.0), (False, False)),
        "lion": ([arr()], (-1e-4, 0.9, 0.1, 0.99, 0.01, 1.0), (False, False)),
    }
    state, scalars, flags = table[name]
    return [p, g, *state, *map(t, scalars), *flags]


def kernels_serial_vs_parallel(n: int, rounds: int, block: int) -> dict:
    """Each kernel alone on n float32 elements: serial against parallel=True (is it worth 2 threads?)."""
    out = {}
    for name in K.NAMES:
        args = _kernel_args(name, n)
        serial, parallel = K.compiled(name), K.compiled(name, parallel=True)
        fns = {"serial": lambda f=serial, a=args: f(*a), "parallel": lambda f=parallel, a=args: f(*a)}
        out[name] = measure(fns, rounds, block)
    return out


def mlp_rows(rounds: int, block: int) -> dict:
    shapes = [(256, 784), (256,), (10, 256), (10,)]
    fns = {"numbagrad": _ours(lambda ps: optim.Adam(ps, lr=1e-3), shapes, "auto")}
    if torch is not None:
        make = lambda ps, **kw: torch.optim.Adam(ps, lr=1e-3, **kw)  # noqa: E731
        fns["torch default"] = _torch(make, shapes)
        fns["torch foreach"] = _torch(make, shapes, foreach=True)
        fns["torch fused"] = _torch(make, shapes, fused=True)
    return measure(fns, rounds, block)


def _table(title: str, rows: dict, ref: str | None) -> str:
    head = "| | median ms | min ms |" + (f" vs {ref} |" if ref else "")
    lines = [f"\n### {title}\n", head, "|---|---|---|" + ("---|" if ref else "")]
    for k, v in rows.items():
        ratio = f" {v['median_ms'] / rows[ref]['median_ms']:.2f}x |" if ref and ref in rows else (" |" if ref else "")
        lines.append(f"| {k} | {v['median_ms']:.3f} | {v['min_ms']:.3f} |" + ratio)
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--block", type=int, default=20)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    import numba

    info = {
        "machine": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "numba_threads": numba.get_num_threads(),
        "torch": None if torch is None else torch.__version__,
        "torch_threads": None if torch is None else torch.get_num_threads(),
        "loadavg_before": os.getloadavg(),
        "n": args.n,
    }
    results = {"info": info, "optimizers": optimizer_rows(args.n, args.rounds, args.block)}
    results["kernels"] = kernels_serial_vs_parallel(args.n, args.rounds, args.block)
    results["mlp"] = mlp_rows(args.rounds, args.block)
    info["loadavg_after"] = os.getloadavg()

    print(f"# optimizer step, {args.n:,} float32 parameters ({json.dumps(info)})")
    ref = "torch fused" if torch is not None else None
    for name, rows in results["optimizers"].items():
        r = ref if name != "Lion" else ("torch ops (single-tensor)" if torch is not None else None)
        print(_table(name, rows, r))
        if torch is not None and name == "Adam":
            ours, fused, default = (rows[k]["median_ms"] for k in ("numbagrad (auto)", "torch fused", "torch default"))
            print(f"\nAdam target: ours/fused = {ours / fused:.2f} (<= 1), ours/default = {ours / default:.2f} (<= 1/3)")
    print("\n### kernels alone: serial vs parallel=True (2 threads)\n\n| kernel | serial ms | parallel ms | parallel/serial |")
    print("|---|---|---|---|")
    for name, rows in results["kernels"].items():
        s, p = rows["serial"]["median_ms"], rows["parallel"]["median_ms"]
        print(f"| {name} | {s:.3f} | {p:.3f} | {p / s:.2f} |")
    print(_table("Adam on a 784-256-10 MLP (4 parameters, 203,530 elements)", results["mlp"], "torch default" if torch else None))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
