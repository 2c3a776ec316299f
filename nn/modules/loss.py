"""Loss modules (as ``torch.nn``): each stores its options and calls its ``nn.functional`` form.

Class weights (``weight``, ``pos_weight``) are buffers, so they follow ``to(dtype)`` and appear
in ``state_dict`` as in PyTorch.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> crit = nn.CrossEntropyLoss(label_smoothing=0.1)
    >>> crit(ag.zeros(2, 3), ag.tensor([0, 2]))
    tensor(1.0986)
"""

from __future__ import annotations

from autograd.creation import as_tensor
from autograd.tensor import Tensor

from ..functional import classification as _cls
from ..functional import losses as F
from ..functional._reduction import legacy_reduction
from .module import Module

__all__ = [
    "MSELoss", "L1Loss", "HuberLoss", "SmoothL1Loss", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss", "NLLLoss",
    "KLDivLoss", "FocalLoss", "SigmoidFocalLoss", "CTCLoss", "TripletMarginLoss", "MarginRankingLoss", "CosineEmbeddingLoss",
]

_REDUCTIONS = ("mean", "sum", "none")


def _as_weight(w):
    return w if w is None or isinstance(w, Tensor) else as_tensor(w)


class _Loss(Module):
    """Base of the loss modules: holds ``reduction`` (from the deprecated ``size_average``/``reduce`` too)."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", allowed=_REDUCTIONS) -> None:
        super().__init__()
        reduction = legacy_reduction(size_average, reduce, reduction)
        if reduction not in allowed:
            raise ValueError(f"{type(self).__name__}: {reduction} is not a valid value for reduction (use one of {allowed})")
        self.reduction = reduction


class _WeightedLoss(_Loss):
    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _as_weight(weight))


class MSELoss(_Loss):
    """Mean squared error.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.MSELoss()(ag.tensor([1.0, 2.0]), ag.tensor([1.0, 0.0]))
        tensor(2.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error (MAE).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.L1Loss(reduction="sum")(ag.tensor([1.0, -2.0]), ag.tensor([0.0, 0.0]))
        tensor(3.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """Squared error below ``delta``, ``delta``-scaled absolute error above.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.HuberLoss(delta=2.0)(ag.tensor([3.0]), ag.tensor([0.0]))
        tensor(4.)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """Huber loss divided by ``beta`` (L1 for ``beta=0``).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.SmoothL1Loss(beta=2.0)(ag.tensor([3.0]), ag.tensor([0.0]))
        tensor(2.)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy on probabilities (apply ``sigmoid`` first, or use ``BCEWithLogitsLoss``).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.BCELoss()(ag.tensor([0.5]), ag.tensor([1.0]))
        tensor(0.6931)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, weight=self._buffers["weight"], reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid and binary cross-entropy in one stable step; ``pos_weight`` weighs the positive term per class.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> crit = nn.BCEWithLogitsLoss(pos_weight=ag.tensor([3.0]))
        >>> crit(ag.tensor([0.0]), ag.tensor([1.0]))
        tensor(2.0794)
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean", pos_weight=None) -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _as_weight(weight))
        self.register_buffer("pos_weight", _as_weight(pos_weight))

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        b = self._buffers
        return F.binary_cross_entropy_with_logits(input, target, b["weight"], reduction=self.reduction,
                                                  pos_weight=b["pos_weight"])


class CrossEntropyLoss(_WeightedLoss):
    """Cross-entropy from logits against class indices or class probabilities (see ``F.cross_entropy``).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> crit = nn.CrossEntropyLoss(weight=ag.tensor([1.0, 2.0]), ignore_index=-1)
        >>> crit(ag.tensor([[0.0, 0.0], [1.0, 0.0]]), ag.tensor([1, -1]))
        tensor(0.6931)
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None, reduction: str = "mean",
                 label_smoothing: float = 0.0) -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return _cls.cross_entropy(input, target, self._buffers["weight"], None, self.ignore_index, None, self.reduction,
                                  self.label_smoothing)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of log-probabilities (``LogSoftmax`` output) at class indices.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.NLLLoss()(ag.tensor([[-0.5, -1.0]]), ag.tensor([1]))
        tensor(1.)
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None, reduction: str = "mean") -> None:
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, self._buffers["weight"], ignore_index=self.ignore_index, reduction=self.reduction)


class KLDivLoss(_Loss):
    """KL divergence between ``target`` and the log-probabilities ``input``; use ``reduction='batchmean'``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.KLDivLoss(reduction="batchmean", log_target=True)(ag.zeros(1, 2), ag.zeros(1, 2))
        tensor(0.)
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction, allowed=_REDUCTIONS + ("batchmean",))
        self.log_target = log_target

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class FocalLoss(_Loss):
    """Multi-class focal loss on logits, ``-alpha_t (1 - p_t)^gamma log p_t`` (see ``F.focal_loss``).

    ``alpha`` is None, a float, or ``C`` per-class weights (kept as the buffer ``alpha``).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> crit = nn.FocalLoss(alpha=[0.25, 0.75], gamma=2.0)
        >>> crit, crit(ag.tensor([[0.0, 0.0]]), ag.tensor([1]))
        (FocalLoss(gamma=2.0), tensor(0.1300))
    """

    def __init__(self, alpha=None, gamma: float = 2.0, reduction: str = "mean", ignore_index: int = -100) -> None:
        super().__init__(reduction=reduction)
        self.gamma = gamma
        self.ignore_index = ignore_index
        if alpha is None or isinstance(alpha, (int, float)):
            self.register_buffer("alpha", None)
            self.alpha_scalar = alpha
        else:
            self.register_buffer("alpha", _as_weight(alpha))
            self.alpha_scalar = None

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        a = self._buffers["alpha"]
        return F.focal_loss(input, target, self.alpha_scalar if a is None else a, self.gamma, self.reduction, self.ignore_index)

    def extra_repr(self) -> str:
        s = f"gamma={self.gamma}"
        return s + (f", alpha={self.alpha_scalar}" if self.alpha_scalar is not None else "")


class SigmoidFocalLoss(_Loss):
    """``torchvision.ops.sigmoid_focal_loss`` as a module (binary / multi-label targets, logits input).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.SigmoidFocalLoss(reduction="sum")(ag.tensor([0.0]), ag.tensor([1.0]))
        tensor(0.0433)
    """

    def __init__(self, alpha: float = 0.25, gamma: float = 2.0, reduction: str = "none") -> None:
        super().__init__(reduction=reduction)
        self.alpha, self.gamma = alpha, gamma

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.sigmoid_focal_loss(input, target, self.alpha, self.gamma, self.reduction)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}, gamma={self.gamma}"


class CTCLoss(_Loss):
    """Connectionist temporal classification on ``(T, N, C)`` log-probabilities (see ``F.ctc_loss``).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> lp = ag.zeros(4, 1, 3).log_softmax(2)
        >>> nn.CTCLoss()(lp, ag.tensor([[1, 2]]), ag.tensor([4]), ag.tensor([2]))
        tensor(0.8432)
    """

    def __init__(self, blank: int = 0, reduction: str = "mean", zero_infinity: bool = False) -> None:
        super().__init__(reduction=reduction)
        self.blank, self.zero_infinity = blank, zero_infinity

    def forward(self, log_probs: Tensor, targets: Tensor, input_lengths, target_lengths) -> Tensor:
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction, self.zero_infinity)


class TripletMarginLoss(_Loss):
    """``max(d(a, p) - d(a, n) + margin, 0)`` with the pairwise p-distance ``d``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> a = ag.zeros(1, 2)
        >>> nn.TripletMarginLoss(margin=1.0, eps=0.0)(a, a, a + 3.0)
        tensor(0.)
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False, size_average=None,
                 reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        if margin <= 0:
            raise ValueError(f"TripletMarginLoss: expected margin to be greater than 0, got {margin} instead")
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps, swap=self.swap,
                                     reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """``max(0, -y * (x1 - x2) + margin)``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.MarginRankingLoss(margin=1.0)(ag.tensor([2.0]), ag.tensor([1.5]), ag.tensor([1.0]))
        tensor(0.5000)
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """``1 - cos`` for similar pairs (``y = 1``), ``max(0, cos - margin)`` for dissimilar ones (``y = -1``).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> x = ag.tensor([[1.0, 0.0]])
        >>> nn.CosineEmbeddingLoss()(x, x, ag.tensor([1.0]))
        tensor(0.)
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)
