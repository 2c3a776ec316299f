"""``Dropout`` and ``Dropout2d``: random zeroing in training mode, identity in eval mode.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> drop = nn.Dropout(p=0.5)
    >>> drop.eval()(ag.ones(3))
    tensor([1., 1., 1.])
"""

from __future__ import annotations

from autograd.tensor import Tensor

from ..functional.dropout import Dropout as _DropoutFn
from ..functional.dropout import _mask, check_p, dropout2d
from .module import Module

__all__ = ["Dropout", "Dropout2d"]


class Dropout(Module):
    """During training, zero each element with probability ``p`` and scale the rest by ``1/(1-p)``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> _ = ag.manual_seed(0)
        >>> y = nn.Dropout(0.25)(ag.ones(10000))
        >>> abs(float(y.mean()) - 1.0) < 0.05, sorted(set(y.tolist()))
        (True, [0.0, 1.3333333730697632])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = check_p(p, type(self).__name__)
        self.inplace = inplace

    def forward(self, input: Tensor) -> Tensor:
        if not self.training or self.p == 0:
            return input
        if not isinstance(input, Tensor) or input.dtype.kind != "f":
            raise TypeError(f"{self._error_name()}: expected a floating point Tensor, got {type(input).__name__}")
        return _DropoutFn.apply(input, _mask(input.data.shape, self.p, input.dtype))

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class Dropout2d(Dropout):
    """During training, zero whole channels of ``(N, C, H, W)`` inputs with probability ``p``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.Dropout2d(0.5)(ag.ones(2, 4, 3, 3)).shape
        Size([2, 4, 3, 3])
    """

    def forward(self, input: Tensor) -> Tensor:
        return dropout2d(input, self.p, self.training)
