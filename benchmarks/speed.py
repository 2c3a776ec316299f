"""Speed report against NumPy and PyTorch: ratios measured in one process, alternating implementations.

    python -m benchmarks.speed                      # everything (about 5-10 minutes on 2 cores)
    python -m benchmarks.speed --quick              # small repeats: a smoke test, figures are rough
    python -m benchmarks.speed --only mlp --only matmul
    python -m benchmarks.speed --threads 1          # pin BLAS, Numba and PyTorch to 1 thread each

Sections (``--only``): ``mlp`` (MLP 784-256-128-10 training step with Adam at batch 32/128/512
against PyTorch default, PyTorch ``Adam(fused=True)`` and a hand-written NumPy step), ``chain``
(per-op overhead: a 100-op forward+backward chain), ``elementwise`` (relu, gelu, sigmoid,
softmax, cross-entropy forward+backward at 1e3/1e5/1e7 elements: as shipped, forced Numba,
NumPy twins, PyTorch), ``matmul`` (GFLOP/s against NumPy ``@`` and the BLAS peak),
``optim`` (SGD momentum, Adam, Lion over 1e6 parameters against PyTorch default/foreach/fused),
``startup`` (import and first-run compile time) and ``memory`` (peak RSS of a training run).

Every figure is a median over alternated runs, reported as our time / the other's. Output:
tables on stdout, ``speed.json`` and ``speed_<section>.png`` plots in ``--out``
(``benchmarks/results``). PyTorch is optional: its columns say unavailable without it.
``--profile`` adds cProfile summaries of our MLP step and op chain (where the time goes).
"""

from __future__ import annotations

import os
import sys

if "--threads" in sys.argv[:-1]:  # before NumPy, Numba and torch start their thread pools
    _n = sys.argv[sys.argv.index("--threads") + 1]
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
        os.environ[_var] = _n

import argparse  # noqa: E402
import importlib  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

from .tables import num, strict_json, text_table  # noqa: E402

# The library, torch and the sections are imported in main(), not here: worker processes started with
# multiprocessing's "spawn" (benchmarks.optim_step) re-import this module and should stay light.
RESULTS = Path(__file__).resolve().parent / "results"
SECTIONS = {
    "mlp": ("MLP 784-256-128-10 training step (forward, cross-entropy, backward, Adam), float32", "speed_training:mlp"),
    "chain": ("Per-op overhead: 100 elementwise ops forward+backward on 1000 float32 elements", "speed_kernels:chain"),
    "elementwise": ("Elementwise kernels, forward+backward, float32 (us per call)", "speed_kernels:elementwise"),
    "matmul": ("Matmul, float32, square", "speed_kernels:matmul"),
    "optim": ("Optimizer step over 1e6 float32 parameters", "speed_training:optimizers"),
    "startup": ("Import and first-run (compile) time, new processes", "speed_training:startup"),
    "memory": ("Peak memory of a training run (MLP, batch 128, Adam), new processes", "speed_training:memory"),
}
PROFILES = {"mlp": [("batch 32", "mlp_profile", (32,)), ("batch 512", "mlp_profile", (512, 50))],
            "chain": [("100-op chain", "chain_profile", ())]}


def _resolve(spec: str):
    module, name = spec.split(":")
    return getattr(importlib.import_module(f"{__package__ or 'benchmarks'}.{module}"), name)


def targets(sections: dict) -> list:
    """Every ratio that has a target, with whether it is met."""
    return [dict(r, section=name) for name, res in sections.items() if "ratios" in res for r in res["ratios"]
            if r.get("target") is not None]


def _import_torch(disabled: bool, threads: int | None):
    if disabled:
        return None
    try:
        import torch
    except ImportError:
        return None
    if threads:
        torch.set_num_threads(threads)
    return torch


def main(argv: list | None = None) -> int:
    """Run the selected sections; print tables, write JSON and plots. Returns 0 (figures are not pass/fail)."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.speed", description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", choices=list(SECTIONS), help="run only this section (repeatable)")
    ap.add_argument("--quick", action="store_true", help="few repeats and smaller problems: a smoke test")
    ap.add_argument("--out", default=str(RESULTS), help="directory for speed.json and the plots")
    ap.add_argument("--no-torch", action="store_true", help="leave PyTorch out even if installed")
    ap.add_argument("--no-plots", action="store_true", help="do not draw the PNG plots")
    ap.add_argument("--threads", type=int, help="threads for BLAS, Numba and PyTorch (default: each library's own)")
    ap.add_argument("--profile", action="store_true", help="add cProfile summaries of our MLP step and op chain")
    args = ap.parse_args(argv)
    torch = _import_torch(args.no_torch, args.threads)
    from . import core, profiles
    from .machine import describe
    from .speed_plots import plot_section

    core.torch = torch  # core's op chain compares against the same (or no) PyTorch
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    command = "python -m benchmarks.speed" + "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv))
    meta = describe(torch, command)
    meta["quick"] = args.quick
    meta["threads"] = args.threads or "library defaults"
    print(f"# numbagrad speed report, {meta['date']}: {meta['cpu']}, {meta['cores']} cores, load {meta['loadavg']}; "
          f"NumPy {meta['numpy']} ({meta['blas']}), Numba {meta['numba']}, PyTorch {meta['torch']}")
    results: dict = {}
    t_all = time.perf_counter()
    for name in args.only or list(SECTIONS):
        title, spec = SECTIONS[name]
        fn = _resolve(spec)
        t0 = time.perf_counter()
        try:
            res = fn(torch, quick=args.quick)
        except Exception as e:  # one broken section must not lose the others
            res = {"error": f"{type(e).__name__}: {e}"}
        res["seconds"] = round(time.perf_counter() - t0, 1)
        results[name] = res
        print(f"\n## {name}: {title} ({res['seconds']} s)\n")
        if "error" in res:
            print(f"FAILED: {res['error']}")
            continue
        print(text_table(res["table"]["headers"], res["table"]["rows"]))
        if args.profile and name in PROFILES:
            res["profile"] = {}
            for label, fn_name, fn_args in PROFILES[name]:
                res["profile"][label] = getattr(profiles, fn_name)(*fn_args)
                print(f"\nwhere our time goes, {label} (cProfile; share of own time):\n"
                      f"{profiles.format_profile(res['profile'][label])}")
        if not args.no_plots:
            res["plot"] = plot_section(name, res["ratios"], out, title)
    meta["seconds"] = round(time.perf_counter() - t_all, 1)
    meta["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    tg = targets(results)
    if tg:
        print("\n## targets (our time / theirs)\n")
        print(text_table(["section", "figure", "vs", "ratio", "target", "met"],
                         [[t["section"], t["label"], t["vs"], num(t["value"]), f"<= {t['target']}", "yes" if t["met"] else "NO"]
                          for t in tg]))
    path = out / "speed.json"
    path.write_text(json.dumps(strict_json({"meta": meta, "sections": results, "targets": tg}), indent=1, default=str))
    print(f"\n{meta['seconds']} s; wrote {path}" + ("" if args.no_plots else " and the plots beside it"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
