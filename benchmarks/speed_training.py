"""Speed sections on training: the MLP step, optimizer steps, import/compile time, peak memory of a run.

Same conventions as ``benchmarks.speed_kernels``: alternated runs, medians, ratios; each section
returns ``{"table", "figures", "ratios"}``.

Example:
    >>> from benchmarks.speed_training import mlp
    >>> out = mlp(None, quick=True, batches=(8,))
    >>> out["table"]["headers"][:2]
    ['batch', 'ours ms']
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import autograd as ag
import nn.functional as F
import optim

from . import core
from .mlp_step import SIZES, build_ours, build_torch
from .numpy_mlp import NumpyMLP
from .speed_kernels import ratio
from .tables import num
from .timing import alternate

ROOT = Path(__file__).resolve().parents[1]
MLP_TARGETS = {32: 0.5, 128: 0.6, 512: 0.8}


# ---- MLP training step -------------------------------------------------------------------------------
def _contenders(torch, B: int) -> tuple:
    """``{name: step}`` on the same initial weights and data, and each one's first loss."""
    rng = np.random.default_rng(B)
    xs = rng.standard_normal((B, SIZES[0])).astype(np.float32)
    ys = rng.integers(0, SIZES[-1], B)
    ag.manual_seed(B)
    model = build_ours()
    init = [p.data.copy() for p in model.parameters()]
    opt = optim.Adam(model.parameters(), lr=1e-3)
    x, y = ag.tensor(xs), ag.tensor(ys)

    def ours():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return float(loss.data)

    net = NumpyMLP(SIZES)
    net.load(init)
    fns = {"ours": ours, "numpy": lambda: net.step(xs, ys), "gemms": _gemms(init, xs)}
    if torch is not None:
        tx, ty = torch.from_numpy(xs), torch.from_numpy(ys)
        for name, kw in (("torch", {}), ("torch fused", {"fused": True})):
            tm = build_torch(torch)
            with torch.no_grad():
                for p, a in zip(tm.parameters(), init):
                    p.copy_(torch.from_numpy(a))
            topt = torch.optim.Adam(tm.parameters(), lr=1e-3, **kw)

            def step(tm=tm, topt=topt):
                topt.zero_grad()
                loss = torch.nn.functional.cross_entropy(tm(tx), ty)
                loss.backward()
                topt.step()
                return loss.item()

            fns[name] = step
    first = {k: f() for k, f in fns.items()}
    return fns, first


def _gemms(init: list, xs: np.ndarray):
    """The step's 8 matrix products alone (3 forward, 3 weight gradients, 2 input gradients) in NumPy:
    the BLAS time every implementation on NumPy pays, a floor under our step."""
    ws = init[0::2]
    acts = [xs]
    for w in ws[:-1]:
        acts.append(np.maximum(acts[-1] @ w.T, 0))
    d = np.ones((xs.shape[0], ws[-1].shape[0]), np.float32)

    def run():
        h = xs
        for w in ws:
            h = h @ w.T
        g = d
        for i in range(len(ws) - 1, -1, -1):
            g.T @ acts[i]
            if i:
                g = g @ ws[i]
        return 0.0

    return run


def mlp(torch, quick: bool = False, batches=(32, 128, 512)) -> dict:
    """MLP 784-256-128-10 (ReLU), cross-entropy, backward, Adam: ours, hand-written NumPy, PyTorch
    (default settings) and PyTorch with ``Adam(fused=True)``; median ms per step. ``gemms`` times the
    step's matrix products alone in NumPy (the BLAS floor: ``gemms/torch`` is the best ratio a
    NumPy-based step can reach)."""
    rows, ratios, figs = [], [], {}
    for B in batches:
        fns, first = _contenders(torch, B)
        losses = [v for k, v in first.items() if k != "gemms"]
        spread = max(losses) - min(losses)
        if spread > 1e-4 * max(1.0, abs(first["ours"])):
            raise AssertionError(f"MLP step at batch {B}: the contenders disagree on the first loss: {first}")
        for _ in range(2):
            for f in fns.values():
                f()
        t = alternate(fns, repeats=5 if quick else 25, inner=2 if quick else 8)
        figs[str(B)] = {k: v * 1e3 for k, v in t.items()}
        r_t = t["ours"] / t["torch"] if "torch" in t else None
        r_f = t["ours"] / t["torch fused"] if "torch fused" in t else None
        r_n = t["ours"] / t["numpy"]
        r_g = t["gemms"] / t["torch"] if "torch" in t else None
        ms = [num(t.get(k, np.nan) * 1e3) for k in ("ours", "numpy", "torch", "torch fused", "gemms")]
        rows.append([str(B), *ms, num(r_t), str(MLP_TARGETS.get(B, "-")), num(r_f), num(r_n), num(r_g)])
        if r_t is not None:
            ratios.append(ratio(f"batch {B}", r_t, "torch", MLP_TARGETS.get(B), group="mlp"))
            ratios.append(ratio(f"batch {B}", r_f, "torch fused", group="mlp"))
        ratios.append(ratio(f"batch {B}", r_n, "numpy", group="mlp"))
    headers = ["batch", "ours ms", "numpy ms", "torch ms", "torch fused ms", "gemms ms", "ours/torch", "target", "ours/fused",
               "ours/numpy", "gemms/torch"]
    return {"table": {"headers": headers, "rows": rows}, "figures": figs, "ratios": ratios}


# ---- optimizer steps ----------------------------------------------------------------------------------------
def optimizers(torch, quick: bool = False, n: int = 1_000_000) -> dict:
    """SGD with momentum, Adam and Lion over ``n`` float32 parameters: ours against PyTorch's default,
    foreach and fused implementations (``benchmarks.optim_step.run``: the two libraries in two worker
    processes taking turns, so that their thread pools do not steal each other's cores)."""
    from . import optim_step

    raw = optim_step.run(n, rounds=3 if quick else 9, block=5 if quick else 20, warmup=5 if quick else 50)
    res = {name: {k: v for k, v in raw[name].items() if torch is not None or not k.startswith("torch")}
           for name in ("Adam", "SGD momentum", "Lion")}
    rows, ratios = [], []
    for name, contenders in res.items():
        ours_key = next(k for k in contenders if k.startswith("numbagrad"))
        ours = contenders[ours_key]["median_ms"]
        for k, v in contenders.items():
            r = ours / v["median_ms"]
            rows.append([name, k, num(v["median_ms"]), num(v["min_ms"]), num(r) if k != ours_key else "1"])
            if not k.startswith("numbagrad"):
                target = 1.0 if name == "Adam" and k == "torch fused" else None
                ratios.append(ratio(f"{name} vs {k.replace('torch ', '')}", r, "torch", target, group=name))
    headers = ["optimizer", "implementation", "median ms", "min ms", f"ours ({'auto'}) / this"]
    return {"table": {"headers": headers, "rows": rows}, "figures": raw, "ratios": ratios}


# ---- import and compile time ---------------------------------------------------------------------------------
MLP_FIRST_STEP = (
    "import numpy as np, autograd as ag, nn, optim, nn.functional as F\n"
    "m = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))\n"
    "o = optim.Adam(m.parameters()); x = ag.randn(32, 784); y = ag.tensor(np.arange(32) % 10)\n"
    "F.cross_entropy(m(x), y).backward(); o.step()\n"
)
TORCH_FIRST_STEP = (
    "import torch\n"
    "m = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),"
    " torch.nn.Linear(128, 10))\n"
    "o = torch.optim.Adam(m.parameters()); x = torch.randn(32, 784); y = torch.arange(32) % 10\n"
    "torch.nn.functional.cross_entropy(m(x), y).backward(); o.step()\n"
)


def startup(torch, quick: bool = False) -> dict:
    """Import time and first-run time, cached kernels and first run ever (empty Numba cache), against PyTorch.

    The full run also reports ``benchmarks.core.startup`` (import, first calls of the activations).
    """
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    reps = 1 if quick else 5
    t = lambda code, e=env, r=reps: core._time_subprocess(code, env=e, repeats=r)  # noqa: E731
    figs = {"import_s": t("import autograd, nn, optim"), "mlp_first_step_s": t(MLP_FIRST_STEP)}
    if not quick:
        with tempfile.TemporaryDirectory() as cold:
            figs["mlp_first_step_cold_cache_s"] = core._time_subprocess(  # no warm-up run: it would fill the cache
                MLP_FIRST_STEP, env=dict(env, NUMBA_CACHE_DIR=cold), repeats=1, warm=False)
        figs["core"] = core.startup()
    rows = [["import autograd, nn, optim", num(figs["import_s"]), "-", "-"],
            ["first MLP step (cached kernels)", num(figs["mlp_first_step_s"]), "-", "-"]]
    if "mlp_first_step_cold_cache_s" in figs:
        rows.append(["first MLP step, empty Numba cache", num(figs["mlp_first_step_cold_cache_s"]), "-", "-"])
    ratios = []
    if torch is not None:
        figs["import_torch_s"] = t("import torch")
        figs["torch_first_step_s"] = t(TORCH_FIRST_STEP)
        for row, key, label in ((rows[0], "import_torch_s", "import"), (rows[1], "torch_first_step_s", "first MLP step")):
            ours = figs["import_s"] if label == "import" else figs["mlp_first_step_s"]
            row[2], row[3] = num(figs[key]), num(ours / figs[key])
            ratios.append(ratio(label, ours / figs[key], "torch", group="startup"))
        if len(rows) > 2:
            rows[2][2] = num(figs["torch_first_step_s"])
            rows[2][3] = num(figs["mlp_first_step_cold_cache_s"] / figs["torch_first_step_s"])
            ratios.append(ratio("first step, cold cache", figs["mlp_first_step_cold_cache_s"] / figs["torch_first_step_s"],
                                "torch", group="startup"))
    return {"table": {"headers": ["what (new process, wall s)", "ours s", "torch s", "ours/torch"], "rows": rows},
            "figures": figs, "ratios": ratios}


# ---- peak memory of a training run -----------------------------------------------------------------------------
TRAIN_RUN = """
import json, resource, sys
import numpy as np
def peak_mb():  # this process's peak RSS: VmHWM (ru_maxrss of a forked child starts at its parent's peak)
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM:")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
impl, steps, B = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = np.random.default_rng(0)
xs = rng.standard_normal((B, 784)).astype(np.float32); ys = rng.integers(0, 10, B)
if impl == "ours":
    import autograd as ag, nn, optim, nn.functional as F
    m = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    o = optim.Adam(m.parameters()); x, y = ag.tensor(xs), ag.tensor(ys)
    def step():
        o.zero_grad(); F.cross_entropy(m(x), y).backward(); o.step()
elif impl == "torch":
    import torch
    m = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
                            torch.nn.Linear(128, 10))
    o = torch.optim.Adam(m.parameters()); x, y = torch.from_numpy(xs), torch.from_numpy(ys)
    def step():
        o.zero_grad(); torch.nn.functional.cross_entropy(m(x), y).backward(); o.step()
else:
    from benchmarks.numpy_mlp import NumpyMLP
    net = NumpyMLP((784, 256, 128, 10))
    step = lambda: net.step(xs, ys)
step()
before = peak_mb()
for _ in range(steps):
    step()
print(json.dumps({"after_first_step_mb": before, "peak_mb": peak_mb()}))
"""


def memory(torch, quick: bool = False, steps: int | None = None, batch: int = 128) -> dict:
    """Peak resident memory (``VmHWM``, the process's ``ru_maxrss``) of a training run (MLP, batch 128, Adam),
    each library in a fresh process; plus the resident-memory growth of ``benchmarks.core.memory`` over many steps."""
    steps = steps or (20 if quick else 500)
    impls = ["ours", "numpy"] + (["torch"] if torch is not None else [])
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    figs = {}
    for impl in impls:
        out = subprocess.run([sys.executable, "-c", TRAIN_RUN, impl, str(steps), str(batch)], env=env, cwd=ROOT,
                             capture_output=True, text=True, check=True)
        figs[impl] = json.loads(out.stdout.strip().splitlines()[-1])
    figs["steps"], figs["batch"] = steps, batch
    if not quick:
        figs["growth"] = core.memory(iterations=3000)
    rows, ratios = [], []
    for impl in impls:
        peak = figs[impl]["peak_mb"]
        r = peak / figs["torch"]["peak_mb"] if "torch" in figs else None
        rows.append([impl, num(figs[impl]["after_first_step_mb"]), num(peak), num(r)])
    if "torch" in figs:
        r = figs["ours"]["peak_mb"] / figs["torch"]["peak_mb"]
        ratios.append(ratio("peak RSS, training run", r, "torch", group="memory"))
    return {"table": {"headers": ["process", "RSS after first step MB", f"peak RSS after {steps} steps MB", "peak / torch's"],
                      "rows": rows}, "figures": figs, "ratios": ratios}
