"""``F.pad``: constant, reflect, replicate and circular padding of the last dims (as PyTorch).

``pad`` lists (left, right) amounts starting from the last dim: ``(1, 1)`` pads the
last dim, ``(1, 1, 2, 0)`` also the one before. Negative constant amounts crop.
Constant padding's gradient is the opposite padding (so it is its own backward op);
the other modes gather along index arrays and scatter the gradient back.

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> F.pad(ag.tensor([[1.0, 2.0, 3.0]]), (2, 1), mode="reflect")
    tensor([[3., 2., 1., 2., 3., 2.]])
"""

from __future__ import annotations

import numpy as np

from autograd.function import Function
from autograd.tensor import Tensor

__all__ = ["pad"]

_MODES = ("constant", "reflect", "replicate", "circular")


def _pairs(pad: tuple, ndim: int) -> list:
    """Per dim of the input, the (before, after) amounts."""
    widths = [(0, 0)] * ndim
    for k in range(len(pad) // 2):
        widths[ndim - 1 - k] = (int(pad[2 * k]), int(pad[2 * k + 1]))
    return widths


def _constant_arrays(x: np.ndarray, widths: list, value: float) -> np.ndarray:
    shape = tuple(n + a + b for n, (a, b) in zip(x.shape, widths))
    if value == 0:
        out = np.zeros(shape, dtype=x.dtype)
    else:
        out = np.full(shape, value, dtype=x.dtype)
    src, dst = [], []
    for n, (a, b) in zip(x.shape, widths):
        src.append(slice(max(-a, 0), n - max(-b, 0)))
        dst.append(slice(max(a, 0), max(a, 0) + n - max(-a, 0) - max(-b, 0)))
    out[tuple(dst)] = x[tuple(src)]
    return out


class ConstantPad(Function):
    name = "pad"

    @staticmethod
    def forward(ctx, x, widths, value):
        ctx.widths = widths
        return _constant_arrays(x.data, widths, value)

    @staticmethod
    def backward(ctx, g):
        return ConstantPad.apply(g, [(-a, -b) for a, b in ctx.widths], 0.0), None, None

    @staticmethod
    def backward_arrays(ctx, g):
        return _constant_arrays(g, [(-a, -b) for a, b in ctx.widths], 0.0), None, None


def _index(n: int, a: int, b: int, mode: str) -> np.ndarray:
    i = np.arange(-a, n + b)
    if mode == "replicate":
        return np.clip(i, 0, n - 1)
    if mode == "circular":
        return i % n
    period = 2 * (n - 1)  # reflect: ... 2 1 [0 1 2 ... n-1] n-2 ...
    i = np.abs(i) % period if period else np.zeros_like(i)
    return np.where(i >= n, period - i, i)


def _gather(x: np.ndarray, indices: list) -> np.ndarray:
    for d, idx in indices:
        x = np.take(x, idx, axis=d)
    return x


def _scatter(g: np.ndarray, indices: list, shape: tuple) -> np.ndarray:
    for d, idx in reversed(indices):
        moved = np.moveaxis(g, d, 0)
        acc = np.zeros((shape[d],) + moved.shape[1:], dtype=g.dtype)
        np.add.at(acc, idx, moved)
        g = np.moveaxis(acc, 0, d)
    return np.ascontiguousarray(g)


class IndexPad(Function):
    """Reflect/replicate/circular padding: gather along index arrays."""

    name = "pad"

    @staticmethod
    def forward(ctx, x, indices):
        ctx.indices = indices
        ctx.in_shape = x.data.shape
        return _gather(x.data, indices)

    @staticmethod
    def backward(ctx, g):
        return IndexPadBackward.apply(g, ctx.indices, ctx.in_shape), None

    @staticmethod
    def backward_arrays(ctx, g):
        return _scatter(g, ctx.indices, ctx.in_shape), None


class IndexPadBackward(Function):
    name = "pad_backward"

    @staticmethod
    def forward(ctx, g, indices, shape):
        ctx.indices = indices
        return _scatter(g.data, indices, shape)

    @staticmethod
    def backward(ctx, u):
        return IndexPad.apply(u, ctx.indices), None, None


def pad(input: Tensor, pad, mode: str = "constant", value: float | None = None) -> Tensor:
    """Pad the last ``len(pad) // 2`` dims of ``input``; ``mode`` is ``constant`` (with ``value``),
    ``reflect``, ``replicate`` or ``circular``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.pad(ag.ones(1, 2), (1, 0), value=5.0)
        tensor([[5., 1., 1.]])
        >>> F.pad(ag.tensor([[1.0, 2.0]]), (0, 2), mode="replicate")
        tensor([[1., 2., 2., 2.]])
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"pad: expected a Tensor, got {type(input).__name__}")
    pad = tuple(pad)
    if len(pad) % 2 or len(pad) // 2 > input.ndim or not all(isinstance(p, (int, np.integer)) for p in pad):
        raise ValueError(
            f"pad: padding {pad} must be pairs of ints for at most {input.ndim} dims (input shape {tuple(input.shape)})"
        )
    if mode not in _MODES:
        raise NotImplementedError(f"pad: mode {mode!r} is not supported (use one of {_MODES})")
    widths = _pairs(pad, input.ndim)
    if mode == "constant":
        for n, (a, b) in zip(input.shape, widths):
            if n + a + b < 0:
                raise RuntimeError(f"pad: padding {pad} would give a negative size for input of shape {tuple(input.shape)}")
        return ConstantPad.apply(input, widths, 0.0 if value is None else float(value))
    if value not in (None, 0, 0.0):
        raise ValueError(f"pad: padding mode {mode!r} doesn't take in a value argument")
    indices = []
    for d, (n, (a, b)) in enumerate(zip(input.shape, widths)):
        if a == 0 and b == 0:
            continue
        if min(a, b) < 0:
            raise RuntimeError(f"pad: negative padding {pad} is only supported in constant mode")
        if mode == "reflect" and max(a, b) >= n:
            raise RuntimeError(
                f"pad: reflect padding sizes ({a}, {b}) must be less than the corresponding input dimension {n} "
                f"(input shape {tuple(input.shape)})"
            )
        if mode == "circular" and max(a, b) > n:
            raise RuntimeError(f"pad: circular padding ({a}, {b}) can wrap around only once (dimension size {n})")
        if n == 0:
            raise RuntimeError(f"pad: cannot {mode}-pad an empty dimension (input shape {tuple(input.shape)})")
        indices.append((d, _index(n, a, b, mode)))
    if not indices:
        return ConstantPad.apply(input, widths, 0.0)
    return IndexPad.apply(input, indices)
