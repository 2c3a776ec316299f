"""Comparisons and logical tests: ``== != < <= > >=``, isnan, isfinite, logical ops (no gradient).

Example:
    >>> import autograd as ag
    >>> ag.tensor([1.0, 2.0]) > 1.5
    tensor([False,  True])
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
from ._util import broadcast_error, const, promote


def _compare(ufunc, name: str):
    def op(input, other) -> Tensor:
        x, y = promote(input, other)
        try:
            return const(ufunc(x, y))
        except ValueError:
            raise broadcast_error(name, x, y) from None

    op.__name__ = name
    op.__doc__ = (
        f"Elementwise ``{name}`` as a bool tensor (no gradient).\n\n    Example:\n"
        f"        >>> import autograd as ag\n        >>> ag.{name}(ag.tensor([1, 2]), 2).dtype\n        dtype('bool')\n"
    )
    return op


eq = _compare(np.equal, "eq")
ne = _compare(np.not_equal, "ne")
lt = _compare(np.less, "lt")
le = _compare(np.less_equal, "le")
gt = _compare(np.greater, "gt")
ge = _compare(np.greater_equal, "ge")
logical_and = _compare(np.logical_and, "logical_and")
logical_or = _compare(np.logical_or, "logical_or")


def logical_not(input: Tensor) -> Tensor:
    """Elementwise NOT as a bool tensor.

    Example:
        >>> import autograd as ag
        >>> ag.logical_not(ag.tensor([True, False]))
        tensor([False,  True])
    """
    return const(np.logical_not(input.data))


def isnan(input: Tensor) -> Tensor:
    """Where the tensor is NaN.

    Example:
        >>> import autograd as ag
        >>> ag.isnan(ag.tensor([float("nan"), 1.0]))
        tensor([ True, False])
    """
    return const(np.isnan(input.data))


def isfinite(input: Tensor) -> Tensor:
    """Where the tensor is finite.

    Example:
        >>> import autograd as ag
        >>> ag.isfinite(ag.tensor([float("inf"), 1.0]))
        tensor([False,  True])
    """
    return const(np.isfinite(input.data))


def allclose(input: Tensor, other: Tensor, rtol: float = 1e-5, atol: float = 1e-8, equal_nan: bool = False) -> bool:
    """True when all elements are close (``|a - b| <= atol + rtol * |b|``).

    Example:
        >>> import autograd as ag
        >>> ag.allclose(ag.ones(2), ag.ones(2) + 1e-9)
        True
    """
    x, y = promote(input, other)
    return bool(np.allclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan))


def equal(input: Tensor, other: Tensor) -> bool:
    """True when shapes and all elements are equal.

    Example:
        >>> import autograd as ag
        >>> ag.equal(ag.ones(2), ag.ones(2))
        True
    """
    return input.shape == other.shape and bool((input.data == other.data).all())


def all(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether all elements (along ``dim``) are true.

    Example:
        >>> import autograd as ag
        >>> ag.all(ag.tensor([True, False]))
        tensor(False)
    """
    return const(np.all(input.data, axis=dim, keepdims=keepdim))


def any(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:  # noqa: A001
    """Whether any element (along ``dim``) is true.

    Example:
        >>> import autograd as ag
        >>> ag.any(ag.tensor([True, False]))
        tensor(True)
    """
    return const(np.any(input.data, axis=dim, keepdims=keepdim))
