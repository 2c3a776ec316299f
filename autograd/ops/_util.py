"""Shared helpers for op modules: operand conversion with PyTorch's type promotion, dim handling."""

from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..tensor import Tensor, _wrap

_SCALARS = (int, float, bool, np.generic)


_SCALAR_ARRAYS: dict = {}  # dtype -> {Python float: read-only 0-d array of that dtype}
_SCALAR_CACHE_SIZE = 1024  # per dtype; a full cache is emptied (a loop over ever-new numbers churns, never grows)


def scalar_operand(value: float, dtype: np.dtype):
    """``value`` as a cached, read-only 0-d array of the float ``dtype``, for a ufunc with an array of that dtype.

    NumPy computes ``array (op) 0-d array`` about 0.3 us faster than ``array (op) float`` on small
    arrays, with the same result: under NumPy 2's promotion (NEP 50) a Python float meeting a
    float array is cast to the array's dtype either way. Zeros (whose sign a dict key would lose),
    NaN and values past the dtype's range stay Python floats.

    Example:
        >>> import numpy as np
        >>> scalar_operand(0.5, np.dtype(np.float32))
        array(0.5, dtype=float32)
    """
    cache = _SCALAR_ARRAYS.get(dtype)
    if cache is None:
        cache = _SCALAR_ARRAYS[dtype] = {}
    arr = cache.get(value)
    if arr is not None:
        return arr
    if value == 0.0 or value != value or abs(value) > float(np.finfo(dtype).max):
        return value
    if len(cache) >= _SCALAR_CACHE_SIZE:
        cache.clear()
    arr = np.array(value, dtype=dtype)
    arr.flags.writeable = False
    cache[value] = arr
    return arr


def data_of(x):
    """The array of a Tensor, or ``x`` itself."""
    return x.data if isinstance(x, Tensor) else x


def as_tensor_arg(x, like: np.ndarray | None = None) -> Tensor:
    """A Tensor for ``x`` (scalars and arrays become constant tensors)."""
    if isinstance(x, Tensor):
        return x
    if like is not None and isinstance(x, _SCALARS):
        return _wrap(np.asarray(x, dtype=like.dtype if isinstance(x, float) and like.dtype.kind == "f" else None), None, False)
    return _wrap(np.asarray(x), None, False)


def promote(a, b):
    """Arrays (or Python scalars) for a binary op, promoted as PyTorch does.

    Python floats meet integer tensors as the default float dtype; an integer tensor
    meeting a float tensor takes the float tensor's dtype; Python scalars never widen
    a float tensor (float32 * 2.5 stays float32), nor do 0-d tensors of the same
    category (float32 * tensor(2.5, dtype=float64) stays float32).
    """
    ad = a.data if isinstance(a, Tensor) else a
    bd = b.data if isinstance(b, Tensor) else b
    # fast paths: same-kind arrays, a float array with a Python number
    if ad.__class__ is np.ndarray:
        kind = ad.dtype.kind
        if bd.__class__ is np.ndarray:
            if bd.dtype.kind == kind and (ad.dtype == bd.dtype or (ad.ndim == 0) == (bd.ndim == 0)):
                return ad, bd
        elif (bd.__class__ is float and kind == "f") or bd.__class__ is int:
            return ad, bd
    elif bd.__class__ is np.ndarray and ((ad.__class__ is float and bd.dtype.kind == "f") or ad.__class__ is int):
        return ad, bd
    a_arr = isinstance(ad, np.ndarray)
    b_arr = isinstance(bd, np.ndarray)
    if a_arr and b_arr:
        dt = result_dtype(ad, bd)
        return (ad if ad.dtype == dt else ad.astype(dt)), (bd if bd.dtype == dt else bd.astype(dt))
    if a_arr:
        ad, bd = _with_scalar(ad, bd)
        return ad, bd
    if b_arr:
        bd, ad = _with_scalar(bd, ad)
        return ad, bd
    raise TypeError(f"expected a Tensor operand, got {type(a).__name__} and {type(b).__name__}")


_CATEGORY = {"b": 0, "u": 1, "i": 1, "f": 2, "c": 3}


def result_dtype(*arrays: np.ndarray) -> np.dtype:
    """PyTorch's result dtype for tensors: the highest category (bool < int < float) wins, and within it
    the widest dtype; 0-d tensors decide the dtype only when their category is higher than every
    dimensioned operand's (float32 * tensor(2.0, dtype=float64) stays float32)."""
    dims = [a for a in arrays if a.ndim]
    zeros = [a for a in arrays if not a.ndim]
    if not dims or not zeros:
        return _top(arrays)[1]
    cd, dd = _top(dims)
    cz, dz = _top(zeros)
    return dz if cz > cd else dd


def _top(group) -> tuple:
    c = max(_CATEGORY[a.dtype.kind] for a in group)
    dt = None
    for a in group:
        if _CATEGORY[a.dtype.kind] == c:
            dt = a.dtype if dt is None else np.promote_types(dt, a.dtype)
    return c, dt


def _with_scalar(arr: np.ndarray, s):
    if isinstance(s, np.generic):
        s = s.item()
    if not isinstance(s, (int, float, bool)):
        raise TypeError(f"unsupported operand type {type(s).__name__} for a Tensor op")
    if isinstance(s, float) and arr.dtype.kind in "iub":
        arr = arr.astype(_dt.get_default_dtype())
    return arr, s


def broadcast_error(op: str, a, b) -> RuntimeError:
    """The error for operands whose shapes do not broadcast."""
    sa, sb = np.shape(a), np.shape(b)
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + tuple(sa), (1,) * (n - len(sb)) + tuple(sb)
    for i in range(n - 1, -1, -1):
        if pa[i] != pb[i] and pa[i] != 1 and pb[i] != 1:
            return RuntimeError(
                f"{op}: shapes {tuple(sa)} and {tuple(sb)} do not broadcast: the size of tensor a ({pa[i]}) "
                f"must match the size of tensor b ({pb[i]}) at non-singleton dimension {i}"
            )
    return RuntimeError(f"{op}: shapes {tuple(sa)} and {tuple(sb)} do not broadcast")


def norm_dim(dim: int, ndim: int, op: str) -> int:
    """A dim in ``[-ndim, ndim)`` as a non-negative index, or an IndexError naming the op."""
    n = max(ndim, 1)
    if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
        raise TypeError(f"{op}: dim must be an int, got {type(dim).__name__}")
    if not -n <= dim < n:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return int(dim) % n


def norm_dims(dim, ndim: int, op: str):
    """``None`` (all dims) or a sorted tuple of non-negative dims."""
    if dim is None:
        return None
    if ndim == 0:  # a 0-d tensor reduces over dim 0 or -1 (or ()) like over all its dims, as PyTorch
        for d in dim if isinstance(dim, (list, tuple)) else (dim,):
            norm_dim(d, ndim, op)
        return None
    if isinstance(dim, (list, tuple)):
        dims = tuple(sorted({norm_dim(d, ndim, op) for d in dim}))
        if len(dims) != len(dim):
            raise RuntimeError(f"{op}: dim {tuple(dim)} appears multiple times in the list of dims")
        return dims if dims or ndim == 0 else None
    return (norm_dim(dim, ndim, op),)


def keepdim_shape(shape: tuple, dims) -> tuple:
    """``shape`` with the reduced ``dims`` set to 1."""
    if dims is None:
        return (1,) * len(shape)
    return tuple(1 if i in dims else n for i, n in enumerate(shape))


def default_float(arr: np.ndarray) -> np.ndarray:
    """``arr`` as a float array (the default float dtype for integer and bool arrays)."""
    return arr if arr.dtype.kind == "f" else arr.astype(_dt.get_default_dtype())


def const(arr) -> Tensor:
    """A constant (no-grad) tensor around an array."""
    return _wrap(np.asarray(arr), None, False)
