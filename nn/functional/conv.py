"""``F.conv2d``: 2-d convolution by im2col + one BLAS product per group.

Three ops close the convolution under differentiation: ``Conv2d`` (the forward),
``Conv2dGradInput`` (its input gradient, a transposed convolution) and
``Conv2dGradWeight`` (its weight gradient). Each is bilinear in its two tensor
arguments and each one's backward is written with the other two, so gradients of
any order work. Without ``create_graph`` the engine uses ``backward_arrays``.

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> x = ag.randn(2, 3, 8, 8, requires_grad=True)
    >>> w = ag.randn(4, 3, 3, 3, requires_grad=True)
    >>> y = F.conv2d(x, w, stride=2, padding=1)
    >>> y.shape
    Size([2, 4, 4, 4])
    >>> y.sum().backward(); x.grad.shape, w.grad.shape
    (Size([2, 3, 8, 8]), Size([4, 3, 3, 3]))
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from autograd.function import Function
from autograd.tensor import Tensor

from .. import kernels as K
from .padding import pad as _pad

__all__ = ["conv2d"]


class Geom(NamedTuple):
    """A convolution's geometry: kernel, stride, padding, dilation, groups, and the input/output sizes."""

    kh: int
    kw: int
    sh: int
    sw: int
    ph: int
    pw: int
    dh: int
    dw: int
    groups: int
    H: int
    W: int
    Ho: int
    Wo: int

    @property
    def k(self) -> tuple:
        return (self.kh, self.kw, self.sh, self.sw, self.ph, self.pw, self.dh, self.dw)


# ---- array level ---------------------------------------------------------------------------------
# cols is (C*kh*kw, N*Ho*Wo): one product per group covers the whole batch.
def conv_arrays(x: np.ndarray, w: np.ndarray, b: np.ndarray | None, geo: Geom) -> tuple[np.ndarray, np.ndarray]:
    """The convolution's output ``(N, O, Ho, Wo)`` and the im2col columns it used."""
    N, O, L = x.shape[0], w.shape[0], geo.Ho * geo.Wo
    cols = K.im2col(x, *geo.k, geo.Ho, geo.Wo)
    G = geo.groups
    if G == 1:
        out2 = w.reshape(O, -1) @ cols
    else:
        og, ck = O // G, cols.shape[0] // G
        out2 = np.empty((O, N * L), dtype=x.dtype)
        for g in range(G):
            np.matmul(w[g * og : (g + 1) * og].reshape(og, -1), cols[g * ck : (g + 1) * ck], out=out2[g * og : (g + 1) * og])
    out = np.empty((N, O, L), dtype=out2.dtype)
    src = out2.reshape(O, N, L).transpose(1, 0, 2)
    if b is None:
        out[...] = src
    else:
        np.add(src, b.reshape(1, O, 1), out=out)
    return out.reshape(N, O, geo.Ho, geo.Wo), cols


def _grad_rows(g: np.ndarray) -> np.ndarray:
    """``g (N, O, Ho, Wo)`` as ``(O, N*Ho*Wo)``, the layout of the products."""
    N, O = g.shape[:2]
    return np.ascontiguousarray(g.reshape(N, O, -1).transpose(1, 0, 2)).reshape(O, -1)


def grad_input_arrays(g: np.ndarray, w: np.ndarray, geo: Geom) -> np.ndarray:
    """``d<g, conv(x, w)>/dx`` (a transposed convolution of ``g`` by ``w``), shape ``(N, C, H, W)``."""
    O = g.shape[1]
    G = geo.groups
    g2 = _grad_rows(g)
    if G == 1:
        gcols = w.reshape(O, -1).T @ g2
    else:
        og, ck = O // G, w[0].size
        gcols = np.empty((G * ck, g2.shape[1]), dtype=g2.dtype)
        for k in range(G):
            np.matmul(w[k * og : (k + 1) * og].reshape(og, -1).T, g2[k * og : (k + 1) * og], out=gcols[k * ck : (k + 1) * ck])
    return K.col2im(gcols, w.shape[1] * G, geo.H, geo.W, *geo.k, geo.Ho, geo.Wo)


def grad_weight_arrays(cols: np.ndarray, g: np.ndarray, wshape: tuple, geo: Geom) -> np.ndarray:
    """``d<g, conv(x, w)>/dw`` from the input's im2col columns, shape ``wshape``."""
    O = g.shape[1]
    G = geo.groups
    g2 = _grad_rows(g)
    if G == 1:
        return (g2 @ cols.T).reshape(wshape)
    og, ck = O // G, cols.shape[0] // G
    out = np.empty((O, ck), dtype=g2.dtype)
    for k in range(G):
        np.matmul(g2[k * og : (k + 1) * og], cols[k * ck : (k + 1) * ck].T, out=out[k * og : (k + 1) * og])
    return out.reshape(wshape)


# ---- ops -------------------------------------------------------------------------------------------
class Conv2d(Function):
    name = "conv2d"

    @staticmethod
    def forward(ctx, x, w, b, geo):
        out, cols = conv_arrays(x.data, w.data, None if b is None else b.data, geo)
        ctx.geo = geo
        ctx.save_for_backward(x, w)
        ctx.cols = cols
        return out

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        ex, ew = ctx.next_edges[0], ctx.next_edges[1]
        eb = ctx.next_edges[2] if len(ctx.next_edges) > 2 else None
        gx = Conv2dGradInput.apply(g, w, ctx.geo) if ex is not None else None
        gw = Conv2dGradWeight.apply(x, g, ctx.geo, tuple(w.shape)) if ew is not None else None
        gb = g.sum((0, 2, 3)) if eb is not None else None
        return gx, gw, gb, None

    @staticmethod
    def backward_arrays(ctx, g):
        x, w = ctx.saved_tensors
        ex, ew = ctx.next_edges[0], ctx.next_edges[1]
        eb = ctx.next_edges[2] if len(ctx.next_edges) > 2 else None
        gx = grad_input_arrays(g, w.data, ctx.geo) if ex is not None else None
        gw = grad_weight_arrays(ctx.cols, g, w.data.shape, ctx.geo) if ew is not None else None
        gb = g.sum((0, 2, 3)) if eb is not None else None
        return gx, gw, gb, None


class Conv2dGradInput(Function):
    """``(g, w) -> dL/dx`` of a convolution (a transposed convolution)."""

    name = "conv2d_grad_input"

    @staticmethod
    def forward(ctx, g, w, geo):
        ctx.geo = geo
        ctx.save_for_backward(g, w)
        return grad_input_arrays(g.data, w.data, geo)

    @staticmethod
    def backward(ctx, u):
        g, w = ctx.saved_tensors
        eg, ew = ctx.next_edges[0], ctx.next_edges[1]
        gg = Conv2d.apply(u, w, None, ctx.geo) if eg is not None else None
        gw = Conv2dGradWeight.apply(u, g, ctx.geo, tuple(w.shape)) if ew is not None else None
        return gg, gw, None


class Conv2dGradWeight(Function):
    """``(x, g) -> dL/dw`` of a convolution."""

    name = "conv2d_grad_weight"

    @staticmethod
    def forward(ctx, x, g, geo, wshape):
        ctx.geo = geo
        ctx.save_for_backward(x, g)
        cols = K.im2col(x.data, *geo.k, geo.Ho, geo.Wo)
        return grad_weight_arrays(cols, g.data, wshape, geo)

    @staticmethod
    def backward(ctx, u):
        x, g = ctx.saved_tensors
        ex, eg = ctx.next_edges[0], ctx.next_edges[1]
        gx = Conv2dGradInput.apply(g, u, ctx.geo) if ex is not None else None
        gg = Conv2d.apply(x, u, None, ctx.geo) if eg is not None else None
        return gx, gg, None, None


# ---- public function --------------------------------------------------------------------------------
def pair(v, name: str, op: str) -> tuple[int, int]:
    """``v`` as two non-negative ints (an int, or a 1- or 2-sequence)."""
    if isinstance(v, (int, np.integer)) and not isinstance(v, bool):
        return int(v), int(v)
    if isinstance(v, (tuple, list)) and len(v) in (1, 2) and all(isinstance(e, (int, np.integer)) for e in v):
        return (int(v[0]), int(v[-1]))
    raise TypeError(f"{op}: {name} must be an int or a pair of ints, got {v!r}")


def conv_output_size(n: int, k: int, s: int, p: int, d: int) -> int:
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0, dilation=1, groups: int = 1) -> Tensor:
    """2-d convolution (cross-correlation, as PyTorch) of ``input (N, C, H, W)`` (or ``(C, H, W)``)
    with ``weight (O, C/groups, kh, kw)``; ``padding`` is an int, a pair, ``'valid'`` or ``'same'``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.conv2d(ag.ones(1, 1, 3, 3), ag.ones(1, 1, 2, 2), padding="same")[0, 0]
        tensor([[4., 4., 2.],
                [4., 4., 2.],
                [2., 2., 1.]])
    """
    op = "conv2d"
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"{op}: input and weight must be Tensors, got {type(input).__name__} and {type(weight).__name__}")
    unbatched = input.ndim == 3
    if unbatched:
        input = input.unsqueeze(0)
    if input.ndim != 4:
        raise RuntimeError(f"{op}: expected a 3-d (C, H, W) or 4-d (N, C, H, W) input, got shape {tuple(input.shape)}")
    if weight.ndim != 4:
        raise RuntimeError(
            f"{op}: expected a 4-d weight (out_channels, in_channels/groups, kH, kW), got shape {tuple(weight.shape)}"
        )
    N, C, H, W = input.shape
    O, cg, kh, kw = weight.shape
    sh, sw = pair(stride, "stride", op)
    dh, dw = pair(dilation, "dilation", op)
    if min(sh, sw) < 1 or min(dh, dw) < 1:
        raise ValueError(f"{op}: stride and dilation must be positive, got stride={stride}, dilation={dilation}")
    if not isinstance(groups, int) or groups < 1 or C % groups or O % groups:
        raise ValueError(f"{op}: groups={groups} must be a positive divisor of in_channels ({C}) and out_channels ({O})")
    if cg * groups != C:
        raise RuntimeError(
            f"{op}: input of shape {tuple(input.shape)} has {C} channels, but weight of shape {tuple(weight.shape)} "
            f"expects {cg * groups} channels (in_channels/groups={cg}, groups={groups})"
        )
    if bias is not None and tuple(bias.shape) != (O,):
        raise RuntimeError(f"{op}: bias of shape {tuple(bias.shape)} does not match out_channels {O}")
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        raise RuntimeError(f"{op}: input dtype {input.dtype} and weight dtype {weight.dtype} differ")
    if isinstance(padding, str):
        if padding == "valid":
            ph = pw = 0
        elif padding == "same":
            if (sh, sw) != (1, 1):
                raise ValueError(f"{op}: padding='same' is not supported for strided convolutions (stride={stride})")
            th, tw = dh * (kh - 1), dw * (kw - 1)
            ph, pw = th // 2, tw // 2
            if th % 2 or tw % 2:  # even kernel: PyTorch pads the extra row/column at the bottom/right
                input = _pad(input, (0, tw % 2, 0, th % 2))
                N, C, H, W = input.shape
        else:
            raise ValueError(f"{op}: invalid padding string {padding!r}, should be one of 'valid', 'same'")
    else:
        ph, pw = pair(padding, "padding", op)
        if min(ph, pw) < 0:
            raise RuntimeError(f"{op}: negative padding is not supported, got {padding}")
    Ho, Wo = conv_output_size(H, kh, sh, ph, dh), conv_output_size(W, kw, sw, pw, dw)
    if Ho < 1 or Wo < 1:
        raise RuntimeError(
            f"{op}: input of spatial size ({H}, {W}) (padding ({ph}, {pw})) is smaller than the dilated kernel "
            f"({dh * (kh - 1) + 1}, {dw * (kw - 1) + 1})"
        )
    out = Conv2d.apply(input, weight, bias, Geom(kh, kw, sh, sw, ph, pw, dh, dw, groups, H, W, Ho, Wo))
    return out.squeeze(0) if unbatched else out
