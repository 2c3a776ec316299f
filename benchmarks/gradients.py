"""Gradient-correctness report: every op-registry entry and every optimizer, checked every way that applies.

    python -m benchmarks.gradients                       # everything; exit status 1 on any failure
    python -m benchmarks.gradients --op matmul --op nn.functional.cross_entropy
    python -m benchmarks.gradients --filter softmax      # cases whose id contains 'softmax'
    python -m benchmarks.gradients --module my_ops.py --op cube   # your own Function, registered in my_ops.py
    python -m benchmarks.gradients --list                # the op names

Each registry case (``autograd.testing``; ``nn``'s layers, activations and losses register
theirs in ``*_cases`` modules, found and imported here) runs the checks of
``benchmarks.grad_checks``: finite differences in float64 and float32, first and second
order; Numba loops against NumPy twins; PyTorch values and gradients (float64 and float32;
'unavailable' when torch is not installed); non-contiguous inputs; broadcasting shapes or
other ``dim``s for the case's family. Optimizers run the checks of
``benchmarks.optim_checks`` (formula, Numba/twins, PyTorch). The table has one row per op;
JSON (every check of every case) and Markdown go to ``--out`` (``benchmarks/results``).

Checking your own ``Function``: write a module that registers an ``OpCase`` for it::

    # my_ops.py
    import autograd as ag
    from autograd.testing import InputSpec, OpCase, register

    class Cube(ag.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x.data ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x * x

    register(OpCase("cube", Cube.apply, [InputSpec((2, 3))], torch_fn=lambda torch, x: x ** 3,
                    family="elementwise"))

and run ``python -m benchmarks.gradients --module my_ops.py --op cube`` (``--module`` takes
a file path or an importable module name, and may be repeated).

Example:
    >>> import contextlib, io, tempfile
    >>> from benchmarks.gradients import main
    >>> with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(io.StringIO()) as printed:
    ...     status = main(["--op", "tanh", "--out", d, "--no-torch", "--quiet"])
    >>> status, "all passing" in printed.getvalue()
    (0, True)
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import pkgutil
import sys
import time
from pathlib import Path

from autograd.testing import OpCase, cases

from . import grad_checks, optim_checks
from .machine import describe
from .tables import markdown_table, sci, strict_json, text_table

RESULTS = Path(__file__).resolve().parent / "results"
F32_CHECKS = ("fd32", "fd32-2", "numba-twins-f32", "torch-f32", "formula-f32")
HEADERS = ["op", "cases", "checks", "max abs err", "max rel err", "f32 max abs", "f32 max rel", "worst case (float64)", "result",
           "time s"]


# ---- which cases ----------------------------------------------------------------------------------
def load_case_modules() -> list:
    """Import every ``*_cases`` module of ``nn`` and ``optim`` (each registers its cases); their names."""
    found = []
    for pkg_name in ("nn", "optim"):
        pkg = importlib.import_module(pkg_name)
        for info in pkgutil.walk_packages(pkg.__path__, pkg_name + "."):
            if info.name.rsplit(".", 1)[-1].endswith("_cases"):
                importlib.import_module(info.name)
                found.append(info.name)
    return found


def load_user_module(spec: str) -> None:
    """Import a user module (a ``.py`` path or a module name) that registers its own cases."""
    if spec.endswith(".py") or "/" in spec:
        path = Path(spec).resolve()
        if not path.exists():
            raise SystemExit(f"gradients: --module {spec}: no such file")
        mod_spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(mod_spec)
        sys.modules[path.stem] = module
        mod_spec.loader.exec_module(module)
    else:
        importlib.import_module(spec)


def _matches(case_id: str, name: str, ops: list, substr: str | None) -> bool:
    import fnmatch

    if ops and not any(name == o or fnmatch.fnmatchcase(case_id, o) for o in ops):
        return False
    return substr is None or substr.lower() in case_id.lower()


def select(ops: list, substr: str | None) -> tuple:
    """(registry cases, optimizer cases) matching ``--op`` names/globs and the ``--filter`` substring."""
    reg = [c for c in cases() if _matches(c.id, c.name, ops, substr)]
    opt = [c for c in optim_checks.CASES if _matches(c.id, f"optim.{c.name}", ops, substr)]
    return reg, opt


# ---- running and summarising ------------------------------------------------------------------------
def op_row(op: str, records: list) -> dict:
    """One table row from every record of one op."""
    ran = [r for r in records if not r.skipped]
    failed = [r for r in ran if not r.passed]
    f64 = [r for r in ran if r.check not in F32_CHECKS]
    f32 = [r for r in ran if r.check in F32_CHECKS]
    worst = failed[0] if failed else max(f64 or ran or records, key=lambda r: (r.max_rel, r.max_abs))
    return {
        "op": op,
        "cases": len({r.case for r in records}),
        "checks": len(ran),
        "skipped": len(records) - len(ran),
        "max_abs": max((r.max_abs for r in f64), default=0.0),
        "max_rel": max((r.max_rel for r in f64), default=0.0),
        "max_abs_f32": max((r.max_abs for r in f32), default=0.0),
        "max_rel_f32": max((r.max_rel for r in f32), default=0.0),
        "worst": f"{worst.case} {worst.check}",
        "passed": not failed,
        "failures": len(failed),
        "seconds": sum(r.seconds for r in records),
    }


def _cells(row: dict) -> list:
    return [row["op"], str(row["cases"]), str(row["checks"]), sci(row["max_abs"]), sci(row["max_rel"]),
            sci(row["max_abs_f32"]), sci(row["max_rel_f32"]), row["worst"],
            "pass" if row["passed"] else f"FAIL ({row['failures']})", f"{row['seconds']:.2f}"]


def run(reg: list, opt: list, torch, quiet: bool = False) -> tuple:
    """Run every check; returns (rows, records). Prints each row as its op finishes unless ``quiet``."""
    groups: dict = {}
    for c in reg:
        groups.setdefault(c.name, []).append(c)
    for c in opt:
        groups.setdefault(f"optim.{c.name}", []).append(c)
    rows, records = [], []
    widths = [34, 5, 6, 11, 11, 11, 11, 44, 8, 6]
    if not quiet:
        print("  ".join(h.ljust(w) for h, w in zip(HEADERS, widths)).rstrip(), flush=True)
    for op, group in groups.items():
        recs = []
        for c in group:
            recs += grad_checks.run_case(c, torch) if isinstance(c, OpCase) else optim_checks.run_case(c, torch)
        row = op_row(op, recs)
        rows.append(row)
        records += recs
        if not quiet:
            print("  ".join(c.ljust(w) for c, w in zip(_cells(row), widths)).rstrip(), flush=True)
    return rows, records


def summary(rows: list, records: list) -> dict:
    """Totals and the worst relative errors (float64 checks, float32 checks) with where they occur."""
    ran = [r for r in records if not r.skipped]

    def worst(recs, key):
        finite = [r for r in recs if math.isfinite(getattr(r, key))] or recs
        if not finite:
            return None
        r = max(finite, key=lambda r: getattr(r, key))
        return {"max_rel": r.max_rel, "max_abs": r.max_abs, "case": r.case, "check": r.check}

    skipped: dict = {}
    for r in records:
        if r.skipped:
            skipped[r.skipped] = skipped.get(r.skipped, 0) + 1
    return {
        "ops": len(rows),
        "ops_passed": sum(r["passed"] for r in rows),
        "cases": len({r.case for r in records}),
        "checks_run": len(ran),
        "checks_failed": sum(not r.passed for r in ran),
        "checks_skipped": len(records) - len(ran),
        "skipped_reasons": dict(sorted(skipped.items(), key=lambda kv: -kv[1])),
        "worst_rel_f64": worst([r for r in ran if r.check not in F32_CHECKS], "max_rel"),
        "worst_abs_f32": worst([r for r in ran if r.check in F32_CHECKS], "max_abs"),
        "worst_rel_f32": worst([r for r in ran if r.check in F32_CHECKS], "max_rel"),
        "all_passed": all(r["passed"] for r in rows),
    }


# ---- output ---------------------------------------------------------------------------------------------
def _tolerance_lines() -> list:
    fd = grad_checks.FD32
    a32, r32 = optim_checks.TOL["float32"]
    return [
        "- fd64, fd64-2 (finite differences, float64): the case's `eps`, `atol`, `rtol` (default 1e-6, 1e-5, 1e-3)",
        f"- fd32, fd32-2 (finite differences, float32): step c*max(1, max|x|), c in {list(fd['steps'])} until one passes; "
        f"atol={fd['atol']}, rtol={fd['rtol']}",
        f"- numba-twins (Numba loops vs NumPy twins): float32 atol, rtol = {grad_checks.TWINS_TOL['float32']}, "
        f"float64 {grad_checks.TWINS_TOL['float64']}",
        "- torch-f64 / torch-f32: atol, rtol = (1e-10, 1e-7) / (1e-5, 1e-4) unless the case sets its own",
        "- layouts and broadcast/dims variants: identical to contiguous inputs within (1e-12, 1e-10)",
        f"- optimizers, {optim_checks.STEPS} steps: float64 vs formula and torch (1e-12, 1e-10); float32 ({a32}, {r32})",
        "- relative errors are over elements with |reference| >= 1e-6 ('max rel' can exceed rtol where atol carries the check)",
    ]


def markdown(meta: dict, summ: dict, rows: list, records: list) -> str:
    """The report as Markdown: summary, tolerances, the per-op table, failures, skip reasons."""
    w64, w32 = summ["worst_rel_f64"], summ["worst_rel_f32"]
    status = "all passing" if summ["all_passed"] else f"{summ['checks_failed']} checks FAILED"
    lines = [
        "# Gradient-correctness report", "",
        f"{meta['date']}, `{meta['command']}`; {meta['cpu']} ({meta['cores']} cores), Python {meta['python']}, "
        f"NumPy {meta['numpy']}, Numba {meta['numba']}, PyTorch {meta['torch']}, kernels: {meta['kernels']}.", "",
        f"**{summ['ops']} ops, {summ['cases']} cases, {summ['checks_run']} checks run: {status}** "
        f"({summ['ops_passed']}/{summ['ops']} ops pass; {summ['checks_skipped']} checks not applicable).", "",
    ]
    if w64:
        lines.append(f"- worst relative error, float64 checks: {sci(w64['max_rel'])} ({w64['case']}, {w64['check']}; "
                     f"abs {sci(w64['max_abs'])})")
    a32 = summ["worst_abs_f32"]
    if w32 and a32:
        lines.append(f"- float32 checks: worst absolute error {sci(a32['max_abs'])} ({a32['case']}, {a32['check']}), worst "
                     f"per-element relative error {sci(w32['max_rel'])} ({w32['case']}, {w32['check']}; "
                     f"abs {sci(w32['max_abs'])}: "
                     "float32 finite differences are noisy at the 1e-4 level, so elements near 0 are held to atol)")
    lines += ["", "## Tolerances", "", *_tolerance_lines(), "", "## Per op", "",
              markdown_table(HEADERS, [_cells(r) for r in rows])]
    failed = [r for r in records if not r.skipped and not r.passed]
    if failed:
        lines += ["", "## Failures", ""]
        for r in failed:
            msg = r.message if len(r.message) < 1500 else r.message[:1500] + " ..."
            lines += [f"### {r.case}: {r.check}", "", "```", msg, "```", ""]
    lines += ["", "## Checks not run, by reason", "",
              markdown_table(["reason", "count"], [[k, str(v)] for k, v in summ["skipped_reasons"].items()]), ""]
    return "\n".join(lines)


def write(out: Path, meta: dict, summ: dict, rows: list, records: list) -> tuple:
    """Write ``gradients.json`` and ``gradients.md`` into ``out``; returns their paths."""
    out.mkdir(parents=True, exist_ok=True)
    jpath, mpath = out / "gradients.json", out / "gradients.md"
    fig = lambda v: float(f"{v:.3g}") if isinstance(v, float) else v  # noqa: E731  (3 significant digits)
    slim = [{k: fig(v) for k, v in r.to_dict().items() if v not in ("", [])} for r in records]  # no empty fields
    data = {"meta": meta, "summary": summ, "ops": rows, "records": slim}
    jpath.write_text(json.dumps(strict_json(data), separators=(",", ":")))
    mpath.write_text(markdown(meta, summ, rows, records))
    return jpath, mpath


def _import_torch(disabled: bool):
    if disabled:
        return None
    try:
        import torch
    except ImportError:
        return None
    return torch


def main(argv: list | None = None) -> int:
    """Run the report; returns the exit status (0 all pass, 1 a check failed, 2 nothing selected)."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.gradients", description=__doc__.splitlines()[0])
    ap.add_argument("--op", action="append", default=[], help="op name or case-id glob (repeatable), e.g. matmul, 'sum[*'")
    ap.add_argument("--filter", help="only cases whose id contains this substring (case-insensitive)")
    ap.add_argument("--module", action="append", default=[], help="import this module or .py file first (registers cases)")
    ap.add_argument("--out", default=str(RESULTS), help="directory for gradients.json and gradients.md")
    ap.add_argument("--no-torch", action="store_true", help="do not compare with PyTorch even if it is installed")
    ap.add_argument("--list", action="store_true", help="list the op names and exit")
    ap.add_argument("--quiet", action="store_true", help="print only the summary")
    args = ap.parse_args(argv)

    load_case_modules()
    for m in args.module:
        load_user_module(m)
    reg, opt = select(args.op, args.filter)
    if args.list:
        names = dict.fromkeys([c.name for c in reg] + [f"optim.{c.name}" for c in opt])
        print("\n".join(names))
        return 0
    if not reg and not opt:
        print(f"gradients: no case matches --op {args.op} --filter {args.filter!r} (see --list)", file=sys.stderr)
        return 2
    torch = _import_torch(args.no_torch)
    command = "python -m benchmarks.gradients" + "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv))
    meta = describe(torch, command)
    meta["torch_status"] = "compared" if torch is not None else ("disabled (--no-torch)" if args.no_torch else "unavailable")
    t0 = time.perf_counter()
    rows, records = run(reg, opt, torch, quiet=args.quiet)
    meta["seconds"] = round(time.perf_counter() - t0, 1)
    summ = summary(rows, records)
    jpath, mpath = write(Path(args.out), meta, summ, rows, records)
    w64, w32 = summ["worst_rel_f64"], summ["worst_rel_f32"]
    verdict = "all passing" if summ["all_passed"] else f"{summ['checks_failed']} FAILED"
    print(f"\n{summ['ops']} ops, {summ['cases']} cases, {summ['checks_run']} checks: {verdict}; "
          f"PyTorch {meta['torch_status']}; {meta['seconds']} s")
    if w64:
        print(f"worst relative error: float64 {sci(w64['max_rel'])} ({w64['case']} {w64['check']})"
              + (f"; float32 worst abs {sci(summ['worst_abs_f32']['max_abs'])} ({summ['worst_abs_f32']['case']} "
                 f"{summ['worst_abs_f32']['check']})" if w32 else ""))
    if not summ["all_passed"] and not args.quiet:
        print("\nfailures:")
        print(text_table(["case", "check", "report"],
                         [[r.case, r.check, r.message.splitlines()[0][:100] if r.message else ""]
                          for r in records if not r.skipped and not r.passed]))
    print(f"wrote {jpath} and {mpath}")
    return 0 if summ["all_passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
