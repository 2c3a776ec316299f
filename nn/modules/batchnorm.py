"""``BatchNorm1d`` and ``BatchNorm2d``, with PyTorch's running statistics and train/eval behaviour.

Training: normalise with the batch statistics and update ``running_mean`` /
``running_var`` (unbiased) with ``momentum`` (``None``: cumulative average over
``num_batches_tracked`` batches). Eval: normalise with the running statistics
(or the batch's when ``track_running_stats=False``).

Example:
    >>> import autograd as ag
    >>> import nn
    >>> bn = nn.BatchNorm1d(3)
    >>> _ = bn(ag.randn(16, 3) * 2 + 5)
    >>> bn.num_batches_tracked, bn
    (tensor(1), BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True))
"""

from __future__ import annotations

import numpy as np

from autograd import creation as _c
from autograd.tensor import Tensor, _wrap

from .. import init
from ..functional.normalization import batch_norm
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d"]


class _BatchNorm(Module):
    _dims: tuple = ()

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        device=None,
        dtype=None,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(num_features, bool) or not isinstance(num_features, int) or num_features <= 0:
            raise ValueError(f"{type(self).__name__}: num_features must be a positive int, got {num_features!r}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(_c.empty(num_features, dtype=dtype))
            if bias:
                self.bias = Parameter(_c.empty(num_features, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", _c.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", _c.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", _wrap(np.array(0, dtype=np.int64), None, False))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        """Running mean 0, running variance 1, no batches tracked."""
        if self.track_running_stats:
            init.zeros_(self.running_mean)
            init.ones_(self.running_var)
            self.num_batches_tracked.data[...] = 0

    def reset_parameters(self) -> None:
        """Reset the running statistics; weight ones, bias zeros."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input(self, input) -> None:
        if not isinstance(input, Tensor):
            raise TypeError(f"{self._error_name()}: expected a Tensor, got {type(input).__name__}")
        if input.ndim not in self._dims:
            want = " or ".join(f"{d}D" for d in self._dims)
            raise ValueError(
                f"{self._error_name()}: expected {want} input (got {input.ndim}D input of shape {tuple(input.shape)})"
            )
        if input.shape[1] != self.num_features:
            raise RuntimeError(
                f"{self._error_name()}: expected input with {self.num_features} features/channels in dim 1, "
                f"got input of shape {tuple(input.shape)}"
            )

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input)
        factor = 0.0 if self.momentum is None else self.momentum
        b = self._buffers
        training = self.training
        if training and self.track_running_stats and b["num_batches_tracked"] is not None:
            if input.data.size // self.num_features <= 1:  # PyTorch raises before counting the batch
                raise ValueError(
                    f"{self._error_name()}: Expected more than 1 value per channel when training, "
                    f"got input size {list(input.shape)}"
                )
            nbt = b["num_batches_tracked"]
            nbt.data += 1
            nbt._version += 1
            factor = 1.0 / float(nbt.data) if self.momentum is None else self.momentum
        use_batch_stats = training or (b["running_mean"] is None and b["running_var"] is None)
        track = not training or self.track_running_stats
        p = self._parameters
        try:
            return batch_norm(
                input,
                b["running_mean"] if track else None,
                b["running_var"] if track else None,
                p["weight"],
                p["bias"],
                use_batch_stats,
                factor,
                self.eps,
            )
        except (RuntimeError, ValueError) as e:
            raise type(e)(f"{self._error_name()}: {e}") from None

    def _upgrade_state_dict(self, state_dict: dict, prefix: str) -> None:
        key = prefix + "num_batches_tracked"  # as PyTorch for checkpoints without version metadata
        if self.track_running_stats and key not in state_dict:
            state_dict[key] = _wrap(np.array(0, dtype=np.int64), None, False)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"bias={self.bias is not None}, track_running_stats={self.track_running_stats}"
        )


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of ``(N, C)`` or ``(N, C, L)`` inputs over everything but the channel dim.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> bn = nn.BatchNorm1d(2, momentum=None)
        >>> _ = bn(ag.tensor([[0.0, 1.0], [2.0, 3.0]]))
        >>> bn.running_mean, bn.running_var
        (tensor([1., 2.]), tensor([2., 2.]))
    """

    _dims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of ``(N, C, H, W)`` inputs per channel.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> bn = nn.BatchNorm2d(4).eval()
        >>> bool((bn(ag.ones(2, 4, 3, 3)) == ag.ones(1) / (1 + 1e-5) ** 0.5).all())
        True
    """

    _dims = (4,)
