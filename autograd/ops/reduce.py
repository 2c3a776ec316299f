"""Reductions: sum mean var std max min prod logsumexp norm argmax argmin, and softmax/log_softmax.

``dim`` takes an int or a tuple of ints; ``keepdim`` keeps reduced dims as size 1.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> x.sum(dim=1)
    tensor([3., 7.], grad_fn=<SumBackward0>)
    >>> x.max(dim=0).indices
    tensor([1, 1])
"""

from __future__ import annotations

import builtins
from collections import namedtuple

import numpy as np

from .. import kernels as K
from ..function import Function
from ..tensor import Tensor
from ._util import const, default_float, keepdim_shape, norm_dim, norm_dims

INF = float("inf")
return_types_max = namedtuple("max", ["values", "indices"])
return_types_min = namedtuple("min", ["values", "indices"])


def _expand_back(g: Tensor, in_shape: tuple, dims, keepdim: bool) -> Tensor:
    """Broadcast a reduction's gradient back over the reduced dims."""
    if not keepdim:
        g = g.reshape(keepdim_shape(in_shape, dims))
    return g.expand(in_shape)


_MATERIALIZE_BELOW = 1 << 16  # elements: below this a reduction's gradient is filled in, above it a view


def _spread(g: np.ndarray, shape: tuple) -> np.ndarray:
    """A reduction's (keepdim-shaped) array gradient ``g`` spread over ``shape``.

    Small results are written out: ``np.broadcast_to`` spends about 2 us in Python, more than
    filling a few thousand elements, and a leaf can keep a fresh array without copying it.
    Large ones stay a read-only broadcast view (no memory).
    """
    size = 1
    for n in shape:
        size *= n
    if size >= _MATERIALIZE_BELOW:
        return np.broadcast_to(g, shape)
    out = np.empty(shape, dtype=g.dtype)
    out[...] = g
    return out


class Sum(Function):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        ctx.dims, ctx.keepdim = dims, keepdim
        d = x.data
        out = d.sum(axis=dims, keepdims=keepdim)
        if d.dtype.kind in "biu":
            out = np.asarray(out, dtype=np.int64)
        return out

    @staticmethod
    def backward(ctx, g):
        return _expand_back(g, ctx.next_edges[0][2], ctx.dims, ctx.keepdim), None, None

    @staticmethod
    def backward_arrays(ctx, g):
        shape = ctx.next_edges[0][2]
        if not ctx.keepdim:
            g = g.reshape(keepdim_shape(shape, ctx.dims))
        return _spread(g, shape), None, None


class Mean(Function):
    @staticmethod
    def forward(ctx, x, dims, keepdim):
        d = x.data
        if d.dtype.kind != "f":
            raise RuntimeError(f"mean(): could not infer output dtype. Input dtype must be floating point, got {d.dtype}")
        ctx.dims, ctx.keepdim = dims, keepdim
        out = np.mean(d, axis=dims, keepdims=keepdim)
        ctx.count = d.size // np.size(out) if np.size(out) else 1
        return out

    @staticmethod
    def backward(ctx, g):
        return _expand_back(g, ctx.next_edges[0][2], ctx.dims, ctx.keepdim) / ctx.count, None, None

    @staticmethod
    def backward_arrays(ctx, g):
        shape = ctx.next_edges[0][2]
        if not ctx.keepdim:
            g = g.reshape(keepdim_shape(shape, ctx.dims))
        return _spread(g / ctx.count, shape), None, None


class MaxMin(Function):
    """Full max/min: the gradient is shared evenly among tied extreme elements (as PyTorch)."""

    @staticmethod
    def forward(ctx, x, is_max):
        d = x.data
        if d.size == 0:
            raise RuntimeError(f"{'max' if is_max else 'min'}(): Expected reduction dim to be specified for input.numel() == 0.")
        out = d.max() if is_max else d.min()
        ctx.is_max = is_max
        if ctx.recording:
            mask = (d == out) | (np.isnan(d) & np.isnan(out))  # a NaN result takes the gradient, as PyTorch
            ctx.share = mask / mask.sum()
        return np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        return g * const(ctx.share.astype(g.data.dtype)), None

    def op_name(self) -> str:
        return "max" if self.is_max else "min"


class Gather(Function):
    @staticmethod
    def forward(ctx, x, dim, index):
        d = x.data
        idx = index.data if isinstance(index, Tensor) else np.asarray(index)
        if idx.dtype.kind not in "iu":
            raise RuntimeError(f"gather(): Expected dtype int64 for index, got {idx.dtype}")
        if idx.ndim != d.ndim:
            raise RuntimeError(
                f"gather(): Index tensor must have the same number of dimensions as input tensor ({idx.ndim} vs {d.ndim})"
            )
        n = d.shape[dim] if d.ndim else 1
        if idx.size and (idx.min() < -n or idx.max() >= n):
            bad = idx.max() if idx.max() >= n else idx.min()
            raise IndexError(f"gather(): index {bad} is out of bounds for dimension {dim} with size {n}")
        # PyTorch allows index smaller than input in the other dims: take the leading part
        sl = tuple(slice(None) if i == dim else slice(0, idx.shape[i]) for i in range(d.ndim))
        ctx.dim, ctx.index = dim, idx
        return np.take_along_axis(d[sl], idx, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return ScatterAdd.apply(g, ctx.dim, ctx.index, ctx.next_edges[0][2]), None, None


class ScatterAdd(Function):
    """``zeros(shape).scatter_add_(dim, index, src)``: the backward of gather."""

    name = "scatter_add"

    @staticmethod
    def forward(ctx, src, dim, index, shape):
        ctx.dim, ctx.index = dim, index
        out = np.zeros(shape, dtype=src.data.dtype)
        grids = list(np.indices(index.shape, sparse=True))
        grids[dim] = index % shape[dim] if len(shape) else index
        np.add.at(out, tuple(grids), src.data)
        return out

    @staticmethod
    def backward(ctx, g):
        return Gather.apply(g, ctx.dim, ctx.index), None, None, None


class Prod(Function):
    @staticmethod
    def forward(ctx, x, dim, keepdim):
        ctx.dim, ctx.keepdim = dim, keepdim
        ctx.save_for_backward(x)
        return np.prod(x.data, axis=dim, keepdims=keepdim)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        dims = None if ctx.dim is None else (ctx.dim,)
        ge = _expand_back(g, x.shape, dims, ctx.keepdim)
        d = x.data
        if (d != 0).all():
            return ge * (x.prod(ctx.dim, keepdim=True) if ctx.dim is not None else x.prod()) / x, None, None
        # with zeros: each element's gradient is the product of all the others, computed as a product
        # over an (n, n) matrix per slice whose diagonal is 1 (so it is differentiable again)
        from .arithmetic import where

        xm = x.reshape(-1) if ctx.dim is None else x.transpose(ctx.dim, -1)
        n = xm.shape[-1]
        rows = xm.unsqueeze(-2).expand(*xm.shape[:-1], n, n)  # rows[..., i, j] = x[..., j]
        others = where(const(np.eye(n, dtype=bool)), 1.0, rows).prod(-1)
        others = others.reshape(x.shape) if ctx.dim is None else others.transpose(ctx.dim, -1)
        return ge * others, None, None


class LogSumExp(Function):
    save_output = True

    @staticmethod
    def forward(ctx, x, dims, keepdim):
        d = default_float(x.data)
        ctx.dims, ctx.keepdim = dims, keepdim
        ctx.save_for_backward(x)
        m = np.max(d, axis=dims, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)
        out = np.log(np.sum(np.exp(d - m), axis=dims, keepdims=True)) + m
        reduced = dims if dims is not None else range(d.ndim)
        return out if keepdim else out.reshape([n for i, n in enumerate(d.shape) if i not in reduced])

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        out = ctx.output
        shape = keepdim_shape(x.shape, ctx.dims)
        if not ctx.keepdim:
            out = out.reshape(shape)
            g = g.reshape(shape)
        return g * (x - out).exp(), None, None


class Norm(Function):
    save_output = True

    @staticmethod
    def forward(ctx, x, p, dims, keepdim):
        d = x.data
        if d.dtype.kind != "f":
            raise RuntimeError(f"norm(): input dtype should be floating point, but got {d.dtype}")
        ctx.p, ctx.dims, ctx.keepdim = p, dims, keepdim
        ctx.save_for_backward(x)
        a = np.abs(d)
        if p == INF:
            return np.max(a, axis=dims, keepdims=keepdim) if d.size else np.zeros((), d.dtype)
        if p == -INF:
            return np.min(a, axis=dims, keepdims=keepdim)
        if p == 0:
            return np.sum(d != 0, axis=dims, keepdims=keepdim).astype(d.dtype)
        if p == 1:
            return np.sum(a, axis=dims, keepdims=keepdim)
        if p == 2:
            return np.sqrt(np.sum(d * d, axis=dims, keepdims=keepdim))
        return np.sum(a**p, axis=dims, keepdims=keepdim) ** (1.0 / p)

    @staticmethod
    def backward(ctx, g):
        # PyTorch's norm_backward: zero gradient where the norm is 0 (and, for p < 1, where x is 0)
        (x,) = ctx.saved_tensors
        out = ctx.output
        shape = keepdim_shape(x.shape, ctx.dims)
        if not ctx.keepdim:
            out, g = out.reshape(shape), g.reshape(shape)
        p = ctx.p
        if p == 0:
            return g * const(np.zeros(x.shape, g.data.dtype)), None, None, None
        if p == 1:
            return g * x.sign(), None, None, None
        if abs(p) == INF:
            mask = (np.abs(x.data) == out.data) | np.isnan(x.data)
            share = mask / mask.sum(axis=ctx.dims, keepdims=True)
            return g * x.sign() * const(share.astype(x.data.dtype)), None, None, None
        zero_norm = const(out.data == 0)
        denom = out.masked_fill(zero_norm, 1.0)  # those gradients are masked to 0 below
        if p == 2:
            return (g * x / denom).masked_fill(zero_norm, 0.0), None, None, None
        if p < 1:
            scaled = (x.sign() * x.abs() ** (p - 1)).masked_fill(const(x.data == 0), 0.0)
            return scaled * g * out ** (1 - p), None, None, None
        scaled = x.sign() * x.abs() ** (p - 1) if p < 2 else x * x.abs() ** (p - 2)
        return (scaled * g / denom ** (p - 1)).masked_fill(zero_norm, 0.0), None, None, None


class StdSqrt(Function):
    """The square root that turns ``var`` into ``std``; as PyTorch, its gradient is 0 where the std is 0."""

    name = "std"
    save_output = True

    @staticmethod
    def forward(ctx, v):
        return np.sqrt(v.data)

    @staticmethod
    def backward(ctx, g):
        out = ctx.output
        zero = const(out.data == 0)
        return (g / (out * 2).masked_fill(zero, 1.0)).masked_fill(zero, 0.0)


def _rowwise(kernel, g: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    """Apply a last-dim row kernel along ``dim``."""
    gm = np.ascontiguousarray(np.moveaxis(g, dim, -1))
    ym = np.ascontiguousarray(np.moveaxis(y, dim, -1))
    return np.moveaxis(kernel(gm, ym), -1, dim)


class Softmax(Function):
    save_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        d = np.moveaxis(default_float(x.data), dim, -1)
        return np.moveaxis(K.softmax_lastdim(np.ascontiguousarray(d)), -1, dim)

    @staticmethod
    def backward(ctx, g):
        y = ctx.output
        return y * (g - (g * y).sum(ctx.dim, keepdim=True)), None

    @staticmethod
    def backward_arrays(ctx, g):
        return _rowwise(K.softmax_backward_lastdim, g, ctx.output.data, ctx.dim), None


class LogSoftmax(Function):
    save_output = True

    @staticmethod
    def forward(ctx, x, dim):
        ctx.dim = dim
        d = np.moveaxis(default_float(x.data), dim, -1)
        return np.moveaxis(K.log_softmax_lastdim(np.ascontiguousarray(d)), -1, dim)

    @staticmethod
    def backward(ctx, g):
        y = ctx.output
        return g - y.exp() * g.sum(ctx.dim, keepdim=True), None

    @staticmethod
    def backward_arrays(ctx, g):
        return _rowwise(K.log_softmax_backward_lastdim, g, ctx.output.data, ctx.dim), None


# ---- public functions ------------------------------------------------------------
def sum(input: Tensor, dim=None, keepdim: bool = False, dtype=None) -> Tensor:  # noqa: A001
    """Sum over ``dim`` (all dims when None).

    Example:
        >>> import autograd as ag
        >>> ag.sum(ag.ones(2, 3), dim=1)
        tensor([3., 3.])
    """
    if dtype is not None:
        input = input.to(dtype)
    return Sum.apply(input, norm_dims(dim, input.ndim, "sum"), keepdim)


def mean(input: Tensor, dim=None, keepdim: bool = False, dtype=None) -> Tensor:
    """Mean over ``dim`` (all dims when None).

    Example:
        >>> import autograd as ag
        >>> ag.mean(ag.tensor([1.0, 3.0]))
        tensor(2.)
    """
    if dtype is not None:
        input = input.to(dtype)
    return Mean.apply(input, norm_dims(dim, input.ndim, "mean"), keepdim)


def var(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Variance with Bessel's correction by default (``correction=1``; ``unbiased=False`` gives 0).

    Example:
        >>> import autograd as ag
        >>> ag.var(ag.tensor([1.0, 2.0, 3.0]))
        tensor(1.)
    """
    if isinstance(dim, bool):  # var(x, False): the old positional ``unbiased``
        dim, unbiased = None, dim
    if correction is None:
        correction = 1 if unbiased is None or unbiased else 0
    if input.data.dtype.kind != "f":
        raise RuntimeError(f"var(): std and var only support floating point dtypes, got {input.data.dtype}")
    dims = norm_dims(dim, input.ndim, "var")
    n = input.numel() if dims is None else int(np.prod([input.shape[d] for d in dims]))
    centered = input - input.mean(dims, keepdim=True)
    return (centered * centered).sum(dims, keepdim=keepdim) / builtins.max(n - correction, 0)


def std(input: Tensor, dim=None, unbiased=None, keepdim: bool = False, *, correction=None) -> Tensor:
    """Standard deviation (square root of ``var``, same arguments).

    Example:
        >>> import autograd as ag
        >>> ag.std(ag.tensor([1.0, 2.0, 3.0]))
        tensor(1.)
    """
    return StdSqrt.apply(var(input, dim, unbiased, keepdim, correction=correction))


def _max_min(input: Tensor, dim, keepdim: bool, is_max: bool, other=None):
    name = "max" if is_max else "min"
    if isinstance(dim, Tensor):
        other, dim = dim, None
    if other is not None:
        from .arithmetic import maximum, minimum

        return maximum(input, other) if is_max else minimum(input, other)
    if dim is None:
        out = MaxMin.apply(input, is_max)
        return out
    d = norm_dim(dim, input.ndim, name)
    if input.shape[d] == 0 if input.ndim else False:
        raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")
    idx = (np.argmax if is_max else np.argmin)(input.data, axis=d, keepdims=True) if input.ndim else np.zeros((), np.int64)
    idx = np.asarray(idx, dtype=np.int64)
    values = Gather.apply(input, d, idx) if input.ndim else input
    if not keepdim and input.ndim:
        values = values.squeeze(d)
        idx = idx.squeeze(d)
    rt = return_types_max if is_max else return_types_min
    return rt(values, const(idx))


def max(input: Tensor, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    """The largest element, or ``(values, indices)`` along ``dim``, or ``maximum(input, other)``.

    Example:
        >>> import autograd as ag
        >>> ag.max(ag.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=1)
        max(values=tensor([5., 7.]), indices=tensor([1, 0]))
    """
    return _max_min(input, dim, keepdim, True, other)


def min(input: Tensor, dim=None, keepdim: bool = False, *, other=None):  # noqa: A001
    """The smallest element, or ``(values, indices)`` along ``dim``, or ``minimum(input, other)``.

    Example:
        >>> import autograd as ag
        >>> ag.min(ag.tensor([3.0, 1.0]))
        tensor(1.)
    """
    return _max_min(input, dim, keepdim, False, other)


def prod(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Product of elements (over one ``dim`` or all); correct gradients with zeros present.

    Example:
        >>> import autograd as ag
        >>> ag.prod(ag.tensor([2.0, 3.0]))
        tensor(6.)
    """
    d = None if dim is None else norm_dim(dim, input.ndim, "prod")
    return Prod.apply(input, d, keepdim)


def logsumexp(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """``log(sum(exp(x)))`` over ``dim``, computed stably.

    Example:
        >>> import autograd as ag
        >>> ag.logsumexp(ag.tensor([1000.0, 1000.0], dtype=ag.float64), dim=0)
        tensor(1000.6931, dtype=float64)
    """
    return LogSumExp.apply(input, norm_dims(dim, input.ndim, "logsumexp"), keepdim)


def norm(input: Tensor, p="fro", dim=None, keepdim: bool = False) -> Tensor:
    """Vector p-norm over ``dim`` (all elements by default; ``'fro'`` is 2).

    Example:
        >>> import autograd as ag
        >>> ag.norm(ag.tensor([3.0, 4.0]))
        tensor(5.)
    """
    if p == "fro" or p is None:
        p = 2
    if isinstance(p, str):
        raise ValueError(f"norm: unsupported p={p!r} (use a number, inf or 'fro')")
    return Norm.apply(input, float(p), norm_dims(dim, input.ndim, "norm"), keepdim)


def argmax(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the largest element (flattened when ``dim`` is None).

    Example:
        >>> import autograd as ag
        >>> ag.argmax(ag.tensor([[1.0, 5.0], [7.0, 2.0]]), dim=1)
        tensor([1, 0])
    """
    return _arg(np.argmax, input, dim, keepdim, "argmax")


def argmin(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """Index of the smallest element (flattened when ``dim`` is None).

    Example:
        >>> import autograd as ag
        >>> ag.argmin(ag.tensor([3.0, 1.0]))
        tensor(1)
    """
    return _arg(np.argmin, input, dim, keepdim, "argmin")


def _arg(fn, input: Tensor, dim, keepdim: bool, name: str) -> Tensor:
    d = input.data
    if d.size == 0:
        raise RuntimeError(f"{name}(): Expected reduction dim to be specified for input.numel() == 0.")
    if dim is None:
        out = np.asarray(fn(d), dtype=np.int64)
        return const(out.reshape((1,) * d.ndim) if keepdim else out)
    return const(np.asarray(fn(d, axis=norm_dim(dim, d.ndim, name), keepdims=keepdim), dtype=np.int64))


def softmax(input: Tensor, dim: int = -1, dtype=None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``, stable for large inputs.

    Example:
        >>> import autograd as ag
        >>> ag.softmax(ag.tensor([0.0, 0.0]), dim=0)
        tensor([0.5000, 0.5000])
    """
    if dtype is not None:
        input = input.to(dtype)
    d = norm_dim(dim, input.ndim, "softmax")
    if input.ndim == 0:
        return Softmax.apply(input.reshape(1), 0).reshape(())
    return Softmax.apply(input, d)


def log_softmax(input: Tensor, dim: int = -1, dtype=None) -> Tensor:
    """``log(softmax(x))`` computed in log space (finite for logits of 1e4).

    Example:
        >>> import autograd as ag
        >>> ag.log_softmax(ag.tensor([1e4, 0.0]), dim=0)
        tensor([     0., -10000.])
    """
    if dtype is not None:
        input = input.to(dtype)
    d = norm_dim(dim, input.ndim, "log_softmax")
    if input.ndim == 0:
        return LogSoftmax.apply(input.reshape(1), 0).reshape(())
    return LogSoftmax.apply(input, d)
