"""``LayerNorm``: normalise over the trailing ``normalized_shape`` dims, then an elementwise affine map.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> ln = nn.LayerNorm(8)
    >>> ln, ln(ag.randn(4, 8)).shape
    (LayerNorm((8,), eps=1e-05, elementwise_affine=True, bias=True), Size([4, 8]))
"""

from __future__ import annotations

import numpy as np

from autograd import creation as _c
from autograd.tensor import Tensor

from .. import init
from ..functional.normalization import layer_norm
from ..parameter import Parameter
from .module import Module

__all__ = ["LayerNorm"]


class LayerNorm(Module):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` with statistics over the last ``len(normalized_shape)`` dims.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> y = nn.LayerNorm((2, 3), elementwise_affine=False)(ag.randn(5, 2, 3))
        >>> abs(float(y[0].mean())) < 1e-6
        True
    """

    def __init__(
        self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True, device=None, dtype=None
    ) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) else tuple(normalized_shape)
        if not shape or not all(isinstance(s, (int, np.integer)) and s > 0 for s in shape):
            raise ValueError(f"LayerNorm: normalized_shape must be positive ints, got {normalized_shape!r}")
        self.normalized_shape = tuple(int(s) for s in shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(_c.empty(*self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(_c.empty(*self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Weight ones, bias zeros."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, input: Tensor) -> Tensor:
        p = self._parameters
        try:
            return layer_norm(input, self.normalized_shape, p["weight"], p["bias"], self.eps)
        except (RuntimeError, TypeError) as e:
            raise type(e)(f"{self._error_name()}: {e}") from None

    def extra_repr(self) -> str:
        affine = self.elementwise_affine
        return f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={affine}, bias={self.bias is not None}"
