"""Core-engine figures for issue 2: op-chain overhead, relu, matmul, import/compile time, memory.

Run: ``python -m benchmarks.core`` (add ``--json PATH`` to save). Every figure is a
ratio measured in one process, alternating implementations, median of repeats;
PyTorch comparisons are marked unavailable when torch is not installed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

import autograd as ag

from .timing import alternate

try:
    import torch
except ImportError:  # pragma: no cover - optional
    torch = None


def op_chain(n_ops: int = 100, size: int = 1000) -> dict:
    """Forward+backward of ``n_ops`` elementwise ops (mul, add alternating) on ``size`` float32 elements.

    Timed warm, as a training loop runs: blocks of 10 chains, alternated in shuffled order with no
    pause. A pause before every single chain (what ``alternate`` does by default, for BLAS threads,
    which this test never wakes) times cold caches instead: PyTorch then takes 11-16 us per op,
    not the 7 us it takes in a loop.
    """
    def make(x):
        def run():
            y = x
            for _ in range(n_ops // 2):
                y = y * 1.0001
                y = y + 0.001
            y.sum().backward()
        return run

    fns = {"ours": make(ag.randn(size, requires_grad=True))}
    if torch is not None:
        fns["torch"] = make(torch.randn(size, requires_grad=True))
    t = alternate(fns, repeats=60, inner=10, pause=0)
    out = {"us_per_op_ours": t["ours"] / n_ops * 1e6}
    if "torch" in t:
        out["us_per_op_torch"] = t["torch"] / n_ops * 1e6
        out["ratio_vs_torch"] = t["ours"] / t["torch"]
    return out


def relu_fwd_bwd(size: int = 1_000_000) -> dict:
    """relu forward+backward on ``size`` float32 elements (grad of a sum, so one extra pass each)."""
    xa = ag.randn(size, requires_grad=True)
    g = np.ones(size, dtype=np.float32)

    def ours():
        xa.grad = None
        xa.relu().backward(ag.from_numpy(g))

    fns = {"ours": ours}
    if torch is not None:
        xt = torch.randn(size, requires_grad=True)
        gt = torch.ones(size)

        def theirs():
            xt.grad = None
            xt.relu().backward(gt)

        fns["torch"] = theirs
    xn = np.random.randn(size).astype(np.float32)
    fns["numpy"] = lambda: (np.maximum(xn, 0), np.where(xn > 0, g, 0))
    t = alternate(fns, repeats=20, inner=10)  # warm blocks: a training loop runs its ops back to back
    out = {"ms_ours": t["ours"] * 1e3, "ms_numpy": t["numpy"] * 1e3, "ratio_vs_numpy": t["ours"] / t["numpy"]}
    if "torch" in t:
        out["ms_torch"] = t["torch"] * 1e3
        out["ratio_vs_torch"] = t["ours"] / t["torch"]
    return out


def matmul(n: int = 1024) -> dict:
    """``n x n`` float32 matmul: ours against NumPy's ``@`` (GFLOP/s)."""
    a = ag.randn(n, n)
    b = ag.randn(n, n)
    an, bn = a.data, b.data
    t = alternate({"ours": lambda: a @ b, "numpy": lambda: an @ bn}, repeats=20)
    flops = 2 * n**3
    return {"gflops_ours": flops / t["ours"] / 1e9, "gflops_numpy": flops / t["numpy"] / 1e9,
            "ratio_vs_numpy": t["ours"] / t["numpy"]}


def _time_subprocess(code: str, env: dict | None = None, repeats: int = 5, warm: bool = True) -> float:
    """Median wall time of a fresh ``python -c code`` (start-up, work and exit), as a user's steady state:
    bytecode caches may be written (``PYTHONDONTWRITEBYTECODE`` is dropped) and one untimed run fills them."""
    env = {k: v for k, v in (os.environ if env is None else env).items() if k != "PYTHONDONTWRITEBYTECODE"}
    if warm:
        subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
    runs = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


STEP_CODE = (  # one MLP training step: the kernels such a step needs (linear+relu epilogue, cross-entropy, Adam)
    "import autograd as ag, nn, optim\n"
    "import nn.functional as F\n"
    "model = nn.Sequential(nn.Linear(64, 32), nn.ReLU(), nn.Linear(32, 10))\n"
    "opt = optim.Adam(model.parameters())\n"
    "loss = F.cross_entropy(model(ag.randn(16, 64)), ag.randint(0, 10, (16,)))\n"
    "opt.zero_grad(); loss.backward(); opt.step()\n"
)


def startup() -> dict:
    """Import time and a first training step (cached kernels) against ``import torch``; first-run-ever compile time."""
    env = dict(os.environ)
    out = {"import_s": _time_subprocess("import autograd"), "import_and_first_calls_s": _time_subprocess(STEP_CODE)}
    with tempfile.TemporaryDirectory() as cold:
        env_cold = dict(env, NUMBA_CACHE_DIR=cold)
        out["first_run_ever_s"] = _time_subprocess(STEP_CODE, env=env_cold, repeats=1, warm=False)
    if torch is not None:
        out["import_torch_s"] = _time_subprocess("import torch")
        out["ratio_import_and_first_calls_vs_import_torch"] = out["import_and_first_calls_s"] / out["import_torch_s"]
    return out


def memory(iterations: int = 10_000) -> dict:
    """Resident memory growth over ``iterations`` forward/backward steps of a small MLP."""
    ag.manual_seed(0)
    w1 = ag.randn(64, 128, requires_grad=True)
    w2 = ag.randn(128, 10, requires_grad=True)
    x = ag.randn(32, 64)

    def step():
        loss = ((x @ w1).relu() @ w2).log_softmax(dim=1).mean()
        w1.grad = w2.grad = None
        loss.backward()

    for _ in range(200):
        step()
    import gc

    gc.collect()
    before = _rss_kb()
    for _ in range(iterations):
        step()
    gc.collect()
    after = _rss_kb()
    return {"rss_before_mb": before / 1024, "rss_after_mb": after / 1024, "growth_pct": (after - before) / before * 100}


def _rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write the figures to this JSON file")
    args = parser.parse_args(argv)
    if torch is not None:
        torch.set_num_threads(os.cpu_count() or 1)
    results = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "numpy": np.__version__,
                    "torch": getattr(torch, "__version__", "unavailable"), "kernels": ag.kernels.BACKEND,
                    "date": time.strftime("%Y-%m-%d")},
        "op_chain_100x1000": op_chain(),
        "relu_1e6_fwd_bwd": relu_fwd_bwd(),
        "matmul_1024": matmul(),
        "startup": startup(),
        "memory_10k_steps": memory(),
    }
    for name, figures in results.items():
        print(f"{name}:")
        for k, v in figures.items():
            print(f"    {k:45s} {v:.4g}" if isinstance(v, float) else f"    {k:45s} {v}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return results


if __name__ == "__main__":
    main()
