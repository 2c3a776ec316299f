"""``ctc_loss``: connectionist temporal classification, forward-backward in log space (``nn.loss_kernels``).

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> lp = F.log_softmax(ag.randn(6, 2, 4, requires_grad=True), dim=2)
    >>> loss = F.ctc_loss(lp, ag.tensor([[1, 2], [3, 3]]), [6, 5], [2, 2])
    >>> loss.backward()
"""

from __future__ import annotations

import numpy as np

from autograd.function import Function
from autograd.ops._util import const
from autograd.tensor import Tensor

from .. import loss_kernels as LK
from ._reduction import _check_reduction, _float_input, _tensor

__all__ = ["ctc_loss"]


def _lengths(name: str, v, N: int) -> np.ndarray:
    a = np.asarray(v.data if isinstance(v, Tensor) else v)
    if a.dtype.kind not in "iu":
        raise RuntimeError(f"ctc_loss: {name} must be integers, got {a.dtype}")
    a = a.reshape(-1).astype(np.int64)
    if a.shape[0] != N:
        raise RuntimeError(f"ctc_loss: {name} must have one entry per batch element ({N}), got {a.shape[0]}")
    if (a < 0).any():
        raise RuntimeError(f"ctc_loss: {name} must be non-negative, got {a.tolist()}")
    return a


class _CTCInfo:
    __slots__ = ("lp", "tg", "offs", "tl", "il", "blank", "nll", "la", "zero_infinity", "unbatched")

    def grad(self, G: np.ndarray) -> np.ndarray:
        out = np.empty_like(self.lp)
        LK.ctc_grad(self.lp, self.tg, self.offs, self.tl, self.il, self.blank, self.nll, self.la, G, self.zero_infinity, out)
        return out


class CtcLoss(Function):
    """Per-sample CTC negative log-likelihood (alpha recursion); backward runs beta and forms PyTorch's gradient."""

    name = "ctc_loss"

    @staticmethod
    def forward(ctx, log_probs, info):
        nll = LK.ctc_alpha(info.lp, info.tg, info.offs, info.tl, info.il, info.blank, info.la)
        info.nll = nll
        ctx.info = info
        ctx.save_for_backward(log_probs)
        out = np.where(np.isinf(nll), 0.0, nll) if info.zero_infinity else nll
        out = out.astype(log_probs.data.dtype)
        return out.reshape(()) if info.unbatched else out

    @staticmethod
    def backward(ctx, g):
        (log_probs,) = ctx.saved_tensors
        return CtcLossBackward.apply(g, log_probs, ctx.info), None

    @staticmethod
    def backward_arrays(ctx, g):
        (log_probs,) = ctx.saved_tensors
        return _ctc_grad(ctx.info, g, log_probs.data.dtype), None


def _ctc_grad(info: _CTCInfo, g, dtype) -> np.ndarray:
    out = info.grad(np.asarray(g, dtype=np.float64).reshape(-1)).astype(dtype, copy=False)
    return out[:, 0, :] if info.unbatched else out


class CtcLossBackward(Function):
    """The CTC gradient w.r.t. log_probs (linear in ``g``); its derivative w.r.t. log_probs is not implemented (as PyTorch)."""

    name = "ctc_loss_backward"

    @staticmethod
    def forward(ctx, g, log_probs, info):
        ctx.info = info
        return _ctc_grad(info, g.data, log_probs.data.dtype)

    @staticmethod
    def backward(ctx, gg):
        if ctx.next_edges[1] is not None:
            raise RuntimeError("ctc_loss: the derivative of the CTC gradient w.r.t. log_probs (double backward) is not "
                               "implemented, as in PyTorch")
        info = ctx.info
        unit = const(_ctc_grad(info, np.ones(info.lp.shape[1]), gg.data.dtype))
        return ((gg * unit).sum() if info.unbatched else (gg * unit).sum((0, 2))), None, None


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0, reduction: str = "mean",
             zero_infinity: bool = False) -> Tensor:
    """Connectionist temporal classification loss on ``(T, N, C)`` (or ``(T, C)``) log-probabilities.

    ``targets`` are padded ``(N, S)`` or concatenated 1-D; lengths are tensors or sequences.
    ``'mean'`` divides each loss by its target length, then averages over the batch.
    ``zero_infinity`` replaces infinite losses (impossible alignments) and their gradients by 0.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> lp = F.log_softmax(ag.zeros(4, 1, 3), dim=2)
        >>> F.ctc_loss(lp, ag.tensor([[1, 2]]), [4], [2], reduction="sum")
        tensor(1.6864)
    """
    _tensor("ctc_loss", "log_probs", 1, log_probs)
    _tensor("ctc_loss", "targets", 2, targets)
    _float_input("ctc_loss", log_probs, "log_probs")
    _check_reduction(reduction)
    lp = log_probs.data
    if lp.ndim not in (2, 3):
        raise RuntimeError(f"ctc_loss: log_probs must be (T, N, C) or (T, C), got shape {list(lp.shape)}")
    unbatched = lp.ndim == 2
    lp3 = lp[:, None, :] if unbatched else lp
    T, N, C = lp3.shape
    if not 0 <= blank < C:
        raise RuntimeError(f"ctc_loss: blank must be in label range [0, {C - 1}], got {blank}")
    il = _lengths("input_lengths", input_lengths, N)
    tl = _lengths("target_lengths", target_lengths, N)
    if (il > T).any():
        raise RuntimeError(f"ctc_loss: Expected input_lengths to have value at most {T}, but got value {int(il.max())}")
    tg = targets.data
    if tg.dtype.kind not in "iu":
        raise RuntimeError(f"ctc_loss: targets must be integer class indices, got {tg.dtype}")
    tg = tg.astype(np.int64)
    if unbatched and tg.ndim == 1:
        tg = tg[None, :]
    if tg.ndim == 2 and not (unbatched and tg.shape[0] != 1):
        if tg.shape[0] != N:
            raise RuntimeError(f"ctc_loss: padded targets {list(tg.shape)} must have one row per batch element ({N})")
        if tl.size and tl.max() > tg.shape[1]:
            raise RuntimeError(
                f"ctc_loss: Expected tensor to have size at least {int(tl.max())} at dimension 1, but got size "
                f"{tg.shape[1]} for argument 'targets' (padded targets {list(tg.shape)})"
            )
        offs = np.arange(N, dtype=np.int64) * tg.shape[1]
        flat = np.ascontiguousarray(tg).reshape(-1)
        used = np.concatenate([flat[o:o + n] for o, n in zip(offs, tl)]) if N else flat[:0]
    elif tg.ndim == 1:
        if tg.shape[0] < tl.sum():
            raise RuntimeError(f"ctc_loss: concatenated targets have {tg.shape[0]} labels, target_lengths sum to {int(tl.sum())}")
        offs = np.concatenate([[0], np.cumsum(tl)[:-1]]).astype(np.int64)
        flat = np.ascontiguousarray(tg)
        used = flat[: tl.sum()]
    else:
        raise RuntimeError(f"ctc_loss: targets must be padded (N, S) or concatenated 1-D, got shape {list(tg.shape)}")
    if used.size and (used.min() < 0 or used.max() >= C):
        badv = used.min() if used.min() < 0 else used.max()
        raise IndexError(f"ctc_loss: target label {int(badv)} is out of bounds for {C} classes")
    info = _CTCInfo()
    info.lp = np.ascontiguousarray(lp3, dtype=np.float64)
    info.tg, info.offs, info.tl, info.il, info.blank = flat, offs, tl, il, int(blank)
    info.la = np.empty((N, T, 2 * (int(tl.max()) if N else 0) + 1))
    info.zero_infinity, info.unbatched = bool(zero_infinity), unbatched
    nll = CtcLoss.apply(log_probs, info)
    if reduction == "none":
        return nll
    if reduction == "sum":
        return nll.sum()
    return (nll / const(np.maximum(tl, 1).astype(lp.dtype).reshape(nll.shape))).mean()
