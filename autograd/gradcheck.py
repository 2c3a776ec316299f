"""``gradcheck`` and ``gradgradcheck``: analytical gradients against central finite differences.

Use float64 inputs. On a mismatch the report names the output, the input, the
worst element and both values.

Example:
    >>> import autograd as ag
    >>> a = ag.randn(3, 4, dtype=ag.float64, requires_grad=True)
    >>> b = ag.randn(4, 2, dtype=ag.float64, requires_grad=True)
    >>> ag.gradcheck(lambda a, b: (a @ b).tanh(), (a, b))
    True
"""

from __future__ import annotations

import numpy as np

from .engine import grad as _grad
from .tensor import Tensor, _wrap


class GradcheckError(RuntimeError):
    """Raised by ``gradcheck`` when analytical and numerical gradients disagree."""


def _outputs(fn, inputs) -> list:
    out = fn(*inputs)
    out = [out] if isinstance(out, Tensor) else list(out)
    return [o for o in out if isinstance(o, Tensor) and o.data.dtype.kind == "f"]


def _diff_inputs(inputs) -> list:
    return [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]


def _numerical(fn, inputs, k: int, eps: float, n_out_elems: list) -> list:
    """Jacobians d(out_j)/d(input_k) by central differences: one (out.size, in.size) array per output."""
    x = inputs[k].data
    jac = [np.zeros((n, x.size)) for n in n_out_elems]
    flat = x.reshape(-1)  # a view when contiguous; else write through a copy
    contiguous = flat.base is x or flat is x or np.shares_memory(flat, x)
    for i in range(x.size):
        orig = flat[i].copy()
        vals = []
        for step in (eps, -eps):
            flat[i] = orig + step
            if not contiguous:
                x[...] = flat.reshape(x.shape)
            vals.append([o.data.astype(np.float64).reshape(-1) for o in _outputs(fn, inputs)])
        flat[i] = orig
        if not contiguous:
            x[...] = flat.reshape(x.shape)
        for j, (plus, minus) in enumerate(zip(*vals)):
            jac[j][:, i] = (plus - minus) / (2 * eps)
    return jac


def _analytical(outputs, diff: list, inputs) -> list:
    """jac[j][k]: (out_j.size, in_k.size) by one vector-Jacobian product per output element."""
    jac = []
    for o in outputs:
        rows = [np.zeros((o.data.size, inputs[k].data.size)) for k in diff]
        for r in range(o.data.size):
            seed = np.zeros(o.data.size, dtype=o.data.dtype)
            seed[r] = 1
            if not o.requires_grad:
                continue
            gs = _grad([o], [inputs[k] for k in diff], [_wrap(seed.reshape(o.data.shape), None, False)],
                       retain_graph=True, allow_unused=True)
            for c, g in enumerate(gs):
                if g is not None:
                    rows[c][r] = g.data.astype(np.float64).reshape(-1)
        jac.append(rows)
    return jac


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
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = _diff_inputs(inputs)
    if not diff:
        raise ValueError("gradcheck expects at least one input tensor to require gradient")
    for k in diff:
        if inputs[k].data.dtype != np.float64:
            import warnings

            warnings.warn(
                f"gradcheck: input {k} is {inputs[k].data.dtype}, not float64; finite differences will be imprecise",
                stacklevel=2,
            )
    outputs = _outputs(func, inputs)
    sizes = [o.data.size for o in outputs]
    if fast_mode:
        return _fast(func, inputs, diff, outputs, eps, atol, rtol, raise_exception)
    analytical = _analytical(outputs, diff, inputs)
    for c, k in enumerate(diff):
        numerical = _numerical(func, inputs, k, eps, sizes)
        for j in range(len(outputs)):
            a, n = analytical[j][c], numerical[j]
            if not np.allclose(a, n, rtol=rtol, atol=atol, equal_nan=False):
                return _fail(raise_exception, j, k, a, n, atol, rtol)
    return True


def _fast(func, inputs, diff, outputs, eps, atol, rtol, raise_exception) -> bool:
    rng = np.random.default_rng(0)
    us = [rng.standard_normal(o.data.shape) for o in outputs]
    for k in diff:
        x = inputs[k].data
        v = rng.standard_normal(x.shape)
        orig = x.copy()
        vals = []
        for step in (eps, -eps):
            x[...] = orig + step * v
            outs = _outputs(func, inputs)
            vals.append(sum(float((o.data.astype(np.float64) * u).sum()) for o, u in zip(outs, us)))
        x[...] = orig
        numerical = (vals[0] - vals[1]) / (2 * eps)
        live = [(o, u) for o, u in zip(outputs, us) if o.requires_grad]
        analytical = 0.0
        if live:
            (g,) = _grad([o for o, _ in live], [inputs[k]], [_wrap(u.astype(o.data.dtype), None, False) for o, u in live],
                         retain_graph=True, allow_unused=True)
            analytical = 0.0 if g is None else float((g.data.astype(np.float64) * v).sum())
        if not np.isclose(analytical, numerical, rtol=rtol, atol=atol):
            return _fail(raise_exception, "(all, projected)", k, np.array([[analytical]]), np.array([[numerical]]), atol, rtol)
    return True


def _fail(raise_exception: bool, j, k, a: np.ndarray, n: np.ndarray, atol: float, rtol: float) -> bool:
    err = np.abs(a - n) - (atol + rtol * np.abs(n))
    r, c = np.unravel_index(int(np.nanargmax(np.where(np.isnan(err), np.inf, err))), err.shape)
    msg = (
        f"Jacobian mismatch for output {j} with respect to input {k}:\n"
        f"worst element (output element {r}, input element {c}): numerical {n[r, c]:.8g}, "
        f"analytical {a[r, c]:.8g}, |difference| {abs(a[r, c] - n[r, c]):.3g} "
        f"(allowed {atol + rtol * abs(n[r, c]):.3g}: atol={atol}, rtol={rtol})\n"
        f"numerical:\n{n}\nanalytical:\n{a}"
    )
    if raise_exception:
        raise GradcheckError(msg)
    return False


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
                  raise_exception: bool = True, fast_mode: bool = False) -> bool:
    """Check second-order gradients: ``gradcheck`` of the map (inputs, grad_outputs) -> vector-Jacobian product.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([0.3, -1.2], dtype=ag.float64, requires_grad=True)
        >>> ag.gradgradcheck(ag.tanh, (x,))
        True
    """
    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff = _diff_inputs(inputs)
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
        outs = [o for o in _outputs(func, ins)]
        live = [(o, g) for o, g in zip(outs, gos) if o.requires_grad]
        grads = _grad([o for o, _ in live], [ins[k] for k in diff], [g for _, g in live],
                      create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    return gradcheck(vjp, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception, fast_mode=fast_mode)
