"""Gradient clipping: ``clip_grad_norm_``, ``clip_grad_value_``, ``get_total_norm``, ``clip_grads_with_norm_``.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> w = nn.Parameter(ag.zeros(2)); w.grad = ag.tensor([3.0, 4.0])
    >>> nn.utils.clip_grad_norm_([w], max_norm=1.0)
    tensor(5.)
    >>> w.grad
    tensor([0.6000, 0.8000])
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np

from autograd.tensor import Tensor, _wrap

__all__ = ["clip_grad_norm_", "clip_grad_value_", "get_total_norm", "clip_grads_with_norm_"]


def _tensors(parameters, what: str) -> list:
    if isinstance(parameters, Tensor):
        return [parameters]
    if not isinstance(parameters, Iterable):
        raise TypeError(f"{what}: expected a Tensor or an iterable of Tensors, got {type(parameters).__name__}")
    return list(parameters)


def _grads(parameters, what: str) -> list:
    return [p.grad for p in _tensors(parameters, what) if p.grad is not None]


def _norm_type(norm_type) -> float:
    if isinstance(norm_type, str) and norm_type.lower() == "inf":
        return math.inf
    return float(norm_type)


def get_total_norm(tensors, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """The ``norm_type``-norm of all ``tensors`` together (as if concatenated into one vector).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.utils.get_total_norm([ag.tensor([3.0]), ag.tensor([4.0])])
        tensor(5.)
    """
    ts = [t for t in _tensors(tensors, "get_total_norm") if t is not None]
    p = _norm_type(norm_type)
    if not ts:
        return _wrap(np.array(0.0, dtype=np.float32), None, False)
    dtype = np.result_type(*[t.data.dtype for t in ts])
    if p == math.inf:
        total = max(float(np.abs(t.data).max()) if t.data.size else 0.0 for t in ts)
    elif p == -math.inf:
        total = min(float(np.abs(t.data).min()) if t.data.size else math.inf for t in ts)
    else:
        norms = np.array([np.linalg.norm(t.data.reshape(-1).astype(np.float64), ord=p) if t.data.size else 0.0 for t in ts])
        total = float(np.linalg.norm(norms, ord=p))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"The total norm of order {p} for gradients from `parameters` is non-finite, so it cannot be clipped. "
            "To disable this error and scale the gradients by the non-finite norm anyway, set `error_if_nonfinite=False`"
        )
    return _wrap(np.array(total, dtype=dtype), None, False)


def clip_grads_with_norm_(parameters, max_norm: float, total_norm: Tensor, foreach=None) -> None:
    """Scale every gradient by ``min(1, max_norm / (total_norm + 1e-6))``, in place.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.Parameter(ag.zeros(1)); w.grad = ag.tensor([10.0])
        >>> nn.utils.clip_grads_with_norm_([w], 1.0, ag.tensor(10.0)); w.grad
        tensor([1.0000])
    """
    coef = float(max_norm) / (float(total_norm) + 1e-6)
    coef = min(coef, 1.0) if not math.isnan(coef) else coef
    for g in _grads(parameters, "clip_grads_with_norm_"):
        g.data *= g.data.dtype.type(coef)
        g._version += 1


def clip_grad_norm_(
    parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False, foreach=None
) -> Tensor:
    """Rescale the gradients of ``parameters`` in place so that their total norm is at most ``max_norm``.

    Returns the total norm before clipping (a Tensor). ``error_if_nonfinite=True`` raises on a
    NaN/inf norm instead of scaling by it.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> model = nn.Linear(3, 1); model(ag.ones(4, 3) * 100).sum().backward()
        >>> norm = nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        >>> float(norm) > 1, abs(float(nn.utils.get_total_norm([p.grad for p in model.parameters()])) - 1) < 1e-4
        (True, True)
    """
    params = _tensors(parameters, "clip_grad_norm_")
    grads = [p.grad for p in params if p.grad is not None]
    total = get_total_norm(grads, norm_type, error_if_nonfinite)
    if grads:
        clip_grads_with_norm_(params, max_norm, total)
    return total


def clip_grad_value_(parameters, clip_value: float, foreach=None) -> None:
    """Clamp every gradient of ``parameters`` to ``[-clip_value, clip_value]`` in place.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.Parameter(ag.zeros(2)); w.grad = ag.tensor([-3.0, 0.5])
        >>> nn.utils.clip_grad_value_(w, 1.0); w.grad
        tensor([-1.0000,  0.5000])
    """
    c = float(clip_value)
    for g in _grads(parameters, "clip_grad_value_"):
        np.clip(g.data, -c, c, out=g.data)
        g._version += 1
