"""Speed sections on kernels: the per-op overhead chain, elementwise forward+backward, matmul against BLAS.

Every figure is a median of alternated runs (``benchmarks.timing.alternate``, shuffled order) and is reported as
a ratio to a reference measured in the same process. Each section returns
``{"table": {"headers", "rows"}, "figures": {...}, "ratios": [{"label", "value", "vs", "target"}]}``.

Example:
    >>> from benchmarks.speed_kernels import elementwise
    >>> out = elementwise(None, quick=True, sizes=(1000,), ops=("relu",))
    >>> out["table"]["headers"][:3]
    ['op', 'elements', 'ours us']
"""

from __future__ import annotations

import numpy as np

import autograd as ag
import nn.functional as F

from . import core
from .kernel_sets import numba_active, use
from .tables import num
from .timing import alternate

ELEMENTWISE_OPS = ("relu", "gelu", "sigmoid", "softmax", "cross_entropy")
ELEMENTWISE_SIZES = (1_000, 100_000, 10_000_000)
ROW = 100  # classes per row for softmax and cross-entropy


def ratio(label: str, value: float, vs: str, target: float | None = None, group: str = "", ours: str = "ours") -> dict:
    """One ratio figure (``ours``' time / ``vs``'s): what the plots draw and the targets table checks."""
    return {"label": label, "value": value, "vs": vs, "ours": ours, "target": target, "group": group,
            "met": None if target is None else bool(value <= target)}


# ---- per-op overhead ------------------------------------------------------------------------------------
def chain(torch, quick: bool = False) -> dict:
    """Forward+backward of a 100-op elementwise chain on 1000 float32 elements (``core.op_chain``)."""
    figs = core.op_chain()
    rows = [["ours", num(figs["us_per_op_ours"]), "-"]]
    ratios = []
    if "ratio_vs_torch" in figs:
        rows.append(["torch", num(figs["us_per_op_torch"]), "-"])
        rows[0][2] = num(figs["ratio_vs_torch"])
        ratios.append(ratio("100-op chain", figs["ratio_vs_torch"], "torch", 0.45))
    return {"table": {"headers": ["impl", "us per op (fwd+bwd)", "ours / torch"], "rows": rows}, "figures": figs,
            "ratios": ratios}


# ---- elementwise kernels ----------------------------------------------------------------------------
def _problem(lib, op: str, n: int, xs: np.ndarray, ts: np.ndarray):
    """A closure running ``op`` forward and backward once in ``lib`` (autograd's ``nn.functional`` or torch's)."""
    is_torch = lib is not None
    f = lib.nn.functional if is_torch else F
    wrap = (lambda a, rg=False: lib.from_numpy(a).requires_grad_(rg)) if is_torch else \
        (lambda a, rg=False: ag.tensor(a, requires_grad=rg))
    x = wrap(xs.copy(), True)
    if op == "cross_entropy":
        t = wrap(ts)

        def run():
            x.grad = None
            f.cross_entropy(x, t).backward()

        return run
    g = wrap(np.ones_like(xs))
    fn = {"relu": f.relu, "gelu": f.gelu, "sigmoid": lambda v: v.sigmoid(), "softmax": lambda v: f.softmax(v, dim=-1)}[op]

    def run():
        x.grad = None
        fn(x).backward(g)

    return run


def _blocked(run, impl: str | None, calls: int):
    """``calls`` runs inside one switch of the kernel implementation (so switching costs nothing per call)."""
    def block():
        if impl is None:
            for _ in range(calls):
                run()
        else:
            with use(impl):
                for _ in range(calls):
                    run()
    return block


def elementwise(torch, quick: bool = False, sizes=None, ops=ELEMENTWISE_OPS) -> dict:
    """relu, gelu, sigmoid, softmax (rows of 100), cross-entropy (100 classes): forward+backward, float32,
    at ``sizes`` elements (default 1e3, 1e5, 1e7; ``quick``: 1e3, 1e5).

    ``ours`` is the library as shipped (each kernel dispatched by size), ``numba`` forces every
    kernel onto its Numba loop, ``twins`` onto its NumPy twin; PyTorch with its default threads.
    """
    rows, ratios, figs = [], [], {}
    sizes = sizes or (ELEMENTWISE_SIZES[:2] if quick else ELEMENTWISE_SIZES)
    compiled = numba_active()
    for op in ops:
        for n in sizes:
            shape = (n,) if op in ("relu", "gelu", "sigmoid") else (max(1, n // ROW), ROW)
            rng = np.random.default_rng(n)
            xs = (rng.standard_normal(shape) * 2).astype(np.float32)
            ts = rng.integers(0, shape[-1], shape[0]) if len(shape) == 2 else np.zeros(1, np.int64)
            calls = max(1, min(200, int(2e6 // n)))
            ours = _problem(None, op, n, xs, ts)
            fns = {"ours": _blocked(ours, None, calls)}
            if compiled:
                fns["numba"] = _blocked(ours, "numba", calls)
                fns["twins"] = _blocked(ours, "twins", calls)
            if torch is not None:
                fns["torch"] = _blocked(_problem(torch, op, n, xs, ts), None, calls)
            repeats = 3 if quick else (9 if n < 10**6 else 5)
            t = {k: v / calls for k, v in alternate(fns, repeats=repeats).items()}
            figs[f"{op}/{n}"] = {k: v * 1e6 for k, v in t.items()}
            r_t = t["ours"] / t["torch"] if "torch" in t else None
            r_nt = t["numba"] / t["twins"] if compiled else None
            us = [num(t.get(k, np.nan) * 1e6) for k in ("ours", "numba", "twins", "torch")]
            rows.append([op, f"{n:.0e}", *us, num(r_t), num(t["numba"] / t["torch"]) if compiled and r_t else "-", num(r_nt)])
            if r_t is not None:
                ratios.append(ratio(f"{op} {n:.0e}", r_t, "torch", group=op))
            if r_nt is not None:
                ratios.append(ratio(f"{op} {n:.0e}", r_nt, "twins", group=op, ours="numba"))
    headers = ["op", "elements", "ours us", "numba us", "twins us", "torch us", "ours/torch", "numba/torch", "numba/twins"]
    return {"table": {"headers": headers, "rows": rows}, "figures": figs, "ratios": ratios}


# ---- matmul -------------------------------------------------------------------------------------------------
def blas_peak(n: int = 4096, runs: int = 3) -> float:
    """The machine's float32 GEMM peak in GFLOP/s: the best of ``runs`` ``n x n`` NumPy (BLAS) products."""
    import time

    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32)
    b = np.random.default_rng(1).standard_normal((n, n)).astype(np.float32)
    a @ b
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - t)
    return 2 * n**3 / best / 1e9


def matmul(torch, quick: bool = False) -> dict:
    """``n x n`` float32 matmul: ours against NumPy's ``@`` (and PyTorch's) in GFLOP/s, beside the BLAS peak;
    plus forward+backward at n=1024 against the same three products written in NumPy."""
    sizes = (256, 1024) if quick else (128, 512, 1024, 2048)
    peak = blas_peak(2048 if quick else 4096, 2 if quick else 3)
    rows, ratios, figs = [], [], {"blas_peak_gflops": peak}
    for n in sizes:
        rng = np.random.default_rng(n)
        an, bn = (rng.standard_normal((n, n)).astype(np.float32) for _ in range(2))
        a, b = ag.tensor(an), ag.tensor(bn)
        fns = {"ours": lambda a=a, b=b: a @ b, "numpy": lambda an=an, bn=bn: an @ bn}
        if torch is not None:
            at, bt = torch.from_numpy(an), torch.from_numpy(bn)
            fns["torch"] = lambda at=at, bt=bt: at @ bt
        inner = max(1, int(5e8 // n**3))
        t = alternate(fns, repeats=5 if quick else 21, inner=inner)
        gf = {k: 2 * n**3 / v / 1e9 for k, v in t.items()}
        figs[str(n)] = gf
        r = t["ours"] / t["numpy"]
        rows.append([f"{n}x{n} @ {n}x{n}", num(gf["ours"]), num(gf["numpy"]), num(gf.get("torch")), num(peak), num(r),
                     num(gf["ours"] / peak)])
        ratios.append(ratio(f"matmul {n}", r, "numpy", 1.05))
    # forward + backward (a @ b, then grad_a = g @ b.T, grad_b = a.T @ g)
    n = 1024 if not quick else 256
    rng = np.random.default_rng(0)
    an, bn, gn = (rng.standard_normal((n, n)).astype(np.float32) for _ in range(3))
    a, b, g = ag.tensor(an, requires_grad=True), ag.tensor(bn, requires_grad=True), ag.tensor(gn)

    def ours():
        a.grad = b.grad = None
        (a @ b).backward(g)

    t = alternate({"ours": ours, "numpy": lambda: (an @ bn, gn @ bn.T, an.T @ gn)}, repeats=5 if quick else 15)
    r = t["ours"] / t["numpy"]
    figs[f"fwd_bwd_{n}"] = {k: 3 * 2 * n**3 / v / 1e9 for k, v in t.items()}
    rows.append([f"{n}: forward+backward", num(figs[f"fwd_bwd_{n}"]["ours"]), num(figs[f"fwd_bwd_{n}"]["numpy"]), "-",
                 num(peak), num(r), num(figs[f"fwd_bwd_{n}"]["ours"] / peak)])
    ratios.append(ratio(f"matmul fwd+bwd {n}", r, "numpy", 1.05))
    headers = ["product", "ours GFLOP/s", "numpy GFLOP/s", "torch GFLOP/s", "BLAS peak", "ours/numpy time", "ours/peak"]
    return {"table": {"headers": headers, "rows": rows}, "figures": figs, "ratios": ratios}
