"""``F.batch_norm`` and ``F.layer_norm``: one op each, with the closed-form backward.

Both normalise ``x`` over some dims (``xhat = (x - mean) * invstd``) and apply an
affine map. The array backward uses the saved ``xhat``; the Tensor backward (for
``create_graph``) recomputes the statistics with autograd ops so that second
derivatives include their dependence on ``x``.

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> x = ag.tensor([[1.0, 2.0], [3.0, 6.0]])
    >>> F.layer_norm(x, (2,))
    tensor([[-1.0000,  1.0000],
            [-1.0000,  1.0000]])
    >>> F.batch_norm(x, None, None, training=True)
    tensor([[-1.0000, -1.0000],
            [ 1.0000,  1.0000]])
"""

from __future__ import annotations

import numpy as np

from autograd.function import Function
from autograd.grad_mode import no_grad
from autograd.tensor import Tensor

__all__ = ["batch_norm", "layer_norm"]


class Normalize(Function):
    """``(x - mean) * invstd * weight + bias``; ``spec = (dims, pdims, pshape, batch_stats, eps)``.

    ``dims``: the dims the statistics were taken over; ``pdims``: the dims the weight is broadcast
    over (summed for its gradient); ``pshape``: the weight's broadcast shape; ``batch_stats``:
    mean/invstd came from ``x`` itself (so they depend on it).
    """

    name = "normalize"

    @staticmethod
    def forward(ctx, x, weight, bias, mean, invstd, spec):
        pshape = spec[2]
        xhat = (x.data - mean) * invstd
        out = xhat
        if weight is not None:
            out = out * weight.data.reshape(pshape)
        if bias is not None:
            out = out + bias.data.reshape(pshape)
            ctx.bias_shape = bias.data.shape
        ctx.xhat, ctx.invstd, ctx.mean, ctx.spec = xhat, invstd, mean, spec
        ctx.save_for_backward(x, weight)
        return out.astype(x.data.dtype, copy=False)

    @staticmethod
    def backward_arrays(ctx, g):
        x, weight = ctx.saved_tensors
        ex, ew, eb = ctx.next_edges[:3]
        dims, pdims, pshape, batch_stats, _ = ctx.spec
        xhat = ctx.xhat
        gx = gw = gb = None
        if ex is not None:
            gxhat = g if weight is None else g * weight.data.reshape(pshape)
            if batch_stats:
                gx = ctx.invstd * (gxhat - gxhat.mean(dims, keepdims=True) - xhat * (gxhat * xhat).mean(dims, keepdims=True))
            else:
                gx = gxhat * ctx.invstd
        if ew is not None:
            gw = (g * xhat).sum(pdims).reshape(weight.data.shape)
        if eb is not None:
            gb = g.sum(pdims).reshape(ctx.bias_shape)
        return gx, gw, gb, None, None, None

    @staticmethod
    def backward(ctx, g):
        x, weight = ctx.saved_tensors
        ex, ew, eb = ctx.next_edges[:3]
        dims, pdims, pshape, batch_stats, eps = ctx.spec
        if batch_stats:
            xc = x - x.mean(dims, keepdim=True)
            invstd = ((xc * xc).mean(dims, keepdim=True) + eps).rsqrt()
            xhat = xc * invstd
        else:
            invstd = ctx.invstd
            xhat = (x - ctx.mean) * invstd
        gx = gw = gb = None
        if ex is not None:
            gxhat = g if weight is None else g * weight.reshape(pshape)
            if batch_stats:
                gx = invstd * (gxhat - gxhat.mean(dims, keepdim=True) - xhat * (gxhat * xhat).mean(dims, keepdim=True))
            else:
                gx = gxhat * invstd
        if ew is not None:
            gw = _sum(g * xhat, pdims).reshape(weight.shape)
        if eb is not None:
            gb = _sum(g, pdims).reshape(ctx.bias_shape)
        return gx, gw, gb, None, None, None


def _sum(t: Tensor, dims: tuple) -> Tensor:
    return t.sum(dims) if dims else t


def batch_norm(
    input: Tensor,
    running_mean: Tensor | None,
    running_var: Tensor | None,
    weight: Tensor | None = None,
    bias: Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> Tensor:
    """Normalise each channel (dim 1) of ``input`` over the batch and spatial dims.

    In training mode the batch statistics are used and, when given, ``running_mean`` and
    ``running_var`` are updated in place: ``r = (1 - momentum) * r + momentum * stat`` with the
    unbiased batch variance. Otherwise the running statistics are used.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> rm, rv = ag.zeros(2), ag.ones(2)
        >>> _ = F.batch_norm(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), rm, rv, training=True, momentum=0.5)
        >>> rm, rv
        (tensor([1.0000, 1.5000]), tensor([1.5000, 1.5000]))
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"batch_norm: expected a Tensor, got {type(input).__name__}")
    if input.ndim < 2:
        raise ValueError(f"batch_norm: expected an input of at least 2 dims (N, C, ...), got shape {tuple(input.shape)}")
    xd = input.data
    C = xd.shape[1]
    for t, nm in ((running_mean, "running_mean"), (running_var, "running_var"), (weight, "weight"), (bias, "bias")):
        if t is not None and t.numel() != C:
            raise RuntimeError(f"batch_norm: {nm} should contain {C} elements (input channels) not {t.numel()}")
    dims = (0,) + tuple(range(2, xd.ndim))
    pshape = (1, C) + (1,) * (xd.ndim - 2)
    n = xd.size // max(C, 1)
    if training:
        if n <= 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input size {list(xd.shape)}")
        mean = xd.mean(dims, keepdims=True)
        xc = xd - mean
        var = (xc * xc).mean(dims, keepdims=True)
        if running_mean is not None or running_var is not None:
            with no_grad():
                if running_mean is not None:
                    _ema(running_mean, mean.reshape(C), momentum)
                if running_var is not None:
                    _ema(running_var, var.reshape(C) * (n / (n - 1)), momentum)
    else:
        if running_mean is None or running_var is None:
            raise RuntimeError("batch_norm: running_mean and running_var must be given when training=False")
        mean = running_mean.data.reshape(pshape).astype(xd.dtype, copy=False)
        var = running_var.data.reshape(pshape).astype(xd.dtype, copy=False)
    invstd = (1.0 / np.sqrt(var + eps)).astype(xd.dtype, copy=False)
    spec = (dims, dims, pshape, bool(training), eps)
    return Normalize.apply(input, weight, bias, mean.astype(xd.dtype, copy=False), invstd, spec)


def _ema(buf: Tensor, stat: np.ndarray, momentum: float) -> None:
    d = buf.data
    d *= 1 - momentum
    d += (momentum * stat).astype(d.dtype, copy=False)
    buf._version += 1


def layer_norm(
    input: Tensor, normalized_shape, weight: Tensor | None = None, bias: Tensor | None = None, eps: float = 1e-5
) -> Tensor:
    """Normalise over the trailing dims given by ``normalized_shape``, then ``* weight + bias``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> y = F.layer_norm(ag.randn(4, 3, 5), (3, 5))
        >>> round(float(y[0].mean()), 4) == 0.0
        True
    """
    if not isinstance(input, Tensor):
        raise TypeError(f"layer_norm: expected a Tensor, got {type(input).__name__}")
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
    k = len(shape)
    xd = input.data
    if k == 0 or xd.ndim < k or tuple(xd.shape[xd.ndim - k :]) != shape:
        raise RuntimeError(
            f"layer_norm: given normalized_shape={list(shape)}, expected input with shape [*, {', '.join(map(str, shape))}], "
            f"but got input of size {list(xd.shape)}"
        )
    for t, nm in ((weight, "weight"), (bias, "bias")):
        if t is not None and tuple(t.shape) != shape:
            raise RuntimeError(f"layer_norm: {nm} of shape {tuple(t.shape)} does not match normalized_shape {shape}")
    dims = tuple(range(xd.ndim - k, xd.ndim))
    mean = xd.mean(dims, keepdims=True)
    xc = xd - mean
    var = (xc * xc).mean(dims, keepdims=True)
    invstd = (1.0 / np.sqrt(var + eps)).astype(xd.dtype, copy=False)
    return Normalize.apply(input, weight, bias, mean, invstd, (dims, tuple(range(xd.ndim - k)), shape, True, eps))
