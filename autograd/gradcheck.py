"""``gradcheck`` and ``gradgradcheck``: analytical gradients against central finite differences.

Use float64 inputs. On a mismatch the report names the output, the input, the
worst element and both values. ``jacobian_errors`` gives the same comparison as
figures (used by the op registry's tests and the gradient report).

Example:
    >>> import autograd as ag
    >>> a = ag.randn(3, 4, dtype=ag.float64, requires_grad=True)
    >>> b = ag.randn(4, 2, dtype=ag.float64, requires_grad=True)
    >>> ag.gradcheck(lambda a, b: (a @ b).tanh(), (a, b))
    True
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from .engine import grad as _grad
from .tensor import Tensor, _wrap


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients disagree."""


@dataclass
class JacobianReport:
    """The outcome of comparing analytical and numerical Jacobians.

    ``max_abs``: the largest ``|analytical - numerical|``; ``max_rel``: the largest
    ``|analytical - numerical| / |numerical|`` over elements with ``|numerical| >= 1e-6``;
    ``message``: the report of the worst failing element ('' when all are within tolerance).
    """

    passed: bool
    max_abs: float
    max_rel: float
    message: str


def _outputs(fn, inputs) -> list:
    out = fn(*inputs)
    out = [out] if isinstance(out, Tensor) else _flat(out)
    return [o for o in out if isinstance(o, Tensor) and o.data.dtype.kind == "f"]


def _flat(out) -> list:
    res = []
    for o in out:
        res.extend(_flat(o) if isinstance(o, (tuple, list)) else [o])
    return res


def _diff_inputs(inputs) -> list:
    return [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]


def _numerical(fn, inputs, k: int, eps: float, n_out_elems: list) -> list:
    """Jacobians d(out_j)/d(input_k) by central differences: one (out.size, in.size) array per output.

    Perturbs a private copy of input k's array (the caller's memory is never written).
    """
    t = inputs[k]
    orig = t.data
    work = np.array(orig, dtype=orig.dtype, copy=True, order="C")
    flat = work.reshape(-1)
    jac = [np.zeros((n, work.size)) for n in n_out_elems]
    t.data = work
    try:
        for i in range(work.size):
            x0 = flat[i].copy()
            vals = []
            for step in (eps, -eps):
                flat[i] = x0 + step
                vals.append([o.data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)])
            flat[i] = x0
            for j, (plus, minus) in enumerate(zip(*vals)):
                jac[j][:, i] = (plus - minus) / (2 * eps)
    finally:
        t.data = orig
    return jac


def _analytical(outputs, diff: list, inputs) -> list:
    """jac[j][c]: (out_j.size, in_{diff[c]}.size) by one vector-Jacobian product per output element."""
    jac = []
    for o in outputs:
        rows = [np.zeros((o.data.size, inputs[k].data.size)) for k in diff]
        if o.requires_grad:
            for r in range(o.data.size):
                seed = np.zeros(o.data.size, dtype=o.data.dtype)
                seed[r] = 1
                gs = _grad([o], [inputs[k] for k in diff], [_wrap(seed.reshape(o.data.shape), None, False)],
                           retain_graph=True, allow_unused=True)
                for c, g in enumerate(gs):
                    if g is not None:
                        if tuple(g.shape) != tuple(inputs[diff[c]].shape):
                            raise GradcheckError(
                                f"gradient for input {diff[c]} has shape {tuple(g.shape)}, "
                                f"expected the input's shape {tuple(inputs[diff[c]].shape)}"
                            )
                        rows[c][r] = g.data.astype(np.float64).reshape(-1)
        jac.append(rows)
    return jac


def _prepare(inputs, what: str):
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = _diff_inputs(inputs)
    if not diff:
        raise ValueError(f"{what} expects at least one input tensor to require gradient")
    for k in diff:
        if inputs[k].data.dtype != np.float64:
            warnings.warn(
                f"{what}: input {k} is {inputs[k].data.dtype}, not float64; finite differences will be imprecise",
                stacklevel=3,
            )
    return inputs, diff


def jacobian_errors(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                    fast_mode: bool = False) -> JacobianReport:
    """Compare analytical and finite-difference Jacobians of ``func`` and report the figures.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([0.3, -1.2], dtype=ag.float64, requires_grad=True)
        >>> from autograd.gradcheck import jacobian_errors
        >>> r = jacobian_errors(ag.sigmoid, (x,))
        >>> r.passed, r.max_abs < 1e-8
        (True, True)
    """
    inputs, diff = _prepare(inputs, "gradcheck")
    outputs = _outputs(func, inputs)
    if fast_mode:
        return _fast(func, inputs, diff, outputs, eps, atol, rtol)
    sizes = [o.data.size for o in outputs]
    analytical = _analytical(outputs, diff, inputs)
    worst_abs = worst_rel = 0.0
    failure = ""
    for c, k in enumerate(diff):
        numerical = _numerical(func, inputs, k, eps, sizes)
        for j in range(len(outputs)):
            a, n = analytical[j][c], numerical[j]
            abs_err, rel_err = _errors(a, n)
            worst_abs, worst_rel = max(worst_abs, abs_err), max(worst_rel, rel_err)
            if not failure and not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=False):
                failure = _report(j, k, a, n, atol, rtol)
    return JacobianReport(not failure, worst_abs, worst_rel, failure)


def _errors(a: np.ndarray, n: np.ndarray) -> tuple:
    if a.size == 0:
        return 0.0, 0.0
    diff = np.abs(a - n)
    if not np.isfinite(diff).all():
        return float("inf"), float("inf")
    big = np.abs(n) >= 1e-6
    rel = float((diff[big] / np.abs(n[big])).max()) if big.any() else 0.0
    return float(diff.max()), rel


def _fast(func, inputs, diff, outputs, eps, atol, rtol) -> JacobianReport:
    rng = np.random.default_rng(0)
    us = [rng.standard_normal(o.data.shape) for o in outputs]
    worst_abs = worst_rel = 0.0
    for k in diff:
        t = inputs[k]
        orig = t.data
        v = rng.standard_normal(orig.shape)
        vals = []
        try:
            for step in (eps, -eps):
                t.data = (orig + step * v).astype(orig.dtype)
                outs = _outputs(func, inputs)
                vals.append(sum(float((o.data.astype(np.float64) * u).sum()) for o, u in zip(outs, us)))
        finally:
            t.data = orig
        numerical = (vals[0] - vals[1]) / (2 * eps)
        live = [(o, u) for o, u in zip(outputs, us) if o.requires_grad]
        analytical = 0.0
        if live:
            (g,) = _grad([o for o, _ in live], [t], [_wrap(u.astype(o.data.dtype), None, False) for o, u in live],
                         retain_graph=True, allow_unused=True)
            analytical = 0.0 if g is None else float((g.data.astype(np.float64) * v).sum())
        a, n = np.array([[analytical]]), np.array([[numerical]])
        abs_err, rel_err = _errors(a, n)
        worst_abs, worst_rel = max(worst_abs, abs_err), max(worst_rel, rel_err)
        if not np.isclose(analytical, numerical, rtol=rtol, atol=atol):
            return JacobianReport(False, worst_abs, worst_rel, _report("(all, projected)", k, a, n, atol, rtol))
    return JacobianReport(True, worst_abs, worst_rel, "")


def _report(j, k, a: np.ndarray, n: np.ndarray, atol: float, rtol: float) -> str:
    err = np.abs(a - n) - (atol + rtol * np.abs(n))
    r, c = np.unravel_index(int(np.nanargmax(np.where(np.isnan(err), np.inf, err))), err.shape)
    opts = {"threshold": 200, "edgeitems": 4, "precision": 6}
    return (
        f"Jacobian mismatch for output {j} with respect to input {k}:\n"
        f"worst element (output element {r}, input element {c}): numerical {n[r, c]:.8g}, "
        f"analytical {a[r, c]:.8g}, |difference| {abs(a[r, c] - n[r, c]):.3g} "
        f"(allowed {atol + rtol * abs(n[r, c]):.3g}: atol={atol}, rtol={rtol})\n"
        f"numerical:\n{np.array2string(n, **opts)}\nanalytical:\n{np.array2string(a, **opts)}"
    )


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, fast_mode: bool = False, nondet_tol: float = 0.0) -> bool:
    """Check ``func``'s analytical gradients against finite differences for every input with ``requires_grad``.

    ``fast_mode`` compares one random projection ``u^T J v`` instead of the whole Jacobian.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([0.3, -1.2], dtype=ag.float64, requires_grad=True)
        >>> ag.gradcheck(ag.sigmoid, (x,))
        True
    """
    report = jacobian_errors(func, inputs, eps=eps, atol=atol, rtol=rtol, fast_mode=fast_mode)
    if not report.passed and raise_exception:
        raise GradcheckError(report.message)
    return report.passed


def vjp_problem(func, inputs, grad_outputs=None):
    """The map ``(inputs, grad_outputs) -> vector-Jacobian product`` and its inputs: what
    ``gradgradcheck`` runs ``gradcheck`` on.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([0.5], dtype=ag.float64, requires_grad=True)
        >>> from autograd.gradcheck import vjp_problem
        >>> vjp, args = vjp_problem(lambda x: x ** 3, (x,))
        >>> len(args)
        2
    """
    inputs, diff = _prepare(inputs, "gradgradcheck")
    outputs = _outputs(func, inputs)
    rng = np.random.default_rng(1)
    if grad_outputs is None:
        grad_outputs = [
            _wrap(rng.standard_normal(o.data.shape).astype(o.data.dtype), None, False).requires_grad_() for o in outputs
        ]
    else:
        grad_outputs = [grad_outputs] if isinstance(grad_outputs, Tensor) else list(grad_outputs)
    n_in = len(inputs)

    def vjp(*args):
        ins, gos = args[:n_in], args[n_in:]
        outs = _outputs(func, ins)
        live = [(o, g) for o, g in zip(outs, gos) if o.requires_grad]
        if not live:
            return ()
        grads = _grad([o for o, _ in live], [ins[k] for k in diff], [g for _, g in live],
                      create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return vjp, tuple(inputs) + tuple(grad_outputs)


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, fast_mode: bool = False) -> bool:
    """Check second-order gradients: ``gradcheck`` of the map (inputs, grad_outputs) -> vector-Jacobian product.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([0.3, -1.2], dtype=ag.float64, requires_grad=True)
        >>> ag.gradgradcheck(ag.tanh, (x,))
        True
    """
    vjp, args = vjp_problem(func, inputs, grad_outputs)
    return gradcheck(vjp, args, eps=eps, atol=atol, rtol=rtol, raise_exception=raise_exception, fast_mode=fast_mode)
