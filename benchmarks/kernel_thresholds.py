"""Measure where each Numba kernel beats its NumPy twin, and the kernels against PyTorch.

    python -m benchmarks.kernel_thresholds            # twin / Numba per kernel and size; prints THRESHOLDS
    python -m benchmarks.kernel_thresholds --torch    # fwd+bwd through autograd: Numba, twins, PyTorch
    python -m benchmarks.kernel_thresholds --torch --ops relu --torch-threads 1

The first part times each kernel alone (best of several repeats, warm cache, compiled) at
sizes 1 .. 1e6 in float32 and float64, prints twin time / Numba time, and derives for each
kernel the element-count range ``[lo, hi)``: the longest run of measured sizes where Numba is
faster by ``--margin`` for both dtypes.
The printed dict goes into ``autograd/kernels/dispatch.py``. The second part times
``y = f(x); y.backward(g)`` end to end in one process, our engine on the dispatched kernels,
on the twins only, and PyTorch (when installed), as ratios to PyTorch.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograd import kernels as K  # noqa: E402
from autograd.kernels import numba_kernels as NK  # noqa: E402
from autograd.kernels import numpy_twins as T  # noqa: E402

SIZES = [1, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576]
PARAMS = {"leaky_relu": (0.01,), "elu": (1.0,), "softplus": (1.0, 20.0), "gelu": (False,)}
ROW = 128  # row length for the softmax kernels
COLS = 256  # output features for bias_act


def best_time(fn, budget: float = 0.05, repeat: int = 5) -> float:
    """Seconds per call: best of ``repeat`` runs of a loop sized to take about ``budget`` seconds.

    Example:
        >>> best_time(lambda: None, budget=0.001) < 1e-3
        True
    """
    fn()
    n, t = 1, 0.0
    while t < budget / 10:
        t = timeit.timeit(fn, number=n)
        n *= 4
    number = max(1, int(n / 4 * budget / 10 / max(t, 1e-9)))
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def calls(name: str, n: int, dtype):
    """(twin call, numba call) on fresh inputs of ``n`` elements for kernel ``name``."""
    rng = np.random.default_rng(0)
    base = name.replace("_backward", "").replace("_lastdim", "")
    params = PARAMS.get(base, ())
    if name == "bias_act":
        rows = max(1, n // COLS)
        out = rng.standard_normal((rows, min(n, COLS))).astype(dtype)
        bias = rng.standard_normal(out.shape[1]).astype(dtype)
        work = out.copy()
        return (lambda: T.bias_act(work, bias, "relu")), (lambda: NK.bias_act(work, bias, "relu"))
    if name.endswith("_lastdim"):
        shape = (max(1, n // ROW), min(n, ROW))
        x = rng.standard_normal(shape).astype(dtype)
        if "backward" in name:
            y = getattr(T, name.replace("_backward", ""))(x)
            return (lambda: getattr(T, name)(x, y)), (lambda: getattr(NK, name)(x, y))
        return (lambda: getattr(T, name)(x)), (lambda: getattr(NK, name)(x))
    x = (rng.standard_normal(n) * 3).astype(dtype)
    if name.endswith("_backward"):
        g = rng.standard_normal(n).astype(dtype)
        return (lambda: getattr(T, name)(g, x, *params)), (lambda: getattr(NK, name)(g, x, *params))
    return (lambda: getattr(T, name)(x, *params)), (lambda: getattr(NK, name)(x, *params))


def measure(names, sizes, budget: float) -> dict:
    """{name: {dtype: [twin/numba ratio per size]}}, printing a table as it goes."""
    ratios = {}
    print(f"twin time / Numba time (> 1: Numba faster); sizes {sizes}")
    for name in names:
        ratios[name] = {}
        for dtype in (np.float32, np.float64):
            row = []
            for n in sizes:
                twin, numba = calls(name, n, dtype)
                row.append(best_time(twin, budget) / best_time(numba, budget))
            ratios[name][np.dtype(dtype).name] = row
            print(f"{name:30s} {np.dtype(dtype).name:8s} " + " ".join(f"{r:6.2f}" for r in row), flush=True)
    return ratios


def thresholds(ratios: dict, sizes, margin: float) -> dict:
    """{name: (lo, hi)}: the longest run of measured sizes where Numba wins by ``margin`` in every dtype;
    Numba runs for ``lo <= n < hi`` (``lo`` 0 when it wins from the smallest size, ``hi`` inf to the largest).

    Example:
        >>> thresholds({"k": {"float32": [0.9, 1.5, 1.4, 0.8]}}, [1, 10, 100, 1000], 1.1)
        {'k': (10, 1000)}
    """
    out = {}
    for name, by_dtype in ratios.items():
        wins = [all(r[i] >= margin for r in by_dtype.values()) for i in range(len(sizes))]
        best, start = (0, 0), None
        for i, w in enumerate(wins + [False]):
            if w and start is None:
                start = i
            elif not w and start is not None:
                if i - start > best[1] - best[0]:
                    best = (start, i)
                start = None
        if best == (0, 0):
            out[name] = (0, 0)  # never faster: always the twin
        else:
            lo, hi = best
            out[name] = (0 if lo == 0 else sizes[lo], float("inf") if hi == len(sizes) else sizes[hi])
    return out


def print_thresholds(th: dict, ratios: dict, sizes) -> None:
    print("\nTHRESHOLDS = {")
    for name, (lo, hi) in th.items():
        hi_s = "_INF" if hi == float("inf") else f"{hi:_}"
        r = ratios[name]["float32"]
        figs = ", ".join(f"{sizes[i]:g}: {r[i]:.1f}x" for i in (0, 4, 7, len(sizes) - 1))
        print(f'    "{name}": ({lo:_}, {hi_s}),  # f32 twin/numba {figs}')
    print("}")


# ---- end to end: forward + backward through autograd, against PyTorch -------------------
@contextlib.contextmanager
def twins_only():
    """Point every kernel name of ``autograd.kernels`` at its twin for the duration."""
    saved = {n: getattr(K, n) for n in NK.SPECS}
    try:
        for n in NK.SPECS:
            setattr(K, n, getattr(T, n))
        yield
    finally:
        for n, f in saved.items():
            setattr(K, n, f)


def end_to_end(sizes, budget: float, ops=None, torch_threads: int = 0) -> None:
    import autograd as ag

    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch not installed: its column is left out")
    if torch is not None and torch_threads:
        torch.set_num_threads(torch_threads)
    cases = {
        "relu": (lambda m: m.relu, lambda t: t.relu),
        "sigmoid": (lambda m: m.sigmoid, lambda t: t.sigmoid),
        "gelu": (lambda m: m.nn.functional.gelu if m is torch else m.gelu, None),
        "softmax": (lambda m: (lambda x: m.softmax(x, dim=-1)), None),
    }
    header = "op        size     numba us   twins us   torch us   numba/torch  twins/torch"
    print("\nforward + backward (y = f(x); y.backward(g)), float32, one process")
    if torch is not None:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(header)
    for op, (get, _) in cases.items():
        if ops and op not in ops:
            continue
        for n in sizes:
            shape = (n,) if op != "softmax" else (max(1, n // ROW), min(n, ROW))
            xn = np.random.default_rng(0).standard_normal(shape).astype(np.float32)
            gn = np.ones(shape, np.float32)
            xa, ga = ag.tensor(xn, requires_grad=True), ag.tensor(gn)
            fa = get(ag)

            def ours(fa=fa, xa=xa, ga=ga):
                fa(xa).backward(ga)
                xa.grad = None

            t_numba = best_time(ours, budget)
            with twins_only():
                t_twin = best_time(ours, budget)
            t_torch = float("nan")
            if torch is not None:
                xt, gt = torch.from_numpy(xn.copy()).requires_grad_(), torch.from_numpy(gn.copy())
                ft = get(torch)

                def theirs(ft=ft, xt=xt, gt=gt):
                    ft(xt).backward(gt)
                    xt.grad = None

                t_torch = best_time(theirs, budget)
            print(f"{op:8s} {n:8d} {t_numba * 1e6:10.1f} {t_twin * 1e6:10.1f} {t_torch * 1e6:10.1f} "
                  f"{t_numba / t_torch:12.2f} {t_twin / t_torch:12.2f}", flush=True)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--torch", action="store_true", help="end-to-end forward+backward against PyTorch")
    ap.add_argument("--names", nargs="*", default=list(NK.SPECS), help="kernels to measure")
    ap.add_argument("--margin", type=float, default=1.1, help="Numba must be this many times faster")
    ap.add_argument("--budget", type=float, default=0.05, help="seconds per timing loop")
    ap.add_argument("--ops", nargs="*", default=None, help="with --torch: relu sigmoid gelu softmax (default all)")
    ap.add_argument("--torch-threads", type=int, default=0, help="with --torch: torch.set_num_threads (0: its default)")
    args = ap.parse_args(argv)
    if args.torch:
        end_to_end([1000, 100_000, 1_000_000], args.budget, args.ops, args.torch_threads)
        return
    ratios = measure(args.names, SIZES, args.budget)
    print_thresholds(thresholds(ratios, SIZES, args.margin), ratios, SIZES)


if __name__ == "__main__":
    main()
