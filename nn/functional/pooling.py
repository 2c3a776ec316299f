"""``F.max_pool2d`` and ``F.avg_pool2d`` (PyTorch's arguments, ``ceil_mode`` included).

Max pooling records the argmax of each window; its gradient scatters into those
positions (``MaxPoolScatter``), whose gradient gathers from them (``PoolGather``), and
back. Average pooling is linear; it and its gradient are each other's backward.

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> x = ag.arange(16.0).reshape(1, 1, 4, 4)
    >>> F.max_pool2d(x, 2)
    tensor([[[[ 5.,  7.],
              [13., 15.]]]])
    >>> F.avg_pool2d(x, 2)
    tensor([[[[ 2.5000,  4.5000],
              [10.5000, 12.5000]]]])
"""

from __future__ import annotations

import numpy as np

from autograd.function import Function
from autograd.tensor import Tensor, _wrap

from .. import kernels as K
from .conv import Geom, pair

__all__ = ["max_pool2d", "avg_pool2d"]


class MaxPool2d(Function):
    name = "max_pool2d"

    @staticmethod
    def forward(ctx, x, geo, keep):
        out, idx = K.max_pool2d(x.data, *geo.k, geo.Ho, geo.Wo)
        ctx.geo, ctx.idx = geo, idx
        keep.append(idx)
        return out

    @staticmethod
    def backward(ctx, g):
        return MaxPoolScatter.apply(g, ctx.idx, ctx.geo.H, ctx.geo.W), None, None

    @staticmethod
    def backward_arrays(ctx, g):
        return K.max_pool2d_backward(np.ascontiguousarray(g), ctx.idx, ctx.geo.H, ctx.geo.W), None, None


class MaxPoolScatter(Function):
    """Add ``g`` into an ``(N, C, H, W)`` zero tensor at the pooling indices (max pooling's input gradient)."""

    name = "max_pool2d_backward"

    @staticmethod
    def forward(ctx, g, idx, H, W):
        ctx.idx = idx
        return K.max_pool2d_backward(np.ascontiguousarray(g.data), idx, H, W)

    @staticmethod
    def backward(ctx, u):
        return PoolGather.apply(u, ctx.idx), None, None, None


class PoolGather(Function):
    """Read ``u (N, C, H, W)`` at the pooling indices."""

    name = "max_pool2d_gather"

    @staticmethod
    def forward(ctx, u, idx):
        ctx.idx, ctx.H, ctx.W = idx, u.data.shape[2], u.data.shape[3]
        return K.pool_gather(np.ascontiguousarray(u.data), idx)

    @staticmethod
    def backward(ctx, v):
        return MaxPoolScatter.apply(v, ctx.idx, ctx.H, ctx.W), None


class AvgPool2d(Function):
    name = "avg_pool2d"

    @staticmethod
    def forward(ctx, x, geo, div):
        ctx.geo, ctx.div = geo, div
        return K.avg_pool2d(x.data, geo.kh, geo.kw, geo.sh, geo.sw, geo.ph, geo.pw, geo.Ho, geo.Wo, div)

    @staticmethod
    def backward(ctx, g):
        return AvgPoolBackward.apply(g, ctx.geo, ctx.div), None, None

    @staticmethod
    def backward_arrays(ctx, g):
        geo = ctx.geo
        return _avg_backward(g, geo, ctx.div), None, None


def _avg_backward(g: np.ndarray, geo: Geom, div: np.ndarray) -> np.ndarray:
    return K.avg_pool2d_backward(
        np.ascontiguousarray(g), geo.H, geo.W, geo.kh, geo.kw, geo.sh, geo.sw, geo.ph, geo.pw, geo.Ho, geo.Wo, div
    )


class AvgPoolBackward(Function):
    """Average pooling's input gradient (spread each output gradient over its window)."""

    name = "avg_pool2d_backward"

    @staticmethod
    def forward(ctx, g, geo, div):
        ctx.geo, ctx.div = geo, div
        return _avg_backward(g.data, geo, div)

    @staticmethod
    def backward(ctx, u):
        return AvgPool2d.apply(u, ctx.geo, ctx.div), None, None


def pool_output_size(n: int, k: int, s: int, p: int, d: int, ceil_mode: bool) -> int:
    """PyTorch's pooling output size (a window may not start in the right padding)."""
    out = (n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)) // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _geometry(input: Tensor, kernel_size, stride, padding, dilation, ceil_mode: bool, op: str) -> tuple[Tensor, bool, Geom]:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    if input.ndim != 4:
        raise RuntimeError(f"{op}: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input, got shape {tuple(input.shape)}")
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating point input, got dtype {input.dtype}")
    kh, kw = pair(kernel_size, "kernel_size", op)
    sh, sw = (kh, kw) if stride is None or stride == () or stride == [] else pair(stride, "stride", op)
    ph, pw = pair(padding, "padding", op)
    dh, dw = pair(dilation, "dilation", op)
    if min(kh, kw, sh, sw, dh, dw) < 1 or min(ph, pw) < 0:
        raise ValueError(
            f"{op}: kernel_size, stride and dilation must be positive and padding non-negative, got "
            f"kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation}"
        )
    if ph > kh // 2 or pw > kw // 2:
        raise RuntimeError(
            f"{op}: pad should be at most half of effective kernel size, but got pad={padding}, kernel_size={kernel_size}"
        )
    N, C, H, W = input.shape
    Ho = pool_output_size(H, kh, sh, ph, dh, ceil_mode)
    Wo = pool_output_size(W, kw, sw, pw, dw, ceil_mode)
    if Ho < 1 or Wo < 1:
        raise RuntimeError(
            f"{op}: given input size ({C}x{H}x{W}), calculated output size ({C}x{Ho}x{Wo}) is too small "
            f"(kernel_size={kernel_size}, stride={stride}, padding={padding}, dilation={dilation})"
        )
    return input, unbatched, Geom(kh, kw, sh, sw, ph, pw, dh, dw, 1, H, W, Ho, Wo)


def max_pool2d(
    input: Tensor, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False, return_indices: bool = False
):
    """Max over each ``kernel_size`` window (``stride`` defaults to ``kernel_size``; padding counts as -inf).

    With ``return_indices=True`` also returns each maximum's flat position ``h * W + w`` in its input plane.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> out, idx = F.max_pool2d(ag.arange(9.0).reshape(1, 1, 3, 3), 2, stride=1, return_indices=True)
        >>> idx
        tensor([[[[4, 5],
                  [7, 8]]]])
    """
    x, unbatched, geo = _geometry(input, kernel_size, stride, padding, dilation, ceil_mode, "max_pool2d")
    keep: list = []
    out = MaxPool2d.apply(x, geo, keep)
    if unbatched:
        out = out.squeeze(0)
    if return_indices:
        idx = keep[0][0] if unbatched else keep[0]
        return out, _wrap(idx, None, False)
    return out


def _divisors(geo: Geom, count_include_pad: bool, divisor_override, dtype) -> np.ndarray:
    if divisor_override is not None:
        if not isinstance(divisor_override, (int, np.integer)) or divisor_override == 0:
            raise ValueError(f"avg_pool2d: divisor_override must be a non-zero int, got {divisor_override!r}")
        return np.full((geo.Ho, geo.Wo), divisor_override, dtype=dtype)

    def sizes(n_out: int, n: int, k: int, s: int, p: int) -> np.ndarray:
        start = np.arange(n_out) * s - p
        end = np.minimum(start + k, n + p)
        if count_include_pad:
            return end - start
        return np.minimum(end, n) - np.maximum(start, 0)

    return np.outer(sizes(geo.Ho, geo.H, geo.kh, geo.sh, geo.ph), sizes(geo.Wo, geo.W, geo.kw, geo.sw, geo.pw)).astype(dtype)


def avg_pool2d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override=None,
) -> Tensor:
    """Mean over each ``kernel_size`` window (``stride`` defaults to ``kernel_size``); zero padding is
    counted in the divisor when ``count_include_pad``; ``divisor_override`` replaces the divisor.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.avg_pool2d(ag.ones(1, 1, 2, 2), 2, padding=1, count_include_pad=False)
        tensor([[[[1., 1.],
                  [1., 1.]]]])
    """
    x, unbatched, geo = _geometry(input, kernel_size, stride, padding, 1, ceil_mode, "avg_pool2d")
    out = AvgPool2d.apply(x, geo, _divisors(geo, count_include_pad, divisor_override, x.dtype))
    return out.squeeze(0) if unbatched else out
