"""Indexing: basic slicing, negative indices, integer arrays and boolean masks, with scatter-add gradients.

Example:
    >>> import autograd as ag
    >>> x = ag.zeros(3, requires_grad=True)
    >>> x[ag.tensor([0, 0, 2])].sum().backward(); x.grad
    tensor([2., 0., 1.])
"""

from __future__ import annotations

import numpy as np

from ..function import Function
from ..tensor import Tensor
from ._util import promote


def normalize_index(index):
    """Turn Tensors inside an index into arrays; report whether it is basic (views only)."""
    if not isinstance(index, tuple):
        index = (index,)
    out, basic = [], True
    for i in index:
        if isinstance(i, Tensor):
            i = i.data
        if isinstance(i, (list, np.ndarray)):
            i = np.asarray(i)
            if i.dtype.kind == "f":
                raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
            basic = False
        elif not (i is None or i is Ellipsis or isinstance(i, (slice, int, np.integer, bool))):
            raise IndexError(f"index: unsupported index of type {type(i).__name__}")
        if isinstance(i, slice) and i.step is not None and i.step <= 0:
            raise ValueError("step must be greater than zero")
        out.append(i)
    return tuple(out), basic


def _index_error(e: Exception, shape: tuple) -> IndexError:
    return IndexError(f"index: {e} (indexing a tensor of shape {tuple(shape)})")


class GetItem(Function):
    name = "index"

    @staticmethod
    def forward(ctx, x, index, basic):
        ctx.index, ctx.basic = index, basic
        try:
            out = x.data[index]
        except IndexError as e:
            raise _index_error(e, x.data.shape) from None
        if isinstance(out, np.ndarray):
            return out
        if basic:  # one element: a 0-d view (NumPy gives a copied scalar), so it shares memory as in PyTorch
            return x.data[(index if isinstance(index, tuple) else (index,)) + (Ellipsis,)]
        return np.asarray(out)

    @staticmethod
    def backward(ctx, g):
        return IndexBackward.apply(g, ctx.index, ctx.basic, ctx.next_edges[0][2]), None, None

    @staticmethod
    def backward_arrays(ctx, g):
        out = np.zeros(ctx.next_edges[0][2], dtype=g.dtype)
        if ctx.basic:
            out[ctx.index] = g
        else:
            np.add.at(out, ctx.index, g)
        return out, None, None


class IndexBackward(Function):
    """Scatter ``g`` into zeros of the input's shape, adding at repeated indices."""

    name = "index_backward"

    @staticmethod
    def forward(ctx, g, index, basic, shape):
        ctx.index, ctx.basic = index, basic
        out = np.zeros(shape, dtype=g.data.dtype)
        if basic:
            out[index] = g.data
        else:
            np.add.at(out, index, g.data)
        return out

    @staticmethod
    def backward(ctx, gg):
        return GetItem.apply(gg, ctx.index, ctx.basic), None, None, None


class IndexPut(Function):
    """``out = x.clone(); out[index] = value`` (the graph form of ``x[index] = value``)."""

    name = "index_put"

    @staticmethod
    def forward(ctx, x, index, value):
        ctx.index = index
        out = x.data.copy()
        xv, vv = promote(x, value)
        try:
            out[index] = vv
        except IndexError as e:
            raise _index_error(e, x.data.shape) from None
        except ValueError:
            raise RuntimeError(
                f"index_put: shape mismatch: value of shape {np.shape(vv)} cannot be broadcast to the indexed "
                f"shape {np.shape(out[index])}"
            ) from None
        ctx.value_shape = out[index].shape
        return out

    @staticmethod
    def backward(ctx, g):
        ex, _, ev = ctx.next_edges
        gx = gv = None
        if ex is not None:
            mask = np.ones(ctx.next_edges[0][2], dtype=g.data.dtype)
            mask[ctx.index] = 0
            gx = g * Tensor(mask)
        if ev is not None:
            gv = g[ctx.index]
        return gx, None, gv


def getitem(input: Tensor, index) -> Tensor:
    """``input[index]`` for ints, slices, None, Ellipsis, integer arrays and boolean masks.

    Example:
        >>> import autograd as ag
        >>> ag.arange(6).reshape(2, 3)[:, -1]
        tensor([2, 5])
    """
    idx, basic = normalize_index(index)
    return GetItem.apply(input, idx, basic)


def masked_fill(input: Tensor, mask, value) -> Tensor:
    """``value`` where ``mask`` is True (broadcast), else ``input``.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([1.0, 2.0])
        >>> x.masked_fill(x > 1, 0.0)
        tensor([1., 0.])
    """
    from .arithmetic import where

    m = mask.data if isinstance(mask, Tensor) else np.asarray(mask)
    if m.dtype != np.bool_:
        raise RuntimeError(f"masked_fill only supports boolean masks, but got mask with dtype {m.dtype}")
    if isinstance(value, Tensor) and value.requires_grad:
        return where(m, value, input)
    v = value.item() if isinstance(value, Tensor) else value
    return where(m, np.asarray(v, dtype=input.data.dtype), input)
