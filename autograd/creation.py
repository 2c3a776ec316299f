"""Creating tensors: ``tensor``, ``from_numpy``, ``as_tensor``, zeros/ones/full/empty (and ``_like``),
``arange``, ``linspace``, ``eye``, ``rand``, ``randn``, ``randint``, ``randperm``.

Sizes are given as ``zeros(2, 3)`` or ``zeros((2, 3))``; floats default to
``get_default_dtype()``.

Example:
    >>> import autograd as ag
    >>> ag.zeros(2, 3).shape, ag.arange(3).dtype, ag.linspace(0, 1, 3)
    (Size([2, 3]), dtype('int64'), tensor([0.0000, 0.5000, 1.0000]))
"""

from __future__ import annotations

import numpy as np

from . import dtypes as _dt
from .random import Generator, rng
from .tensor import Tensor, _wrap, to_array


def _size(size) -> tuple:
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = tuple(size[0])
    for s in size:
        if not isinstance(s, (int, np.integer)) or isinstance(s, bool):
            raise TypeError(f"size must be a sequence of ints, got {type(s).__name__} in {size}")
        if s < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {s}: {list(size)}")
    return tuple(int(s) for s in size)


def _finish(arr: np.ndarray, requires_grad: bool) -> Tensor:
    t = _wrap(arr, None, False)
    if requires_grad:
        t.requires_grad_(True)
    return t


def _float_dtype(dtype) -> np.dtype:
    return _dt.to_dtype(dtype) if dtype is not None else _dt.get_default_dtype()


def tensor(data, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A new tensor holding a copy of ``data`` (lists, numbers, arrays, tensors).

    Example:
        >>> import autograd as ag
        >>> ag.tensor([[1, 2], [3, 4]], dtype=ag.float64)
        tensor([[1., 2.],
                [3., 4.]], dtype=float64)
    """
    return _finish(to_array(data, dtype), requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """A tensor sharing ``data``'s memory when it is already an array of the right dtype.

    Example:
        >>> import numpy as np, autograd as ag
        >>> a = np.zeros(2); t = ag.as_tensor(a); a[0] = 1; t
        tensor([1., 0.], dtype=float64)
    """
    if isinstance(data, Tensor):
        return data if dtype is None else data.to(dtype)
    if isinstance(data, np.ndarray) and (dtype is None or np.dtype(_dt.to_dtype(dtype)) == data.dtype):
        return _wrap(data, None, False)
    return _wrap(to_array(data, dtype), None, False)


def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor sharing ``ndarray``'s memory and dtype.

    Example:
        >>> import numpy as np, autograd as ag
        >>> ag.from_numpy(np.arange(3)).dtype
        dtype('int64')
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray).__name__})")
    return _wrap(ndarray, None, False)


def zeros(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of zeros.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2)
        tensor([0., 0.])
    """
    return _finish(np.zeros(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor of ones.

    Example:
        >>> import autograd as ag
        >>> ag.ones(2, dtype=ag.int64)
        tensor([1, 1])
    """
    return _finish(np.ones(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def empty(*size, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """An uninitialised tensor.

    Example:
        >>> import autograd as ag
        >>> ag.empty(2, 3).shape
        Size([2, 3])
    """
    return _finish(np.empty(_size(size), dtype=_float_dtype(dtype)), requires_grad)


def full(size, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """A tensor filled with ``fill_value`` (dtype inferred from it, as PyTorch).

    Example:
        >>> import autograd as ag
        >>> ag.full((2,), 7)
        tensor([7, 7])
    """
    if dtype is None:
        dtype = to_array(fill_value).dtype
    shape = _size((size,) if isinstance(size, int) else (tuple(size),))
    return _finish(np.full(shape, fill_value, dtype=_dt.to_dtype(dtype)), requires_grad)


def _like(input: Tensor, dtype):
    return input.data.shape, (_dt.to_dtype(dtype) if dtype is not None else input.data.dtype)


def zeros_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Zeros with ``input``'s shape and dtype.

    Example:
        >>> import autograd as ag
        >>> ag.zeros_like(ag.ones(2))
        tensor([0., 0.])
    """
    shape, dt = _like(input, dtype)
    return _finish(np.zeros(shape, dt), requires_grad)


def ones_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Ones with ``input``'s shape and dtype.

    Example:
        >>> import autograd as ag
        >>> ag.ones_like(ag.zeros(2))
        tensor([1., 1.])
    """
    shape, dt = _like(input, dtype)
    return _finish(np.ones(shape, dt), requires_grad)


def empty_like(input: Tensor, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Uninitialised, with ``input``'s shape and dtype.

    Example:
        >>> import autograd as ag
        >>> ag.empty_like(ag.zeros(2)).shape
        Size([2])
    """
    shape, dt = _like(input, dtype)
    return _finish(np.empty(shape, dt), requires_grad)


def full_like(input: Tensor, fill_value, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """``fill_value`` everywhere, with ``input``'s shape and dtype.

    Example:
        >>> import autograd as ag
        >>> ag.full_like(ag.zeros(2), 3)
        tensor([3., 3.])
    """
    shape, dt = _like(input, dtype)
    return _finish(np.full(shape, fill_value, dt), requires_grad)


def arange(start, end=None, step=1, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Values from ``start`` to ``end`` (exclusive) by ``step``; int64 unless a float is given.

    Example:
        >>> import autograd as ag
        >>> ag.arange(1, 4)
        tensor([1, 2, 3])
    """
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("arange: step must be nonzero")
    if dtype is None:
        is_float = any(isinstance(v, float) for v in (start, end, step))
        dtype = _dt.get_default_dtype() if is_float else np.int64
    return _finish(np.arange(start, end, step).astype(_dt.to_dtype(dtype)), requires_grad)


def linspace(start, end, steps: int, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """``steps`` evenly spaced values from ``start`` to ``end`` inclusive.

    Example:
        >>> import autograd as ag
        >>> ag.linspace(0, 1, 5)
        tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000])
    """
    if steps < 0:
        raise RuntimeError(f"linspace: number of steps must be non-negative, got {steps}")
    return _finish(np.linspace(start, end, steps).astype(_float_dtype(dtype)), requires_grad)


def eye(n: int, m: int | None = None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """The ``n x m`` identity matrix.

    Example:
        >>> import autograd as ag
        >>> ag.eye(2)
        tensor([[1., 0.],
                [0., 1.]])
    """
    return _finish(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad)


def rand(*size, generator: Generator | None = None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Uniform samples on ``[0, 1)``.

    Example:
        >>> import autograd as ag
        >>> bool((ag.rand(100) < 1).all())
        True
    """
    dt = _float_dtype(dtype)
    return _finish(rng(generator).random(_size(size), dtype=np.float64).astype(dt, copy=False), requires_grad)


def randn(*size, generator: Generator | None = None, dtype=None, device=None, requires_grad: bool = False) -> Tensor:
    """Standard normal samples.

    Example:
        >>> import autograd as ag
        >>> ag.randn(2, 3).shape
        Size([2, 3])
    """
    dt = _float_dtype(dtype)
    return _finish(rng(generator).standard_normal(_size(size)).astype(dt, copy=False), requires_grad)


def randint(low, high=None, size=(), generator: Generator | None = None, dtype=None, device=None,
            requires_grad: bool = False) -> Tensor:
    """Integers uniform on ``[low, high)`` (``randint(high, size)`` also works).

    Example:
        >>> import autograd as ag
        >>> ag.randint(0, 10, (3,)).dtype
        dtype('int64')
    """
    if high is None or (isinstance(high, (tuple, list))):
        if isinstance(high, (tuple, list)):
            size = high
        low, high = 0, low
    if high <= low:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= to={high}")
    dt = _dt.to_dtype(dtype) if dtype is not None else np.dtype(np.int64)
    return _finish(rng(generator).integers(low, high, size=_size((tuple(size),))).astype(dt), requires_grad)


def randperm(n: int, generator: Generator | None = None, dtype=None, device=None) -> Tensor:
    """A random permutation of ``0..n-1``.

    Example:
        >>> import autograd as ag
        >>> sorted(ag.randperm(4).tolist())
        [0, 1, 2, 3]
    """
    return _wrap(rng(generator).permutation(n).astype(_dt.to_dtype(dtype) if dtype else np.int64), None, False)


def rand_like(input: Tensor, dtype=None, generator: Generator | None = None) -> Tensor:
    """Uniform samples with ``input``'s shape.

    Example:
        >>> import autograd as ag
        >>> ag.rand_like(ag.zeros(2)).shape
        Size([2])
    """
    return rand(*input.shape, generator=generator, dtype=dtype or input.dtype)


def randn_like(input: Tensor, dtype=None, generator: Generator | None = None) -> Tensor:
    """Standard normal samples with ``input``'s shape.

    Example:
        >>> import autograd as ag
        >>> ag.randn_like(ag.zeros(2)).shape
        Size([2])
    """
    return randn(*input.shape, generator=generator, dtype=dtype or input.dtype)
