"""Class-index losses: ``cross_entropy`` (fused kernel), ``nll_loss`` and the multi-class ``focal_loss``.

Cross-entropy maps the logits to ``(R, C)`` rows, runs one kernel for log-softmax, pick and label
smoothing (``nn.loss_kernels``) and keeps the row ``logsumexp`` for backward, which is one more kernel
pass (``softmax - target``). That backward is an op too, whose own backward uses autograd ops, so
gradients of any order work.

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> logits = ag.tensor([[2.0, 0.0, -1.0], [0.0, 1.0, 0.0]], requires_grad=True)
    >>> loss = F.cross_entropy(logits, ag.tensor([0, 1]))
    >>> loss
    tensor(0.3606, grad_fn=<CrossEntropyBackward0>)
    >>> loss.backward(); logits.grad.shape
    Size([2, 3])
"""

from __future__ import annotations

import numpy as np

import autograd as ag
from autograd.function import Function
from autograd.ops._util import const
from autograd.ops.reduce import ScatterAdd
from autograd.tensor import Tensor

from .. import loss_kernels as LK
from ._reduction import _check_reduction, _float_input, _reduce, _tensor, legacy_reduction

__all__ = ["cross_entropy", "nll_loss", "focal_loss"]

_NO_WEIGHT = np.empty(0)


class _Rows:
    """How an ``(N, C, d1, ...)`` input maps to the ``(R, C)`` rows the kernels work on, and back."""

    __slots__ = ("shape", "cdim", "out_shape")

    def __init__(self, shape: tuple) -> None:
        self.shape = shape
        self.cdim = 0 if len(shape) == 1 else 1
        self.out_shape = () if len(shape) == 1 else (shape[0],) + tuple(shape[2:])

    def to_rows(self, a: np.ndarray) -> np.ndarray:
        if a.ndim == 1:
            return a.reshape(1, -1)
        if a.ndim == 2:
            return a if a.flags.c_contiguous else np.ascontiguousarray(a)
        return np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])

    def from_rows(self, r: np.ndarray) -> np.ndarray:
        shape = self.shape
        if len(shape) == 1:
            return r.reshape(shape)
        if len(shape) == 2:
            return r
        return np.moveaxis(r.reshape((shape[0],) + tuple(shape[2:]) + (shape[1],)), -1, 1)


def _class_targets(op: str, x: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Check an index target against an ``(N, C, d...)`` input; return it flat, as int64."""
    if t.dtype.kind not in "iu":
        raise RuntimeError(f"{op}: expected target dtype to be Long or Byte (class indices), but got {t.dtype}")
    if x.ndim == 1:
        if t.size != 1 or t.ndim > 1:
            raise RuntimeError(f"{op}: a 1-D input of {x.shape[0]} classes needs a 0-D (or 1-element) target, "
                               f"got shape {t.shape}")
    elif x.ndim == 2:
        if t.ndim != 1:
            raise RuntimeError(f"{op}: input of shape {x.shape} expects a 1-D target of shape ({x.shape[0]},), "
                               f"got shape {t.shape}")
        if t.shape[0] != x.shape[0]:
            raise ValueError(f"{op}: Expected input batch_size ({x.shape[0]}) to match target batch_size ({t.shape[0]}).")
    else:
        want = (x.shape[0],) + x.shape[2:]
        if t.shape != want:
            raise RuntimeError(f"{op}: Expected target size {list(want)}, got {list(t.shape)} (input shape {list(x.shape)})")
    return np.ascontiguousarray(t.reshape(-1), dtype=np.int64)


def _class_weight(op: str, weight, n_classes: int) -> np.ndarray:
    if weight is None:
        return _NO_WEIGHT
    w = weight.data if isinstance(weight, Tensor) else np.asarray(weight)
    if w.ndim != 1 or w.shape[0] != n_classes:
        raise RuntimeError(
            f"{op}: weight tensor should be defined either for all {n_classes} classes or no classes "
            f"but got weight tensor of shape: {list(w.shape)}"
        )
    return np.ascontiguousarray(w, dtype=np.float64)


def _out_of_range(op: str, t: np.ndarray, r: int, n_classes: int) -> IndexError:
    return IndexError(f"{op}: Target {int(t[r])} is out of bounds: expected a class index in [0, {n_classes - 1}] "
                      f"for {n_classes} classes (at flat position {r})")


class _CEInfo:
    """What the cross-entropy backward needs, kept off the Tensor graph."""

    __slots__ = ("rows", "p", "t", "b", "w", "ignore_index", "eps", "reduction", "denom")

    def dense_targets(self) -> np.ndarray:
        """The effective target ``b`` (R, C): smoothed, weighted, zero on ignored rows."""
        if self.b is not None:
            return self.b
        R, C = self.p.shape
        keep = self.t != self.ignore_index
        tk = np.where(keep, self.t, 0)
        w = self.w if self.w.size else np.ones(C)
        b = np.broadcast_to(self.eps / C * w, (R, C)).copy()
        b[np.arange(R), tk] += (1 - self.eps) * w[tk]
        b[~keep] = 0
        return b

    def coef(self, g) -> np.ndarray:
        """The per-row factor ``G`` of the gradient (size 1 when it is the same for every row)."""
        if self.reduction == "none":
            return np.asarray(g, dtype=np.float64).reshape(-1)
        g = np.float64(g)
        if self.reduction == "mean":
            with np.errstate(divide="ignore", invalid="ignore"):  # all targets ignored: 0/0, as PyTorch
                g = g / self.denom
        return np.array([g])

    def grad_rows(self, g) -> np.ndarray:
        p = self.p
        out = np.empty_like(p)
        G = self.coef(g)
        if self.b is None:
            LK.ce_index_backward(p, self.t, self.w, self.ignore_index, self.eps, G, out)
        else:
            LK.ce_dense_backward(p, self.b, G, out)
        return self.rows.from_rows(out)


class CrossEntropy(Function):
    """Fused cross-entropy from logits: one kernel forward, one kernel backward (``CrossEntropyBackward``)."""

    name = "cross_entropy"

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction, eps):
        x = input.data
        t = target.data
        info = _CEInfo()
        if x.ndim == 2 and t.ndim == 1 and t.dtype == np.int64 and x.dtype.kind == "f" and t.shape[0] == x.shape[0]:
            rows = _ROWS2
            x2 = x if x.flags.c_contiguous else np.ascontiguousarray(x)
            t2 = t if t.flags.c_contiguous else np.ascontiguousarray(t)
            dense = False
        else:
            _float_input("cross_entropy", input)
            if x.ndim == 0:
                raise RuntimeError("cross_entropy: input must have at least 1 dimension (classes), got a 0-d tensor")
            rows = _Rows(x.shape)
            x2 = rows.to_rows(x)
            dense = t.dtype.kind == "f" and t.shape == x.shape
            if dense:
                t2 = None
            else:
                if t.dtype.kind == "f":
                    raise RuntimeError(
                        f"cross_entropy: expected target dtype to be Long or Byte (class indices), or floating point class "
                        f"probabilities of the input's shape {list(x.shape)}; got {t.dtype} target of shape {list(t.shape)}"
                    )
                t2 = _class_targets("cross_entropy", x, t)
        C = x2.shape[1]
        w = _class_weight("cross_entropy", weight, C) if weight is not None else _NO_WEIGHT
        if eps != 0.0 and not 0.0 <= eps <= 1.0:
            raise RuntimeError(f"cross_entropy: label_smoothing must be between 0.0 and 1.0. Got: {eps}")
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"{reduction} is not a valid value for reduction")
        R = x2.shape[0]
        loss = np.empty(R, dtype=x2.dtype)
        p = np.empty_like(x2) if ctx.recording else np.empty((0, C), dtype=x2.dtype)
        if dense:
            b = rows.to_rows(t).astype(np.float64)
            if eps:
                b = b * (1 - eps) + eps / C
            if w.size:
                b = b * w
            total = LK.ce_dense_forward(x2, np.ascontiguousarray(b), loss, p)
            denom = R
            info.b = b
        else:
            bad, total, denom = LK.ce_index_forward(x2, t2, w, ignore_index, float(eps), loss, p)
            if bad >= 0:
                raise _out_of_range("cross_entropy", t2, bad, C)
            info.b = None
        if ctx.recording:
            ctx.save_for_backward(input)
            info.rows, info.p, info.t, info.w = rows, p, t2, w
            info.ignore_index, info.eps, info.reduction, info.denom = ignore_index, float(eps), reduction, denom
            ctx.info = info
        if reduction == "mean":
            return np.asarray(np.float64(total) / denom if denom else np.nan, dtype=x2.dtype)
        if reduction == "sum":
            return np.asarray(total, dtype=x2.dtype)
        return loss if x.ndim == 2 else loss.reshape(rows.out_shape)

    @staticmethod
    def backward(ctx, g):
        (input,) = ctx.saved_tensors
        return CrossEntropyBackward.apply(g, input, ctx.info), None, None, None, None, None

    @staticmethod
    def backward_arrays(ctx, g):
        ctx.saved_tensors  # noqa: B018  (checks that the logits were not modified in place)
        return ctx.info.grad_rows(g), None, None, None, None, None


class CrossEntropyBackward(Function):
    """``d cross_entropy / d logits`` in one kernel pass; its own backward is written with autograd ops."""

    name = "cross_entropy_backward"

    @staticmethod
    def forward(ctx, g, input, info):
        ctx.info = info
        ctx.save_for_backward(g, input)
        return info.grad_rows(g.data)

    @staticmethod
    def backward(ctx, gg):
        g, input = ctx.saved_tensors
        info = ctx.info
        rows, cdim = info.rows, info.rows.cdim
        b = const(rows.from_rows(info.dense_targets()).astype(input.data.dtype))
        A = b.sum(cdim, keepdim=True)
        p = ag.softmax(input, cdim)
        red = info.reduction
        gx = gg_out = None
        if ctx.next_edges[1] is not None:
            G = g if red == "sum" else (g / info.denom if red == "mean" else (g.unsqueeze(cdim) if input.ndim > 1 else g))
            gx = G * A * p * (gg - (gg * p).sum(cdim, keepdim=True))
        if ctx.next_edges[0] is not None:
            r = (gg * (p * A - b)).sum(cdim)
            gg_out = r if red == "none" else (r.sum() / info.denom if red == "mean" else r.sum())
        return gg_out, gx, None


_ROWS2 = _Rows((0, 0))  # the layout of 2-D inputs (its shape is only used for 1-D and N-D inputs)


def _ce_soft_composite(input: Tensor, target: Tensor, weight, reduction: str, eps: float) -> Tensor:
    """Cross-entropy with probability targets through autograd ops (used when the target or weight needs a gradient)."""
    _float_input("cross_entropy", input)
    if target.data.shape != input.data.shape:
        raise RuntimeError(f"cross_entropy: probability target shape {list(target.shape)} must match input shape "
                           f"{list(input.shape)}")
    cdim = 0 if input.ndim == 1 else 1
    C = input.shape[cdim]
    logp = ag.log_softmax(input, cdim)
    q = target * (1 - eps) + eps / C if eps else target
    prod = logp * q
    if weight is not None:
        _class_weight("cross_entropy", weight, C)
        shape = [1] * input.ndim
        shape[cdim] = C
        prod = prod * weight.reshape(shape)
    _check_reduction(reduction)
    if reduction == "none":
        return -prod.sum(cdim)
    if reduction == "sum":
        return -prod.sum()
    return -prod.sum() / (input.numel() // C) if input.numel() else -prod.sum() * float("nan")


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Cross-entropy between logits ``(C)``, ``(N, C)`` or ``(N, C, d1, ...)`` and class indices or probabilities.

    Computed in log space from the logits (finite for logits of 1e4). With class indices, ``weight``
    weighs each sample by its class and the mean divides by the summed weights of the kept targets;
    ``ignore_index`` targets contribute nothing. ``label_smoothing`` mixes the target with the uniform
    distribution. Probability targets (the input's shape) take the mean over samples.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.cross_entropy(ag.tensor([[1e4, 0.0]]), ag.tensor([1]))
        tensor(10000.)
        >>> F.cross_entropy(ag.tensor([[0.0, 0.0]]), ag.tensor([[0.5, 0.5]]))
        tensor(0.6931)
    """
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce, reduction)
    if not isinstance(target, Tensor) or not isinstance(input, Tensor):
        _tensor("cross_entropy", "input", 1, input)
        _tensor("cross_entropy", "target", 2, target)
    if target.requires_grad or (weight is not None and weight.requires_grad and target.data.dtype.kind == "f"):
        return _ce_soft_composite(input, target, weight, reduction, float(label_smoothing))
    return CrossEntropy.apply(input, target, weight, ignore_index, reduction, label_smoothing)


class NllLoss(Function):
    """``-weight[t] * input[t]`` per sample; backward scatters (``ScatterAdd``, itself differentiable)."""

    name = "nll_loss"

    @staticmethod
    def forward(ctx, input, target, weight, ignore_index, reduction):
        x = input.data
        _float_input("nll_loss", input)
        if x.ndim == 0:
            raise RuntimeError("nll_loss: input must have at least 1 dimension (classes), got a 0-d tensor")
        if reduction not in ("mean", "sum", "none"):
            raise ValueError(f"{reduction} is not a valid value for reduction")
        cdim = 0 if x.ndim == 1 else 1
        C = x.shape[cdim]
        t = _class_targets("nll_loss", x, target.data)
        w = _class_weight("nll_loss", weight, C)
        keep = t != ignore_index
        bad = np.nonzero(keep & ((t < 0) | (t >= C)))[0]
        if bad.size:
            raise _out_of_range("nll_loss", t, int(bad[0]), C)
        out_shape = () if x.ndim == 1 else (x.shape[0],) + x.shape[2:]
        tk = np.where(keep, t, 0).reshape(out_shape)
        wt = ((w[tk] if w.size else np.ones(tk.shape)) * keep.reshape(out_shape)).astype(x.dtype)
        idx = np.expand_dims(tk, cdim)
        loss = -np.take_along_axis(x, idx, axis=cdim).reshape(out_shape) * wt
        denom = float(wt.sum())
        ctx.cdim, ctx.idx, ctx.wt, ctx.reduction, ctx.denom = cdim, idx, wt, reduction, denom
        if reduction == "none":
            return loss
        total = np.float64(loss.sum())
        return np.asarray(total if reduction == "sum" else (total / denom if denom else np.nan), dtype=x.dtype)

    @staticmethod
    def backward(ctx, g):
        if ctx.reduction == "mean":
            g = g / ctx.denom
        src = (g * const(-ctx.wt)).reshape(ctx.idx.shape)
        return ScatterAdd.apply(src, ctx.cdim, ctx.idx, ctx.next_edges[0][2]), None, None, None, None


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None, ignore_index: int = -100,
             reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of log-probabilities ``(C)``, ``(N, C)`` or ``(N, C, d1, ...)`` at class indices.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> logp = F.log_softmax(ag.tensor([[2.0, 0.0, -1.0]]), dim=1)
        >>> F.nll_loss(logp, ag.tensor([0]))
        tensor(0.1698)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _tensor("nll_loss", "input", 1, input)
    _tensor("nll_loss", "target", 2, target)
    return NllLoss.apply(input, target, weight, ignore_index, reduction)


def focal_loss(input: Tensor, target: Tensor, alpha=None, gamma: float = 2.0, reduction: str = "mean",
               ignore_index: int = -100) -> Tensor:
    """Multi-class focal loss on logits: ``-alpha_t (1 - p_t)^gamma log p_t`` with ``p_t = softmax(input)[target]``.

    ``alpha``: None (no weighting), a float (same for every class) or a sequence/Tensor of ``C``
    per-class weights. ``'mean'`` averages over the non-ignored targets. With ``gamma=0`` and
    ``alpha=None`` this is ``cross_entropy``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.tensor([[2.0, 0.0, -1.0]]); t = ag.tensor([0])
        >>> F.focal_loss(x, t, gamma=0.0), F.cross_entropy(x, t)
        (tensor(0.1698), tensor(0.1698))
    """
    _tensor("focal_loss", "input", 1, input)
    _tensor("focal_loss", "target", 2, target)
    _float_input("focal_loss", input)
    _check_reduction(reduction)
    x = input.data
    if x.ndim == 0:
        raise RuntimeError("focal_loss: input must have at least 1 dimension (classes), got a 0-d tensor")
    cdim = 0 if x.ndim == 1 else 1
    C = x.shape[cdim]
    t = _class_targets("focal_loss", x, target.data)
    keep = t != ignore_index
    bad = np.nonzero(keep & ((t < 0) | (t >= C)))[0]
    if bad.size:
        raise _out_of_range("focal_loss", t, int(bad[0]), C)
    out_shape = () if x.ndim == 1 else (x.shape[0],) + x.shape[2:]
    tk = np.where(keep, t, 0).reshape(out_shape)
    logpt = ag.log_softmax(input, cdim).gather(cdim, const(np.expand_dims(tk, cdim))).reshape(out_shape)
    loss = -logpt
    if gamma:
        loss = loss * (1 - logpt.exp()) ** float(gamma)
    at = keep.reshape(out_shape).astype(x.dtype)
    if alpha is not None:
        if isinstance(alpha, (int, float)):
            at = at * alpha
        else:
            a = np.asarray(alpha.data if isinstance(alpha, Tensor) else alpha, dtype=x.dtype)
            if a.shape != (C,):
                raise RuntimeError(f"focal_loss: alpha should have one value per class ({C}), got shape {list(a.shape)}")
            at = at * a[tk]
    loss = loss * const(at)
    if reduction == "mean":
        n = int(keep.sum())
        return loss.sum() / n if n else loss.sum() * float("nan")
    return _reduce(loss, reduction)
