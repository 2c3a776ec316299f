"""``F.dropout`` (and ``F.dropout2d``): zero elements with probability ``p``, scale the rest by ``1/(1-p)``.

The mask is drawn from autograd's default generator, so ``autograd.manual_seed`` makes it
reproducible. Outside training (``training=False``) the input is returned unchanged.

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> y = F.dropout(ag.ones(1000), p=0.2)
    >>> sorted(set(y.tolist()))
    [0.0, 1.25]
"""

from __future__ import annotations

import numpy as np

from autograd.function import Function
from autograd.random import rng
from autograd.tensor import Tensor, _wrap

__all__ = ["dropout", "dropout2d"]


class Dropout(Function):
    """``x * mask`` with a constant mask (zeros and ``1/(1-p)``)."""

    name = "dropout"

    @staticmethod
    def forward(ctx, x, mask):
        ctx.mask = mask
        return x.data * mask

    @staticmethod
    def backward(ctx, g):
        return g * _wrap(ctx.mask, None, False), None

    @staticmethod
    def backward_arrays(ctx, g):
        return g * ctx.mask, None


def check_p(p, owner: str) -> float:
    """``p`` as a float in [0, 1], or a ValueError naming ``owner``."""
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)) or not 0 <= p <= 1:
        raise ValueError(f"{owner}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _mask(shape: tuple, p: float, dtype) -> np.ndarray:
    if p == 1:
        return np.zeros(shape, dtype=dtype)
    keep = rng().random(shape, dtype=np.float32) >= p
    return keep.astype(dtype) * dtype.type(1 / (1 - p))


def _apply(input: Tensor, p: float, training: bool, mask_shape: tuple, op: str) -> Tensor:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}: expected a Tensor, got {type(input).__name__}")
    if not training or p == 0:
        return input
    if input.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating point input, got dtype {input.dtype}")
    return Dropout.apply(input, _mask(mask_shape, p, input.dtype))


def dropout(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero each element with probability ``p`` and scale the others by ``1 / (1 - p)``.

    ``inplace`` is accepted for compatibility; the result is always a new tensor.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.dropout(ag.ones(3), p=0.5, training=False)
        tensor([1., 1., 1.])
    """
    p = check_p(p, "dropout")
    return _apply(input, p, training, tuple(input.shape) if isinstance(input, Tensor) else (), "dropout")


def dropout2d(input: Tensor, p: float = 0.5, training: bool = True, inplace: bool = False) -> Tensor:
    """Zero whole channels of an ``(N, C, H, W)`` (or ``(C, H, W)``) input with probability ``p``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> y = F.dropout2d(ag.ones(2, 50, 3, 3), p=0.5)
        >>> bool((y[:, :, 0:1, 0:1] == y).all())
        True
    """
    p = check_p(p, "dropout2d")
    if isinstance(input, Tensor) and input.ndim not in (3, 4):
        raise RuntimeError(f"dropout2d: expected a 3-d or 4-d input, got shape {tuple(input.shape)}")
    shape = tuple(input.shape[:-2]) + (1, 1) if isinstance(input, Tensor) else ()
    return _apply(input, p, training, shape, "dropout2d")
