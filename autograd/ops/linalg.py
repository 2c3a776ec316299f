"""Matrix products: batched ``matmul`` with broadcasting, and ``linear`` with a fused bias/activation epilogue.

Example:
    >>> import autograd as ag
    >>> a = ag.ones(2, 3, requires_grad=True)
    >>> (a @ ag.ones(3, 4)).sum().backward(); a.grad
    tensor([[4., 4., 4.],
            [4., 4., 4.]])
"""

from __future__ import annotations

import numpy as np

from .. import kernels as K
from ..function import Function
from ..tensor import Tensor
from ._util import promote


def _matmul_error(x: np.ndarray, y: np.ndarray) -> RuntimeError:
    sx, sy = tuple(x.shape), tuple(y.shape)
    if x.ndim == 0 or y.ndim == 0:
        return RuntimeError(f"matmul: both arguments need at least 1 dimension, got {sx} @ {sy}")
    k1 = sx[-1]
    k2 = sy[0] if y.ndim == 1 else sy[-2]
    if k1 != k2:
        return RuntimeError(f"matmul: {sx} @ {sy}: inner sizes {k1} != {k2}")
    return RuntimeError(f"matmul: {sx} @ {sy}: batch dimensions {sx[:-2]} and {sy[:-2]} do not broadcast")


class Matmul(Function):
    name = "matmul"

    @staticmethod
    def forward(ctx, a, b):
        x, y = promote(a, b)
        if x.ndim == 0 or y.ndim == 0:
            raise _matmul_error(x, y)
        ctx.save_for_backward(a, b)
        try:
            return np.matmul(x, y)
        except ValueError:
            raise _matmul_error(x, y) from None

    @staticmethod
    def backward(ctx, g):
        # batch broadcasting is summed back by the engine; 1-d operands are handled here
        a, b = ctx.saved_tensors
        ea, eb = ctx.next_edges
        ga = gb = None
        if a.ndim == 1 and b.ndim == 1:  # dot product
            ga = g * b if ea is not None else None
            gb = g * a if eb is not None else None
        elif a.ndim == 1:  # (k,) @ (..., k, m) -> (..., m)
            ga = (g.unsqueeze(-2) @ b.mT).squeeze(-2) if ea is not None else None
            gb = a.unsqueeze(-1) * g.unsqueeze(-2) if eb is not None else None
        elif b.ndim == 1:  # (..., n, k) @ (k,) -> (..., n)
            ga = g.unsqueeze(-1) * b if ea is not None else None
            gb = (a.mT @ g.unsqueeze(-1)).squeeze(-1) if eb is not None else None
        else:
            ga = g @ b.mT if ea is not None else None
            gb = a.mT @ g if eb is not None else None
        return ga, gb

    @staticmethod
    def backward_arrays(ctx, g):
        a, b = ctx.saved_tensors
        ea, eb = ctx.next_edges
        x, y = promote(a, b)
        ga = gb = None
        if x.ndim == 1 and y.ndim == 1:
            ga = g * y if ea is not None else None
            gb = g * x if eb is not None else None
        elif x.ndim == 1:
            ga = (g[..., None, :] @ np.swapaxes(y, -1, -2))[..., 0, :] if ea is not None else None
            gb = x[:, None] * g[..., None, :] if eb is not None else None
        elif y.ndim == 1:
            ga = g[..., None] * y if ea is not None else None
            gb = (np.swapaxes(x, -1, -2) @ g[..., None])[..., 0] if eb is not None else None
        else:
            ga = g @ np.swapaxes(y, -1, -2) if ea is not None else None
            gb = np.swapaxes(x, -1, -2) @ g if eb is not None else None
        return ga, gb


class Linear(Function):
    """``x @ weight.T + bias``, then ``activation`` ('' or 'relu'), with one fused epilogue kernel."""

    name = "linear"

    @staticmethod
    def forward(ctx, x, weight, bias=None, activation=""):
        xd, wd = x.data, weight.data
        if xd.ndim == 0 or wd.ndim != 2 or xd.shape[-1] != wd.shape[1]:
            raise RuntimeError(
                f"linear: input {tuple(xd.shape)} and weight {tuple(wd.shape)}: "
                f"expected input[..., {wd.shape[1] if wd.ndim == 2 else '?'}] "
                f"(weight is (out_features, in_features)), got last size {xd.shape[-1] if xd.ndim else 'none'}"
            )
        if bias is not None and bias.data.shape not in ((wd.shape[0],), ()):
            raise RuntimeError(f"linear: bias {tuple(bias.data.shape)} does not match weight {tuple(wd.shape)}")
        if xd.dtype != wd.dtype:
            raise RuntimeError(f"linear: input dtype {xd.dtype} and weight dtype {wd.dtype} differ")
        if xd.dtype.kind != "f":
            raise RuntimeError(f"linear: expected floating point input and weight, got {xd.dtype}")
        out = xd @ wd.T
        out = K.bias_act(out, None if bias is None else bias.data, activation)
        ctx.activation = activation
        ctx.save_for_backward(x, weight)
        if activation:
            ctx.out_mask = ~(out <= 0)  # NaN passes, as PyTorch's relu backward
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        ex, ew = ctx.next_edges[0], ctx.next_edges[1]
        eb = ctx.next_edges[2] if len(ctx.next_edges) > 2 else None
        if ctx.activation == "relu":
            g = g * Tensor(ctx.out_mask.astype(g.data.dtype))
        gx = g @ w if ex is not None else None
        gw = gb = None
        if ew is not None or eb is not None:
            g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
            if ew is not None:
                x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
                gw = g2.mT @ x2
            if eb is not None:
                gb = g2.sum(0)
        return gx, gw, gb, None

    @staticmethod
    def backward_arrays(ctx, g):
        x, w = ctx.saved_tensors
        ex, ew = ctx.next_edges[0], ctx.next_edges[1]
        eb = ctx.next_edges[2] if len(ctx.next_edges) > 2 else None
        if ctx.activation == "relu":
            g = g * ctx.out_mask
        gx = g @ w.data if ex is not None else None
        gw = gb = None
        if ew is not None or eb is not None:
            g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
            if ew is not None:
                xd = x.data
                x2 = xd.reshape(-1, xd.shape[-1]) if xd.ndim != 2 else xd
                gw = g2.T @ x2
            if eb is not None:
                gb = g2.sum(0)
        return gx, gw, gb, None


def matmul(input: Tensor, other: Tensor) -> Tensor:
    """Matrix product with NumPy's broadcasting of batch dimensions (1-d operands as in PyTorch).

    Example:
        >>> import autograd as ag
        >>> ag.matmul(ag.ones(5, 2, 3), ag.ones(3, 4)).shape
        Size([5, 2, 4])
    """
    return Matmul.apply(input, other)


def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias`` (PyTorch's ``F.linear``), one BLAS call and a fused bias add.

    Example:
        >>> import autograd as ag
        >>> ag.linear(ag.ones(4, 3), ag.ones(2, 3), ag.zeros(2)).shape
        Size([4, 2])
    """
    return Linear.apply(input, weight, bias)


def linear_relu(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``relu(linear(input, weight, bias))`` with the ReLU fused into the matmul epilogue.

    Example:
        >>> import autograd as ag
        >>> ag.linear_relu(-ag.ones(1, 3), ag.ones(2, 3)).tolist()
        [[0.0, 0.0]]
    """
    return Linear.apply(input, weight, bias, "relu")
