"""Data types and the default floating dtype.

Dtypes are NumPy dtypes, so ``ag.float32 == numpy.float32`` and arrays pass
through unchanged.

Example:
    >>> import autograd as ag
    >>> ag.get_default_dtype()
    dtype('float32')
    >>> ag.tensor([1, 2]).dtype
    dtype('int64')
"""

from __future__ import annotations

import builtins

import numpy as np

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
float16 = np.dtype(np.float16)
int64 = np.dtype(np.int64)
int32 = np.dtype(np.int32)
bool_ = np.dtype(np.bool_)
float = float32  # noqa: A001  (torch.float is float32)
double = float64
long = int64
half = float16

_default = [float32]


def get_default_dtype() -> np.dtype:
    """The dtype that Python floats and ``ag.randn`` produce (float32 unless changed).

    Example:
        >>> import autograd as ag
        >>> ag.get_default_dtype()
        dtype('float32')
    """
    return _default[0]


def set_default_dtype(dtype) -> None:
    """Set the default floating dtype (float32 or float64).

    Example:
        >>> import autograd as ag
        >>> ag.set_default_dtype(ag.float64); ag.tensor([1.0]).dtype
        dtype('float64')
        >>> ag.set_default_dtype(ag.float32)
    """
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"set_default_dtype: only floating-point types are supported as the default type, got {dt}")
    _default[0] = dt


def is_floating(dt: np.dtype) -> bool:
    """True for floating dtypes."""
    return dt.kind == "f"


def to_dtype(dtype) -> np.dtype:
    """Normalise a user-given dtype (``ag.float32``, ``np.float64``, ``"int64"``, ``float``)."""
    if dtype is None:
        return None
    if dtype is builtins.float:
        return _default[0]
    if dtype is bool:
        return bool_
    if dtype is int:
        return int64
    return np.dtype(dtype)
