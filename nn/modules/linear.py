"""``Identity``, ``Linear``, ``Flatten``, ``Unflatten``.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> fc = nn.Linear(784, 10)
    >>> fc.weight.shape, fc(ag.randn(32, 784)).shape
    (Size([10, 784]), Size([32, 10]))
"""

from __future__ import annotations

import math

import numpy as np

from autograd import creation as _c
from autograd.ops.linalg import Linear as _LinearFn
from autograd.tensor import Tensor

from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["Identity", "Linear", "Flatten", "Unflatten"]

_linear = _LinearFn.apply


def _check_features(value, name: str, owner: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{owner}: {name} must be a non-negative integer, got {value!r}")
    return int(value)


class Identity(Module):
    """Returns its input unchanged (any constructor arguments are ignored).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.Identity(54, unused="x")(ag.ones(2))
        tensor([1., 1.])
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__()

    def forward(self, input):
        return input


class Linear(Module):
    """``y = x @ weight.T + bias`` with ``weight`` of shape ``(out_features, in_features)``.

    Initialised as PyTorch: ``kaiming_uniform_(weight, a=sqrt(5))`` and
    ``bias ~ U(-1/sqrt(in_features), 1/sqrt(in_features))``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> fc = nn.Linear(3, 2, bias=False)
        >>> fc, fc.bias
        (Linear(in_features=3, out_features=2, bias=False), None)
        >>> fc(ag.ones(5, 3)).shape
        Size([5, 2])
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, device=None, dtype=None) -> None:
        super().__init__()
        self.in_features = _check_features(in_features, "in_features", "Linear")
        self.out_features = _check_features(out_features, "out_features", "Linear")
        self.weight = Parameter(_c.empty(out_features, in_features, dtype=dtype))
        if bias:
            self.bias = Parameter(_c.empty(out_features, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw fresh initial weights (PyTorch's default scheme)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        p = self._parameters
        try:
            return _linear(input, p["weight"], p["bias"])
        except (RuntimeError, TypeError, AttributeError):
            raise self._input_error(input) from None

    def _input_error(self, input) -> Exception:
        name = self._error_name()
        if not isinstance(input, Tensor):
            return TypeError(f"{name}: expected the input to be a Tensor, got {type(input).__name__}")
        w = self._parameters["weight"]
        if input.ndim == 0 or input.shape[-1] != self.in_features:
            return RuntimeError(
                f"{name}: expected input with last dimension {self.in_features} (in_features), "
                f"got input of shape {tuple(input.shape)}"
            )
        if input.dtype != w.dtype:
            return RuntimeError(
                f"{name}: input dtype {input.dtype} does not match the weight dtype {w.dtype} "
                f"(convert the input, or the model with .to({input.dtype}))"
            )
        return RuntimeError(f"{name}: cannot apply to input of shape {tuple(input.shape)} and dtype {input.dtype}")

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Flatten(Module):
    """Flatten dims ``start_dim..end_dim`` into one (by default all but the batch dim).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.Flatten()(ag.ones(32, 1, 5, 5)).shape
        Size([32, 25])
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: Tensor) -> Tensor:
        return input.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Expand dim ``dim`` into the shape ``unflattened_size`` (one entry may be -1).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.Unflatten(1, (2, 5))(ag.ones(3, 10)).shape
        Size([3, 2, 5])
    """

    def __init__(self, dim: int, unflattened_size) -> None:
        super().__init__()
        if not isinstance(dim, int):
            raise TypeError(f"Unflatten: invalid type {type(dim).__name__} for dim (an int is expected)")
        if not isinstance(unflattened_size, (tuple, list)) or not all(isinstance(s, int) for s in unflattened_size):
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got {unflattened_size!r}")
        self.dim = dim
        self.unflattened_size = tuple(unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        shape = tuple(input.shape)
        n = len(shape)
        if not -n <= self.dim < n:
            raise IndexError(f"{self._error_name()}: dim {self.dim} out of range for input of shape {shape}")
        d = self.dim % n
        sizes = list(self.unflattened_size)
        known = int(np.prod([s for s in sizes if s != -1]))
        if sizes.count(-1) > 1 or (-1 not in sizes and known != shape[d]) or (-1 in sizes and (known == 0 or shape[d] % known)):
            raise RuntimeError(
                f"{self._error_name()}: provided sizes {self.unflattened_size} don't multiply up to the size of dim {self.dim} "
                f"({shape[d]}) in the input tensor of shape {shape}"
            )
        if -1 in sizes:
            sizes[sizes.index(-1)] = shape[d] // known
        return input.reshape(shape[:d] + tuple(sizes) + shape[d + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
