"""Loss functions of ``nn.functional`` with PyTorch's signatures and semantics.

Every loss takes ``reduction='mean'|'sum'|'none'`` (and the deprecated ``size_average`` /
``reduce``). Cross-entropy runs one fused row-wise kernel (log-softmax, pick and label
smoothing forward; softmax minus target backward) and its backward is itself differentiable.
CTC runs the forward-backward algorithm in log space (``nn.loss_kernels``).

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

import warnings

import numpy as np

import autograd as ag
from autograd.function import Function
from autograd.ops._util import const
from autograd.tensor import Tensor, _wrap

from ._reduction import _check_reduction, _float_input, _pair, _reduce, _tensor, _weighted, legacy_reduction
from .activations import logsigmoid
from .classification import cross_entropy, focal_loss, nll_loss
from .ctc import ctc_loss

__all__ = [
    "mse_loss", "l1_loss", "huber_loss", "smooth_l1_loss", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "cross_entropy", "nll_loss", "kl_div", "sigmoid_focal_loss", "focal_loss", "ctc_loss", "pairwise_distance",
    "triplet_margin_loss", "margin_ranking_loss", "cosine_embedding_loss",
]

# ------------------------------------------------------------------------------------ regression
def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error ``(input - target)^2``; with ``weight`` the mean divides by ``weight.sum()`` (as PyTorch).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.mse_loss(ag.tensor([1.0, 2.0]), ag.tensor([0.0, 0.0]))
        tensor(2.5000)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _pair("mse_loss", input, target)
    d = input - target
    return _weighted(d * d, weight, reduction, input)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
            weight: Tensor | None = None) -> Tensor:
    """Mean absolute error ``|input - target|`` (MAE).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.l1_loss(ag.tensor([1.0, -3.0]), ag.tensor([0.0, 0.0]))
        tensor(2.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _pair("l1_loss", input, target)
    return _weighted((input - target).abs(), weight, reduction, input)


def _huber(d: Tensor, delta: float) -> Tensor:
    """``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - delta / 2)``."""
    inside = const(np.abs(d.data) < delta)
    return ag.where(inside, d * d * 0.5, (d.abs() - 0.5 * delta) * delta)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Huber loss: squared below ``delta``, ``delta``-scaled L1 above (with ``weight``, the mean is a plain mean).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.huber_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]), reduction="none")
        tensor([0.1250, 2.5000])
    """
    _pair("huber_loss", input, target)
    if not delta > 0:
        raise RuntimeError(f"huber_loss does not support non-positive values for delta (got {delta}).")
    return _weighted(_huber(input - target, float(delta)), weight, reduction, input, mean_by_weight=False)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """Smooth L1: ``0.5 d^2 / beta`` where ``|d| < beta``, else ``|d| - beta / 2`` (plain L1 for ``beta=0``).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.smooth_l1_loss(ag.tensor([0.5, 3.0]), ag.tensor([0.0, 0.0]), reduction="none")
        tensor([0.1250, 2.5000])
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _pair("smooth_l1_loss", input, target)
    if beta < 0:
        raise RuntimeError(f"smooth_l1_loss does not support negative values for beta (got {beta}).")
    d = input - target
    if beta == 0:
        return _reduce(d.abs(), reduction)
    return _reduce(_huber(d, float(beta)) / float(beta), reduction)


# ------------------------------------------------------------------------------------ binary classification
class BinaryCrossEntropy(Function):
    """Elementwise ``-(y log x + (1 - y) log(1 - x))`` with logs clamped at -100; backward with autograd ops."""

    name = "binary_cross_entropy"

    @staticmethod
    def forward(ctx, x, y):
        xd = x.data
        yd = y.data.astype(xd.dtype, copy=False)
        if not ((xd >= 0) & (xd <= 1)).all():
            bad = xd[~((xd >= 0) & (xd <= 1))].flat[0]
            raise RuntimeError(f"binary_cross_entropy: all elements of input should be between 0 and 1 (found {bad})")
        ctx.save_for_backward(x, y)
        with np.errstate(divide="ignore"):
            log_x = np.maximum(np.log(xd), -100)
            log_1mx = np.maximum(np.log1p(-xd), -100)
        return -(yd * log_x + (1 - yd) * log_1mx)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        gx = gy = None
        if ctx.next_edges[0] is not None:
            gx = g * (x - y) / (x * (1 - x)).clamp(min=1e-12)
        if ctx.next_edges[1] is not None:
            gy = g * ((-x).log1p().clamp(min=-100) - x.log().clamp(min=-100))
        return gx, gy

    @staticmethod
    def backward_arrays(ctx, g):
        x, y = ctx.saved_tensors
        xd, yd = x.data, y.data
        gx = gy = None
        if ctx.next_edges[0] is not None:
            gx = g * (xd - yd) / np.maximum(xd * (1 - xd), 1e-12)
        if ctx.next_edges[1] is not None:
            with np.errstate(divide="ignore"):
                gy = g * (np.maximum(np.log1p(-xd), -100) - np.maximum(np.log(xd), -100))
        return gx, gy


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None, reduce=None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross-entropy on probabilities in [0, 1] (logs clamped at -100, as PyTorch).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.binary_cross_entropy(ag.tensor([0.9, 0.2]), ag.tensor([1.0, 0.0]))
        tensor(0.1643)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _tensor("binary_cross_entropy", "input", 1, input)
    _tensor("binary_cross_entropy", "target", 2, target)
    if input.data.shape != target.data.shape:
        raise ValueError(
            f"binary_cross_entropy: using a target size ({target.shape}) that is different to the input size "
            f"({input.shape}) is deprecated. Please ensure they have the same size."
        )
    _float_input("binary_cross_entropy", input)
    _check_reduction(reduction)
    loss = BinaryCrossEntropy.apply(input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean", pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + binary cross-entropy in one stable formula: ``(1 - y) x - (1 + (pos_weight - 1) y) log sigmoid(x)``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.binary_cross_entropy_with_logits(ag.tensor([1e4, -1e4]), ag.tensor([1.0, 0.0]))
        tensor(0.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _tensor("binary_cross_entropy_with_logits", "input", 1, input)
    _tensor("binary_cross_entropy_with_logits", "target", 2, target)
    if input.data.shape != target.data.shape:
        raise ValueError(
            f"binary_cross_entropy_with_logits: Target size ({target.shape}) must be the same as input size ({input.shape})"
        )
    _float_input("binary_cross_entropy_with_logits", input)
    _check_reduction(reduction)
    if not target.requires_grad and target.data.dtype != input.data.dtype:
        target = _wrap(target.data.astype(input.data.dtype), None, False)
    one_minus_y = 1 - target
    if pos_weight is None:
        loss = one_minus_y * input - logsigmoid(input)
    else:
        loss = one_minus_y * input - (1 + (pos_weight - 1) * target) * logsigmoid(input)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False) -> Tensor:
    """KL divergence ``target * (log target - input)`` for log-probabilities ``input``; use ``reduction='batchmean'``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> logq = F.log_softmax(ag.tensor([[0.0, 0.0]]), dim=1)
        >>> F.kl_div(logq, ag.tensor([[0.5, 0.5]]), reduction="batchmean")
        tensor(0.)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    _tensor("kl_div", "input", 1, input)
    _tensor("kl_div", "target", 2, target)
    _check_reduction(reduction, ("mean", "sum", "none", "batchmean"))
    if reduction == "mean":
        warnings.warn(
            "reduction: 'mean' divides the total loss by both the batch size and the support size."
            "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
            "'mean' will be changed to behave the same as 'batchmean' in the next major release.",
            stacklevel=2,
        )
    if log_target:
        loss = target.exp() * (target - input)
    elif target.requires_grad:
        zero = const(target.data == 0)
        loss = ag.where(zero, 0.0, target * ag.where(zero, 1.0, target).log()) - target * input
    else:
        td = target.data
        with np.errstate(divide="ignore", invalid="ignore"):
            xlogx = np.where(td == 0, 0, td * np.log(td)).astype(np.result_type(td, input.data), copy=False)
        loss = const(xlogx) - target * input
    if reduction == "batchmean":
        total = loss.sum()
        return total / input.shape[0] if input.ndim else total
    return _reduce(loss, reduction)


# ------------------------------------------------------------------------------------ focal losses
def sigmoid_focal_loss(inputs: Tensor, targets: Tensor, alpha: float = 0.25, gamma: float = 2, reduction: str = "none") -> Tensor:
    """RetinaNet's focal loss on logits, as ``torchvision.ops.sigmoid_focal_loss`` (``alpha < 0`` disables alpha).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.sigmoid_focal_loss(ag.tensor([0.0]), ag.tensor([1.0]))
        tensor([0.0433])
    """
    p = ag.sigmoid(inputs)
    ce_loss = binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        alpha_t = alpha * targets + (1 - alpha) * (1 - targets)
        loss = alpha_t * loss
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', 'mean', 'sum'")


# ------------------------------------------------------------------------------------ embeddings / ranking
def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False) -> Tensor:
    """``||x1 - x2 + eps||_p`` over the last dim (as PyTorch).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.pairwise_distance(ag.tensor([[3.0, 4.0]]), ag.tensor([[0.0, 0.0]]), eps=0.0)
        tensor([5.])
    """
    return (x1 - x2 + eps).norm(p, dim=-1, keepdim=keepdim)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0, p: float = 2, eps: float = 1e-6,
                        swap: bool = False, size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """``max(d(a, p) - d(a, n) + margin, 0)`` with ``d`` the pairwise p-distance; ``swap`` uses ``min(d(a, n), d(p, n))``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> a, p, n = ag.tensor([[0.0, 0.0]]), ag.tensor([[0.0, 1.0]]), ag.tensor([[0.0, 1.5]])
        >>> F.triplet_margin_loss(a, p, n, eps=0.0)
        tensor(0.5000)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    for i, (n, v) in enumerate((("anchor", anchor), ("positive", positive), ("negative", negative))):
        _tensor("triplet_margin_loss", n, i + 1, v)
    if not anchor.ndim == positive.ndim == negative.ndim:
        raise RuntimeError(
            "triplet_margin_loss: The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {anchor.ndim}D, positive {positive.ndim}D, and negative {negative.ndim}D inputs"
        )
    if margin <= 0:
        raise ValueError(f"triplet_margin_loss: margin must be greater than 0, got {margin}")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_neg = ag.minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    return _reduce((d_pos - d_neg + margin).clamp(min=0.0), reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average=None, reduce=None,
                        reduction: str = "mean") -> Tensor:
    """``max(0, -target * (input1 - input2) + margin)`` with ``target`` in {1, -1}.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.margin_ranking_loss(ag.tensor([1.0, 1.0]), ag.tensor([0.0, 2.0]), ag.tensor([1.0, 1.0]))
        tensor(0.5000)
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    for i, (n, v) in enumerate((("input1", input1), ("input2", input2), ("target", target))):
        _tensor("margin_ranking_loss", n, i + 1, v)
    if not input1.ndim == input2.ndim == target.ndim:
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {input1.shape}, input2: {input2.shape}, target: {target.shape} "
        )
    return _reduce((-target * (input1 - input2) + margin).clamp(min=0.0), reduction)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0, size_average=None, reduce=None,
                          reduction: str = "mean") -> Tensor:
    """``1 - cos(x1, x2)`` where ``target == 1``, ``max(0, cos(x1, x2) - margin)`` where ``target == -1``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.tensor([[1.0, 0.0]])
        >>> F.cosine_embedding_loss(x, x, ag.tensor([1.0])), F.cosine_embedding_loss(x, x, ag.tensor([-1.0]))
        (tensor(0.), tensor(1.))
    """
    reduction = legacy_reduction(size_average, reduce, reduction)
    for i, (n, v) in enumerate((("input1", input1), ("input2", input2), ("target", target))):
        _tensor("cosine_embedding_loss", n, i + 1, v)
    if input1.data.shape != input2.data.shape:
        raise RuntimeError(
            f"cosine_embedding_loss: input1 {list(input1.shape)} and input2 {list(input2.shape)} must have the same shape"
        )
    if input1.ndim not in (1, 2) or target.ndim != input1.ndim - 1:
        raise RuntimeError(
            f"cosine_embedding_loss: {target.ndim}D target tensor expects {target.ndim + 1}D input tensors, but found inputs "
            f"with sizes {list(input1.shape)} and {list(input2.shape)}."
        )
    dim = input1.ndim - 1
    prod_sum = (input1 * input2).sum(dim)
    mag1 = (input1 * input1).sum(dim) + 1e-12
    mag2 = (input2 * input2).sum(dim) + 1e-12
    cos = prod_sum / (mag1 * mag2).sqrt()
    td = target.data
    zero = np.zeros((), dtype=cos.data.dtype)
    pos = ag.where(const(td == 1), 1 - cos, zero)
    neg = ag.where(const(td == -1), (cos - margin).clamp(min=0.0), zero)
    return _reduce(pos + neg, reduction)
