"""The checks the op registry drives, each returning a ``CheckResult`` with error figures.

- ``check_gradcheck``: analytical against central finite differences (float64, or float32 with
  ``FLOAT32_TOLERANCES``), and the array-level backward against the graph-building one;
- ``check_gradgradcheck``: second order, the same way;
- ``check_torch``: values, dtypes and input gradients against PyTorch;
- ``check_kernels``: the Numba kernels (at every size) against their NumPy twins;
- ``check_layouts``: non-contiguous (transposed, sliced) inputs against contiguous copies.

The tests in ``tests/autograd/test_registry.py`` and the gradient report in ``benchmarks/``
call these on every registered case.

Example:
    >>> from autograd.testing import cases, check_gradcheck
    >>> r = check_gradcheck(cases("tanh")[0])
    >>> r.passed, r.max_rel < 1e-6
    (True, True)
"""

from __future__ import annotations

import contextlib
import warnings
from dataclasses import dataclass

import numpy as np

from .. import kernels as K
from ..engine import grad as _grad
from ..gradcheck import jacobian_errors, vjp_problem
from ..tensor import Tensor, _wrap
from .registry import OpCase, to_torch


@dataclass
class CheckResult:
    """One check of one case: ``passed``, the worst absolute and relative errors, a report on failure.

    ``skipped`` holds the reason when the check does not apply (then ``passed`` is True).
    """

    case: str
    check: str
    passed: bool = True
    max_abs: float = 0.0
    max_rel: float = 0.0
    message: str = ""
    skipped: str = ""

    def __bool__(self) -> bool:
        return self.passed


def _fn(case: OpCase, **overrides):
    kwargs = {**case.kwargs, **overrides}
    return lambda *xs: case.fn(*xs, **kwargs)


def _skip(case: OpCase, check: str, reason: str) -> CheckResult:
    return CheckResult(case.id, check, True, skipped=reason)


def errors(a: np.ndarray, b: np.ndarray) -> tuple:
    """``(max |a - b|, max |a - b| / |b|)``, the relative error over elements with ``|b| >= 1e-6``;
    matching NaN/inf count as equal, mismatching ones as infinite error."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf"), float("inf")
    if a.size == 0:
        return 0.0, 0.0
    same_nonfinite = (np.isnan(a) & np.isnan(b)) | (np.isinf(a) & (a == b))
    if ((~np.isfinite(a) | ~np.isfinite(b)) & ~same_nonfinite).any():
        return float("inf"), float("inf")
    ok = ~same_nonfinite
    d = np.abs(a - b)[ok]
    if d.size == 0:
        return 0.0, 0.0
    ref = np.abs(b[ok])
    big = ref >= 1e-6
    return float(d.max()), float((d[big] / ref[big]).max()) if big.any() else 0.0


def _close(a, b, atol: float, rtol: float) -> bool:
    return bool(np.allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), atol=atol, rtol=rtol, equal_nan=True))


# ---- gradients against finite differences --------------------------------------------------------
def input_grads(case: OpCase, inputs: list, create_graph: bool = False, seed: int = 0, **overrides) -> list:
    """Gradients of ``sum_j (w_j * out_j).sum()`` (fixed random weights ``w_j``) w.r.t. the inputs
    that require grad; zeros for unused inputs."""
    outs = [o for o in case.run(inputs, **overrides) if isinstance(o, Tensor) and o.requires_grad]
    diff = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    if not outs or not diff:
        return [np.zeros(t.shape) for t in diff]
    rng = np.random.default_rng(seed)
    weights = [_wrap(rng.standard_normal(o.data.shape).astype(o.data.dtype), None, False) for o in outs]
    gs = _grad(outs, diff, weights, allow_unused=True, create_graph=create_graph)
    return [np.zeros(t.shape) if g is None else np.array(g.data) for g, t in zip(gs, diff)]


FLOAT32_TOLERANCES = {"eps": 1e-3, "atol": 1e-2, "rtol": 1e-2}
"""gradcheck in float32: a larger step (rounding error ~1e-7/eps) and tolerances of 1e-2."""


def _tolerances_for(case: OpCase, dtype) -> dict:
    tol = {"eps": case.eps, "atol": case.atol, "rtol": case.rtol}
    if np.dtype(dtype) != np.float64:
        tol = {k: max(v, FLOAT32_TOLERANCES[k]) for k, v in tol.items()}
    return tol


def check_gradcheck(case: OpCase, inputs: list | None = None, dtype=np.float64, **overrides) -> CheckResult:
    """First-order gradients against finite differences (float64, or float32 with ``FLOAT32_TOLERANCES``),
    and the array-level backward pass against the graph-building one."""
    if not case.gradcheck or not case.differentiable:
        return _skip(case, "gradcheck", "gradcheck is off for this case" if case.differentiable else "no gradient")
    if str(np.dtype(dtype)) not in case.dtypes:
        return _skip(case, "gradcheck", f"the case is not meant for {np.dtype(dtype)}")
    if inputs is None:
        inputs = case.make_inputs(dtype=dtype)
    dtypes = {t.data.dtype for t in inputs if isinstance(t, Tensor) and t.requires_grad}
    if dtypes != {np.dtype(dtype)}:
        return _skip(case, "gradcheck", f"inputs are {sorted(map(str, dtypes))}, not {np.dtype(dtype)}")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # the float32 warning of gradcheck
            rep = jacobian_errors(_fn(case, **overrides), inputs, **_tolerances_for(case, dtype))
        res = CheckResult(case.id, "gradcheck", rep.passed, rep.max_abs, rep.max_rel, rep.message)
        if res.passed:
            plain = input_grads(case, inputs, False, **overrides)
            graph = input_grads(case, inputs, True, **overrides)
            close = (1e-12, 1e-9) if np.dtype(dtype) == np.float64 else (1e-6, 1e-5)
            for k, (a, b) in enumerate(zip(graph, plain)):
                if not _close(a, b, *close):
                    ea, er = errors(a, b)
                    return CheckResult(case.id, "gradcheck", False, ea, er,
                                       f"input {k}: backward with create_graph=True gives {a}, without {b}")
        return res
    except Exception as e:  # an exception is a failed check, reported with its type
        return CheckResult(case.id, "gradcheck", False, float("inf"), float("inf"), f"{type(e).__name__}: {e}")


def check_gradgradcheck(case: OpCase, inputs: list | None = None, **overrides) -> CheckResult:
    """Second-order gradients against finite differences of the first-order ones (float64)."""
    if not case.gradgrad or not case.gradcheck or not case.differentiable:
        return _skip(case, "gradgradcheck", "gradgradcheck is off for this case")
    if inputs is None:
        inputs = case.make_inputs(dtype=np.float64)
    try:
        vjp, args = vjp_problem(_fn(case, **overrides), inputs)
        rep = jacobian_errors(vjp, args, eps=case.eps, atol=case.atol, rtol=case.rtol)
        return CheckResult(case.id, "gradgradcheck", rep.passed, rep.max_abs, rep.max_rel, rep.message)
    except Exception as e:
        return CheckResult(case.id, "gradgradcheck", False, float("inf"), float("inf"), f"{type(e).__name__}: {e}")


# ---- PyTorch ----------------------------------------------------------------------------------------
def _torch_dtype_name(t) -> str:
    return str(t.dtype).replace("torch.", "")


def compare_outputs(case: OpCase, ours: list, theirs: list, atol: float, rtol: float) -> tuple:
    """Compare two flat output lists (ours: Tensors/values; theirs: torch tensors/values).

    Returns ``(message or '', max_abs, max_rel)``.
    """
    if len(ours) != len(theirs):
        return f"{len(ours)} outputs, PyTorch gives {len(theirs)}", float("inf"), float("inf")
    worst_abs = worst_rel = 0.0
    for j, (o, t) in enumerate(zip(ours, theirs)):
        if not isinstance(o, Tensor):
            tv = t.item() if hasattr(t, "item") and getattr(t, "numel", lambda: 2)() == 1 else t
            if o != tv:
                return f"output {j}: {o!r}, PyTorch gives {tv!r}", float("inf"), float("inf")
            continue
        if not hasattr(t, "detach"):
            return f"output {j} is a Tensor, PyTorch gives {type(t).__name__}", float("inf"), float("inf")
        tv = t.detach().numpy()
        if tuple(o.shape) != tuple(tv.shape):
            return f"output {j}: shape {tuple(o.shape)}, PyTorch gives {tuple(tv.shape)}", float("inf"), float("inf")
        if str(o.dtype) != _torch_dtype_name(t):
            return f"output {j}: dtype {o.dtype}, PyTorch gives {_torch_dtype_name(t)}", float("inf"), float("inf")
        if o.requires_grad != bool(t.requires_grad):
            return f"output {j}: requires_grad={o.requires_grad}, PyTorch gives {t.requires_grad}", float("inf"), float("inf")
        if o.data.dtype.kind in "biu":
            if not np.array_equal(o.data, tv):
                return f"output {j}: values {o.data.tolist()}, PyTorch gives {tv.tolist()}", float("inf"), float("inf")
            continue
        ea, er = errors(o.data, tv)
        worst_abs, worst_rel = max(worst_abs, ea), max(worst_rel, er)
        if not _close(o.data, tv, atol, rtol):
            return f"output {j}: values differ by up to {ea:.3g}:\n{o.data}\nPyTorch:\n{tv}", ea, er
    return "", worst_abs, worst_rel


def _tolerances(case: OpCase, dtype) -> tuple:
    low = np.dtype(dtype) != np.float64
    atol = case.torch_atol if case.torch_atol is not None else (1e-5 if low else 1e-10)
    rtol = case.torch_rtol if case.torch_rtol is not None else (1e-4 if low else 1e-7)
    return atol, rtol


def check_torch(case: OpCase, torch, inputs: list | None = None, dtype=None, **overrides) -> CheckResult:
    """Values, dtypes and input gradients against PyTorch (``torch`` is the imported module)."""
    if case.torch_fn is None:
        return _skip(case, "torch", "no PyTorch counterpart")
    if dtype is not None and str(np.dtype(dtype)) not in case.dtypes:
        return _skip(case, "torch", f"the case is not meant for {np.dtype(dtype)}")
    if inputs is None:
        inputs = case.make_inputs(dtype=dtype)
    fdt = next((t.dtype for t in inputs if isinstance(t, Tensor) and t.dtype.kind == "f"), np.float64)
    atol, rtol = _tolerances(case, fdt)
    try:
        tin = to_torch(torch, inputs)
        theirs = case.run_torch(torch, tin, **overrides)
        ours = case.run(inputs, **overrides)
        msg, worst_abs, worst_rel = compare_outputs(case, ours, theirs, atol, rtol)
        if msg:
            return CheckResult(case.id, "torch", False, worst_abs, worst_rel, msg)
        if not case.differentiable:
            return CheckResult(case.id, "torch", True, worst_abs, worst_rel)
        # input gradients of sum_j (w_j * out_j).sum() with the same weights
        rng = np.random.default_rng(0)
        pairs = []
        for o, t in zip(ours, theirs):
            if isinstance(o, Tensor) and o.data.dtype.kind == "f":
                w = rng.standard_normal(o.data.shape).astype(o.data.dtype)
                pairs.append((o, t, w))
        diff = [k for k, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
        ag_loss = [(o, w) for o, _, w in pairs if o.requires_grad]
        ours_g = [None] * len(diff)
        if ag_loss:
            ours_g = _grad([o for o, _ in ag_loss], [inputs[k] for k in diff],
                           [_wrap(w, None, False) for _, w in ag_loss], allow_unused=True)
        t_loss = [(t, w) for _, t, w in pairs if getattr(t, "requires_grad", False)]
        theirs_g = [None] * len(diff)
        if t_loss:
            theirs_g = torch.autograd.grad([t for t, _ in t_loss], [tin[k] for k in diff],
                                           [torch.from_numpy(w) for _, w in t_loss], allow_unused=True)
        for k, g, tg in zip(diff, ours_g, theirs_g):
            a = np.zeros(inputs[k].shape) if g is None else g.data
            b = np.zeros(inputs[k].shape) if tg is None else tg.numpy()
            ea, er = errors(a, b)
            worst_abs, worst_rel = max(worst_abs, ea), max(worst_rel, er)
            if not _close(a, b, atol, rtol):
                return CheckResult(case.id, "torch", False, ea, er,
                                   f"gradient of input {k} differs by up to {ea:.3g}:\n{a}\nPyTorch:\n{b}")
        return CheckResult(case.id, "torch", True, worst_abs, worst_rel)
    except Exception as e:
        return CheckResult(case.id, "torch", False, float("inf"), float("inf"), f"{type(e).__name__}: {e}")


# ---- kernels ------------------------------------------------------------------------------------
def kernel_names() -> list:
    """Every kernel name (each has a NumPy twin)."""
    return list(K._NAMES)


def active_differs_from_twins() -> list:
    """Kernel names whose active implementation is not the NumPy twin (empty on the NumPy backend)."""
    return [n for n in K._NAMES if getattr(K, n) is not getattr(K.numpy_twins, n)]


def _numba_module():
    try:
        from ..kernels import numba_kernels
    except ImportError:  # Numba missing: there is only the NumPy path
        return None
    return numba_kernels


def compiled_kernel_names() -> list:
    """Kernel names with a Numba implementation (whatever backend is active)."""
    nk = _numba_module()
    if nk is None:
        return []
    return [n for n in K._NAMES if getattr(nk, n, None) is not None and getattr(nk, n) is not getattr(K.numpy_twins, n)]


@contextlib.contextmanager
def _kernels_from(source, names):
    saved = {n: getattr(K, n) for n in K._NAMES}
    try:
        for n in names:
            setattr(K, n, getattr(source, n))
        yield
    finally:
        for n, f in saved.items():
            setattr(K, n, f)


def numpy_kernels():
    """Run the block on the NumPy twins (ops look kernels up in ``autograd.kernels`` at call time)."""
    return _kernels_from(K.numpy_twins, K._NAMES)


def numba_kernels():
    """Run the block on the Numba kernels at every size (the active dispatch may pick the twin for
    small arrays, where it is faster); kernels without a Numba version stay as they are."""
    return _kernels_from(_numba_module(), compiled_kernel_names())


def kernels_used(case: OpCase, inputs: list | None = None) -> set:
    """The kernel names one forward and backward of ``case`` calls."""
    used: set = set()

    def spy(name, f):
        def wrapper(*a, **k):
            used.add(name)
            return f(*a, **k)
        return wrapper

    class _Spies:
        pass

    spies = _Spies()
    for n in K._NAMES:
        setattr(spies, n, spy(n, getattr(K, n)))
    with _kernels_from(spies, K._NAMES):
        if inputs is None:
            inputs = case.make_inputs()
        with np.errstate(all="ignore"):
            input_grads(case, inputs) if case.differentiable else case.run(inputs)
    return used


def check_kernels(case: OpCase, dtype=np.float32) -> CheckResult:
    """Values and gradients with the Numba kernels (forced at every size) against the NumPy twins."""
    compiled = set(compiled_kernel_names())
    if not compiled:
        return _skip(case, "kernels", "Numba kernels are not available: nothing to compare")
    try:
        used = kernels_used(case) & compiled
        if not used:
            return _skip(case, "kernels", "uses no compiled kernel")
        inputs = case.make_inputs(dtype=dtype)
        with numba_kernels():
            outs = [o.data for o in case.run(inputs) if isinstance(o, Tensor)]
            grads = input_grads(case, inputs) if case.differentiable else []
        twin_inputs = case.make_inputs(dtype=dtype)
        with numpy_kernels():
            t_outs = [o.data for o in case.run(twin_inputs) if isinstance(o, Tensor)]
            t_grads = input_grads(case, twin_inputs) if case.differentiable else []
        low = np.dtype(dtype) != np.float64
        atol, rtol = (1e-6, 1e-5) if low else (1e-12, 1e-10)
        worst_abs = worst_rel = 0.0
        pairs = [("output", x, y) for x, y in zip(outs, t_outs)] + [("gradient", x, y) for x, y in zip(grads, t_grads)]
        for what, a, b in pairs:
            if a.dtype != b.dtype:
                return CheckResult(case.id, "kernels", False, float("inf"), float("inf"),
                                   f"{what} dtype {a.dtype} with kernels {sorted(used)}, {b.dtype} with the twins")
            ea, er = errors(a, b)
            worst_abs, worst_rel = max(worst_abs, ea), max(worst_rel, er)
            if not _close(a, b, atol, rtol):
                return CheckResult(case.id, "kernels", False, ea, er,
                                   f"{what} differs by up to {ea:.3g} between kernels {sorted(used)} and their NumPy twins")
        return CheckResult(case.id, "kernels", True, worst_abs, worst_rel)
    except Exception as e:
        return CheckResult(case.id, "kernels", False, float("inf"), float("inf"), f"{type(e).__name__}: {e}")


# ---- layouts -------------------------------------------------------------------------------------
def check_layouts(case: OpCase, shapes=None, layouts=None, seed: int | None = None, **overrides) -> CheckResult:
    """The op on non-contiguous inputs against the op on contiguous copies: same values and gradients."""
    try:
        strided_in = case.make_inputs(shapes=shapes, layouts=layouts, seed=seed)
        plain_in = [_wrap(np.array(t.data, copy=True, order="C"), None, t.requires_grad) for t in strided_in]
        worst_abs = worst_rel = 0.0
        a_out = [o for o in case.run(strided_in, **overrides) if isinstance(o, Tensor)]
        b_out = [o for o in case.run(plain_in, **overrides) if isinstance(o, Tensor)]
        pairs = list(zip(a_out, b_out))
        if case.differentiable:
            pairs += [(_wrap(a, None, False), _wrap(b, None, False)) for a, b in
                      zip(input_grads(case, strided_in, **overrides), input_grads(case, plain_in, **overrides))]
        for a, b in pairs:
            if a.shape != b.shape or a.dtype != b.dtype:
                return CheckResult(case.id, "layouts", False, float("inf"), float("inf"),
                                   f"{tuple(a.shape)} {a.dtype} on strided inputs, {tuple(b.shape)} {b.dtype} on contiguous")
            ea, er = errors(a.data, b.data)
            worst_abs, worst_rel = max(worst_abs, ea), max(worst_rel, er)
            if not _close(a.data, b.data, 1e-12, 1e-10):
                return CheckResult(case.id, "layouts", False, ea, er,
                                   f"strided inputs {layouts} give values differing by up to {ea:.3g}")
        return CheckResult(case.id, "layouts", True, worst_abs, worst_rel)
    except Exception as e:
        return CheckResult(case.id, "layouts", False, float("inf"), float("inf"), f"{type(e).__name__}: {e}")
