"""Optimizer step time: numbagrad's fused kernels against PyTorch's default, foreach and fused optimizers.

Run: ``python -m benchmarks.optim_step`` (``--n 1000000``, ``--rounds 9``, ``--block 20``, ``--warmup 200``,
``--pause 0.5``, ``--json PATH``).

One float32 parameter of ``n`` elements with a fixed gradient; each figure is the time of
one ``optimizer.step()``. numbagrad and PyTorch run in two worker processes of the same
run (two thread pools in one process steal each other's cores: each side's parallel
steps then stall for a scheduler tick), taking turns: in each of ``--rounds`` rounds
every contender runs ``--block`` steps, so load on the machine hits all alike (after
``--warmup`` steps each, the two workers one after the other, and with ``--pause``
seconds between turns: with 0.05 s numbagrad's parallel steps stalled after PyTorch's
turns far more often than with 0.5 s). Figures are medians (and minima) over all steps. Rows:

* Adam, SGD with momentum and Lion: numbagrad ``auto`` (what ``optim`` runs: above
  ``optim.kernels.PARALLEL_MIN`` elements, whichever of the serial and the 2-thread
  kernel has been faster lately, see ``optim.kernels._Adaptive``), numbagrad serial,
  numbagrad NumPy twin, PyTorch default (single-tensor on CPU), ``foreach=True`` and
  ``fused=True``. PyTorch has no Lion: its rows are the paper's update written with
  torch ops (single-tensor) and with ``torch._foreach_*`` ops.
* ``kernels``: each fused kernel alone, serial against ``parallel=True``.
* ``mlp``: Adam over the 4 parameters of a 784-256-10 MLP (per-parameter overhead).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import multiprocessing as mp
import os
import platform
import statistics
import time

import numpy as np

SHAPES_MLP = [(256, 784), (256,), (10, 256), (10,)]


# ---- numbagrad side --------------------------------------------------------------------------------


@contextlib.contextmanager
def _backend(mode: str):
    """``auto``: as shipped; ``serial``: never the parallel kernels; ``numpy``: the NumPy twins."""
    from optim import kernels as K

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
    import autograd as ag

    rng = np.random.default_rng(0)
    params = [ag.tensor(rng.standard_normal(s).astype(np.float32), requires_grad=True) for s in shapes]
    for p in params:
        p.grad = ag.tensor(rng.standard_normal(p.shape).astype(np.float32) * 1e-3)
    opt = make_opt(params)

    def step():
        with _backend(mode):
            opt.step()

    return step


def _kernel_args(name: str, n: int) -> list:
    rng = np.random.default_rng(0)
    f = np.float32
    arr = lambda: np.abs(rng.standard_normal(n)).astype(f) + f(0.5)  # noqa: E731
    p, g = rng.standard_normal(n).astype(f), rng.standard_normal(n).astype(f)
    table = {
        "sgd": ([arr()], (-0.01, 0.0, 0.9, 1.0), (False, True, False, False, False)),
        "adam": ([arr(), arr(), np.empty(0, f)], (-1e-3, 1.0, 1e-8, 0.1, 0.999, 0.001, 0.0, 1.0), (False, False, False, False)),
        "adagrad": ([arr()], (-0.01, 1e-10, 0.0), (False, False)),
        "rmsprop": ([arr(), np.empty(0, f), np.empty(0, f)], (-0.01, 0.99, 0.01, 1e-8, 0.0, 0.0), (False, False, False, False)),
        "nadam": ([arr(), arr()], (-1e-3, -1e-2, 0.5, 1e-8, 0.1, 0.999, 0.001, 0.0, 1.0), (False, False, False)),
        "adadelta": ([arr(), arr()], (-1.0, 0.9, 0.1, 1e-6, 0.0), (False, False)),
        "lion": ([arr()], (-1e-4, 0.9, 0.1, 0.99, 0.01, 1.0), (False, False)),
    }
    state, scalars, flags = table[name]
    return [p, g, *state, *map(f, scalars), *flags]


def build_numbagrad(n: int) -> dict:
    import optim
    from optim import kernels as K

    makers = {
        "Adam": lambda ps: optim.Adam(ps, lr=1e-3),
        "SGD momentum": lambda ps: optim.SGD(ps, lr=1e-2, momentum=0.9),
        "Lion": lambda ps: optim.Lion(ps, lr=1e-4, weight_decay=0.01),
    }
    modes = ("auto", "serial", "numpy")
    sections = {name: {f"numbagrad ({m})": _ours(make, [(n,)], m) for m in modes} for name, make in makers.items()}
    kernels = {}
    for name in K.NAMES:
        args = _kernel_args(name, n)
        kernels[f"{name} serial"] = lambda f=K.compiled(name), a=args: f(*a)
        kernels[f"{name} parallel"] = lambda f=K.compiled(name, parallel=True), a=args: f(*a)
    sections["kernels"] = kernels
    sections["mlp"] = {"numbagrad": _ours(makers["Adam"], SHAPES_MLP, "auto")}
    return sections


# ---- PyTorch side ----------------------------------------------------------------------------------


def _torch(make_opt, shapes, **kw):
    import torch

    gen = torch.Generator().manual_seed(0)
    params = [torch.randn(s, generator=gen, requires_grad=True) for s in shapes]
    for p in params:
        p.grad = torch.randn(p.shape, generator=gen) * 1e-3
    return make_opt(params, **kw).step


def _torch_lion(shapes, foreach: bool):
    """Lion with torch ops (the paper's Program 1), single-tensor or with _foreach ops."""
    import torch

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


def build_torch(n: int) -> dict:
    import torch

    # Freeing a 16 MB block raises glibc's mmap threshold to 16 MB, as any numpy-heavy
    # process has long done: the default optimizer's 4 MB temporaries then come from the
    # heap instead of fresh (page-faulting) mmaps, PyTorch's best case (3-5x faster).
    del_me = np.ones(16 << 20, dtype=np.uint8)
    del del_me

    adam = lambda ps, **kw: torch.optim.Adam(ps, lr=1e-3, **kw)  # noqa: E731
    sgd = lambda ps, **kw: torch.optim.SGD(ps, lr=1e-2, momentum=0.9, **kw)  # noqa: E731
    rows = lambda make, shapes: {  # noqa: E731
        "torch default": _torch(make, shapes),
        "torch foreach": _torch(make, shapes, foreach=True),
        "torch fused": _torch(make, shapes, fused=True),
    }
    return {
        "Adam": rows(adam, [(n,)]),
        "SGD momentum": rows(sgd, [(n,)]),
        "Lion": {"torch ops (single-tensor)": _torch_lion([(n,)], False), "torch _foreach ops": _torch_lion([(n,)], True)},
        "mlp": rows(adam, SHAPES_MLP),
    }


# ---- the two workers and the turns -----------------------------------------------------------------


def _worker(conn, side: str, n: int, warmup: int) -> None:
    sections = build_torch(n) if side == "torch" else build_numbagrad(n)
    info = {}
    if side == "torch":
        import torch

        info = {"torch": torch.__version__, "torch_threads": torch.get_num_threads()}
    else:
        import numba

        info = {"numba": numba.__version__, "numba_threads": numba.get_num_threads()}
    for rows in sections.values():
        for f in rows.values():
            for _ in range(warmup):  # compile, allocate, warm caches, let optim's kernel choice settle
                f()
    conn.send(info)
    pc = time.perf_counter
    while (block := conn.recv()) is not None:
        out = {}
        for section, rows in sections.items():
            for name, f in rows.items():
                ts = []
                for _ in range(block):
                    t = pc()
                    f()
                    ts.append(pc() - t)
                out[f"{section}|{name}"] = ts
        conn.send(out)
    conn.send(_adaptive_state() if side == "numbagrad" else {})


def _adaptive_state() -> dict:
    """Which version optim's adaptive choice ended on, with the median ms per 1e6 elements of each."""
    from optim import kernels as K

    def med(ts):
        return None if not ts else round(1e9 * sorted(ts)[len(ts) // 2], 3)

    return {
        f"adaptive {name} {dt}": {
            "chose": "parallel" if a.best else "serial", "parallel": med(a.times[True]), "serial": med(a.times[False])
        }
        for (name, dt), a in K._adaptive.items()
    }


def run(n: int, rounds: int, block: int, warmup: int, pause: float = 0.5) -> dict:
    sides = ["numbagrad"] + (["torch"] if importlib.util.find_spec("torch") else [])
    ctx = mp.get_context("spawn")
    workers = []
    info = {"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(), "n": n,
            "loadavg_before": os.getloadavg()}
    for side in sides:  # one after the other: each warms up alone
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker, args=(child, side, n, warmup), daemon=True)
        proc.start()
        info.update(parent.recv())
        workers.append((parent, proc))
    samples: dict[str, list[float]] = {}
    try:
        for _ in range(rounds):
            for parent, _ in workers:
                parent.send(block)
                for key, ts in parent.recv().items():
                    samples.setdefault(key, []).extend(ts)
                time.sleep(pause)  # let the other side's idle threads go to sleep
    finally:
        for parent, proc in workers:
            parent.send(None)
            info.update(parent.recv())
            proc.join(timeout=30)
    info["loadavg_after"] = os.getloadavg()
    results: dict = {"info": info}
    for key, ts in samples.items():
        section, name = key.split("|")
        results.setdefault(section, {})[name] = {"median_ms": 1e3 * statistics.median(ts), "min_ms": 1e3 * min(ts)}
    return results


def _table(title: str, rows: dict, ref: str | None) -> str:
    head = "| | median ms | min ms |" + (f" vs {ref} |" if ref else "")
    lines = [f"\n### {title}\n", head, "|---|---|---|" + ("---|" if ref else "")]
    for k, v in rows.items():
        ratio = f" {v['median_ms'] / rows[ref]['median_ms']:.2f}x |" if ref and ref in rows else (" |" if ref else "")
        lines.append(f"| {k} | {v['median_ms']:.3f} | {v['min_ms']:.3f} |" + ratio)
    return "\n".join(lines)


def report(results: dict) -> str:
    info = results["info"]
    has_torch = "torch" in info
    out = [f"# optimizer step, {info['n']:,} float32 parameters\n\n{json.dumps(info)}"]
    for name in ("Adam", "SGD momentum", "Lion"):
        ref = ("torch ops (single-tensor)" if name == "Lion" else "torch fused") if has_torch else None
        out.append(_table(name, results[name], ref))
        if has_torch and name == "Adam":
            rows = results[name]
            ours, fused, default = (rows[k]["median_ms"] for k in ("numbagrad (auto)", "torch fused", "torch default"))
            out.append(f"\nAdam target: ours/fused = {ours / fused:.2f} (<= 1), ours/default = {ours / default:.2f} (<= 1/3)")
    out.append("\n### kernels alone: serial vs parallel=True (2 threads)\n")
    out.append("| kernel | serial ms | parallel ms | parallel/serial |\n|---|---|---|---|")
    k = results["kernels"]
    for name in dict.fromkeys(key.split()[0] for key in k):
        s, p = k[f"{name} serial"]["median_ms"], k[f"{name} parallel"]["median_ms"]
        out.append(f"| {name} | {s:.3f} | {p:.3f} | {p / s:.2f} |")
    title = "Adam on a 784-256-10 MLP (4 parameters, 203,530 elements)"
    out.append(_table(title, results["mlp"], "torch default" if has_torch else None))
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--block", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=200)
    ap.add_argument("--pause", type=float, default=0.5, help="seconds between turns")
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    results = run(args.n, args.rounds, args.block, args.warmup, args.pause)
    print(report(results))
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)


if __name__ == "__main__":
    main()
