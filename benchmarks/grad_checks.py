"""The checks the gradient report runs on one registry case, each timed and reduced to a ``Record``.

Per case (``autograd.testing.OpCase``), where it applies:

================== =========================================================================
check              what is compared
================== =========================================================================
fd64               analytical Jacobian against central finite differences, float64, with the
                   case's tolerances (default ``eps=1e-6, atol=1e-5, rtol=1e-3``); also the
                   array-level backward against the graph-building one
fd64-2             second order: the same on the map (inputs, v) -> vᵀJ, float64
fd32, fd32-2       first / second order in float32: ``FD32`` below (step scaled to the inputs)
numba-twins-f32/64 outputs and input gradients with every kernel on its Numba loop (at every
                   size) against every kernel on its NumPy twin (``benchmarks.kernel_sets``)
torch-f64/f32      values, dtypes and input gradients against PyTorch (``check_torch``)
layout-transposed, the op on non-contiguous inputs (transposed views, every-other-element
layout-sliced      slices) against contiguous copies: identical values and gradients
broadcast-N,       the case's ``family`` varied: broadcasting shapes (elementwise) or other
dims-N             ``dim``/``keepdim`` (reductions, softmax), on non-contiguous inputs: fd64,
                   layouts and PyTorch on each variant
================== =========================================================================

Example:
    >>> from autograd.testing import cases
    >>> from benchmarks.grad_checks import run_case
    >>> records = run_case(cases("tanh")[0], torch=None)
    >>> all(r.passed for r in records), sorted({r.check for r in records})[:3]
    (True, ['broadcast-1', 'broadcast-2', 'fd32'])
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numpy as np

from autograd.gradcheck import jacobian_errors, vjp_problem
from autograd.tensor import Tensor
from autograd.testing import OpCase, checks

from . import kernel_sets

FD32 = {"steps": (1e-3, 1e-2, 1e-4), "atol": 1e-2, "rtol": 1e-2}
"""Float32 finite differences: step ``h = c * max(1, max|x|)`` for ``c`` in ``steps``, in order, until one passes
(float32 round-off dominates small steps, curvature or a nearby kink large ones); pass when
``|analytical - numerical| <= atol + rtol * |numerical|`` at every element (or the case's looser tolerances)."""

TWINS_TOL = {"float32": (1e-6, 1e-5), "float64": (1e-12, 1e-10)}
"""(atol, rtol) for Numba loops against NumPy twins (as ``autograd.testing.check_kernels``)."""


@dataclass
class Record:
    """One check of one case: pass/fail (or skipped with a reason), worst errors, time, failure report."""

    op: str
    case: str
    check: str
    passed: bool = True
    skipped: str = ""
    max_abs: float = 0.0
    max_rel: float = 0.0
    seconds: float = 0.0
    message: str = ""
    kernels: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _record(case: OpCase, check: str, run: Callable[[], checks.CheckResult]) -> Record:
    t = time.perf_counter()
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            res = run()
    except Exception as e:  # a crash is a failed check, never a crashed report
        res = checks.CheckResult(case.id, check, False, float("inf"), float("inf"), f"{type(e).__name__}: {e}")
    rec = Record(case.name, case.id, check, bool(res.passed), res.skipped, float(res.max_abs), float(res.max_rel),
                 time.perf_counter() - t, res.message)
    rec.kernels = sorted(getattr(res, "kernels", []))
    return rec


def _call(case: OpCase, **overrides) -> Callable:
    kwargs = {**case.kwargs, **overrides}
    return lambda *xs: case.fn(*xs, **kwargs)


# ---- float32 finite differences -------------------------------------------------------------------
def fd32(case: OpCase, order: int = 1) -> checks.CheckResult:
    """First (``order=1``) or second order gradients against finite differences, all in float32."""
    check = "fd32" if order == 1 else "fd32-2"
    if not case.gradcheck or not case.differentiable or (order == 2 and not case.gradgrad):
        return checks.CheckResult(case.id, check, True, skipped="finite differences are off for this case")
    atol, rtol = max(FD32["atol"], case.atol), max(FD32["rtol"], case.rtol)
    best = None
    for c in FD32["steps"]:
        inputs = case.make_inputs(dtype=np.float32)
        scale = max([1.0] + [float(np.abs(t.data).max()) for t in inputs
                             if isinstance(t, Tensor) and t.requires_grad and t.data.size])
        fn, args = _call(case), inputs
        if order == 2:
            fn, args = vjp_problem(fn, inputs)
        rep = jacobian_errors(fn, args, eps=c * scale, atol=atol, rtol=rtol)
        res = checks.CheckResult(case.id, check, rep.passed, rep.max_abs, rep.max_rel, rep.message)
        if rep.passed:
            return res
        best = res if best is None or res.max_abs < best.max_abs else best
    return best


# ---- Numba loops against NumPy twins --------------------------------------------------------------
def _outputs_and_grads(case: OpCase, inputs: list) -> list:
    outs = [np.array(o.data) for o in case.run(inputs) if isinstance(o, Tensor)]
    return outs + (checks.input_grads(case, inputs) if case.differentiable else [])


def numba_vs_twins(case: OpCase, dtype=np.float32) -> checks.CheckResult:
    """Outputs and gradients with every kernel on its Numba loop against every kernel on its twin."""
    check = f"numba-twins-{'f32' if np.dtype(dtype) == np.float32 else 'f64'}"
    if not kernel_sets.numba_active():
        return checks.CheckResult(case.id, check, True, skipped="Numba kernels are not in use (AUTOGRAD_KERNELS=numpy?)")
    used = kernel_sets.compiled_names(kernel_sets.kernels_used(lambda: _outputs_and_grads(case, case.make_inputs(dtype=dtype))))
    if not used:
        return checks.CheckResult(case.id, check, True, skipped="uses no compiled kernel")
    with kernel_sets.use("numba"):
        ours = _outputs_and_grads(case, case.make_inputs(dtype=dtype))
    with kernel_sets.use("twins"):
        twins = _outputs_and_grads(case, case.make_inputs(dtype=dtype))
    atol, rtol = TWINS_TOL[np.dtype(dtype).name]
    worst_abs = worst_rel = 0.0
    message = ""
    for k, (a, b) in enumerate(zip(ours, twins)):
        if a.shape != b.shape or a.dtype != b.dtype:
            message = f"result {k}: {a.shape} {a.dtype} with Numba, {b.shape} {b.dtype} with the twins"
            worst_abs = worst_rel = float("inf")
            break
        ea, er = checks.errors(a, b)
        worst_abs, worst_rel = max(worst_abs, ea), max(worst_rel, er)
        if not message and not np.allclose(a, b, atol=atol, rtol=rtol, equal_nan=True):
            message = f"result {k} differs by up to {ea:.3g} between the Numba loops {sorted(used)} and their twins"
    res = checks.CheckResult(case.id, check, not message, worst_abs, worst_rel, message)
    res.kernels = used
    return res


# ---- shape/dim variants from the case's family --------------------------------------------------------
BROADCAST_SHAPES = ([(2, 3, 4), (3, 1), (1, 4), (4,)], [(3, 1), (2, 1, 4), (2, 3, 1), ()])
DIM_OVERRIDES = {
    "reduce": [{"dim": 1, "keepdim": False}, {"dim": (0, 2), "keepdim": True}],
    "reduce1": [{"dim": -1, "keepdim": True}, {"dim": 0, "keepdim": False}],
    "dimwise": [{"dim": 0}, {"dim": 1}],
}


def variants(case: OpCase) -> list:
    """``(label, shapes, layouts, overrides)`` for each variant of the case's ``family`` (none without one).

    Example:
        >>> from autograd.testing import cases
        >>> from benchmarks.grad_checks import variants
        >>> [v[0] for v in variants(cases("add")[0])]
        ['broadcast-1', 'broadcast-2']
    """
    n = len(case.inputs)
    if case.family == "elementwise":
        out = []
        for i, table in enumerate(BROADCAST_SHAPES):
            shapes = [table[0]] + [table[1 + (k % (len(table) - 1))] for k in range(n - 1)]
            layouts = ["transposed" if (k + i) % 2 == 0 else "sliced" for k in range(n)]
            out.append((f"broadcast-{i + 1}", shapes, layouts, {}))
        return out
    if case.family in DIM_OVERRIDES:
        shapes = [(2, 3, 4)] + [None] * (n - 1)
        return [(f"dims-{i + 1}", shapes, [("transposed", "sliced")[i % 2]] + ["contiguous"] * (n - 1), o)
                for i, o in enumerate(DIM_OVERRIDES[case.family])]
    return []


def check_variant(case: OpCase, label: str, shapes, layouts, overrides: dict, torch) -> checks.CheckResult:
    """fd64, layouts and (when ``torch`` is given) PyTorch on one variant; the worst of them."""
    inputs = case.make_inputs(dtype=np.float64, shapes=shapes, layouts=layouts)
    outs = case.run(case.make_inputs(dtype=np.float64, shapes=shapes), **overrides)
    if not all(np.isfinite(o.data).all() for o in outs if isinstance(o, Tensor) and o.dtype.kind == "f"):
        return checks.CheckResult(case.id, label, True, skipped="outside the op's domain at these shapes")
    parts = [checks.check_layouts(case, shapes, layouts, **overrides)]
    if case.gradcheck and case.differentiable:
        parts.append(checks.check_gradcheck(case, inputs, **overrides))
    if torch is not None and case.torch_fn is not None:
        parts.append(checks.check_torch(case, torch, case.make_inputs(dtype=np.float64, shapes=shapes, layouts=layouts),
                                        **overrides))
    failed = [p for p in parts if not p.passed]
    where = f"shapes {shapes}, layouts {layouts}, {overrides}"
    return checks.CheckResult(case.id, label, not failed, max(p.max_abs for p in parts), max(p.max_rel for p in parts),
                              f"{failed[0].check} at {where}: {failed[0].message}" if failed else "")


# ---- all checks of one case ----------------------------------------------------------------------------
def plan(case: OpCase, torch) -> list:
    """``[(check name, thunk returning a CheckResult)]`` for every check of ``case``."""
    steps = [
        ("fd64", lambda: checks.check_gradcheck(case, case.make_inputs(dtype=np.float64))),
        ("fd64-2", lambda: checks.check_gradgradcheck(case, case.make_inputs(dtype=np.float64))),
        ("fd32", lambda: fd32(case, 1)),
        ("fd32-2", lambda: fd32(case, 2)),
        ("numba-twins-f32", lambda: numba_vs_twins(case, np.float32)),
        ("numba-twins-f64", lambda: numba_vs_twins(case, np.float64)),
    ]
    for dt in ("float64", "float32"):
        if torch is None:
            thunk = lambda: checks.CheckResult(case.id, "torch", True, skipped="PyTorch unavailable")
        else:
            thunk = lambda dt=dt: checks.check_torch(case, torch, dtype=np.dtype(dt))
        steps.append((f"torch-f{dt[-2:]}", thunk))
    n = len(case.inputs)
    if n and any(spec.shape or spec.value is not None for spec in case.inputs):
        for layout in ("transposed", "sliced"):
            steps.append((f"layout-{layout}", lambda layout=layout: checks.check_layouts(case, layouts=[layout] * n)))
    for label, shapes, layouts, overrides in variants(case):
        steps.append((label, lambda a=(label, shapes, layouts, overrides): check_variant(case, *a, torch=torch)))
    return steps


def run_case(case: OpCase, torch, only: set | None = None) -> list:
    """Every check of ``case`` (or those named in ``only``) as ``Record``s."""
    return [_record(case, name, thunk) for name, thunk in plan(case, torch) if only is None or name in only]
