"""Attach the ops to ``Tensor`` as methods and operators (``x.exp()``, ``x @ w``, ``x[i]``).

Kept in one place so ``tensor.py`` stays free of op imports.
"""

from __future__ import annotations

from . import dtypes as _dt
from . import ops
from .ops import arithmetic as A
from .ops import linalg as L
from .ops import scalar as S
from .tensor import Tensor


def _op(fn):
    """A plain function (bound classmethods do not bind again as methods)."""
    return lambda self, other: fn(self, other)


def _r(fn):
    return lambda self, other: fn(other, self)


_METHODS = {
    # arithmetic
    "add": ops.add, "sub": ops.sub, "mul": ops.mul, "div": ops.div, "pow": ops.pow, "neg": ops.neg,
    "matmul": ops.matmul, "maximum": ops.maximum, "minimum": ops.minimum, "square": ops.square,
    "__add__": S.add, "__radd__": S.radd, "__sub__": S.sub, "__rsub__": S.rsub,
    "__mul__": S.mul, "__rmul__": S.rmul, "__truediv__": S.div, "__rtruediv__": _r(A.Div.apply),
    "__pow__": _op(A.Pow.apply), "__rpow__": _r(A.Pow.apply),
    "__matmul__": _op(L.Matmul.apply), "__rmatmul__": _r(L.Matmul.apply),
    "__neg__": ops.neg, "__abs__": ops.abs, "__pos__": lambda self: self,
    "__floordiv__": ops.floor_divide, "__rfloordiv__": _r(ops.floor_divide), "floor_divide": ops.floor_divide,
    # unary math and activations
    "abs": ops.abs, "exp": ops.exp, "log": ops.log, "log1p": ops.log1p, "sqrt": ops.sqrt, "rsqrt": ops.rsqrt,
    "sin": ops.sin, "cos": ops.cos, "erf": ops.erf, "sign": ops.sign, "clamp": ops.clamp, "clip": ops.clamp,
    "relu": ops.relu, "leaky_relu": ops.leaky_relu, "elu": ops.elu, "gelu": ops.gelu, "silu": ops.silu,
    "softplus": ops.softplus, "sigmoid": ops.sigmoid, "tanh": ops.tanh,
    # reductions
    "sum": ops.sum, "mean": ops.mean, "var": ops.var, "std": ops.std, "max": ops.max, "min": ops.min,
    "prod": ops.prod, "logsumexp": ops.logsumexp, "norm": ops.norm, "argmax": ops.argmax, "argmin": ops.argmin,
    "softmax": ops.softmax, "log_softmax": ops.log_softmax, "gather": ops.gather,
    # shape
    "reshape": ops.reshape, "view": ops.view, "flatten": ops.flatten, "squeeze": ops.squeeze,
    "unsqueeze": ops.unsqueeze, "transpose": ops.transpose, "permute": ops.permute, "t": ops.t,
    "expand": ops.expand, "broadcast_to": ops.broadcast_to, "split": ops.split, "chunk": ops.chunk,
    "to": ops.to, "clone": ops.clone, "contiguous": ops.contiguous, "masked_fill": ops.masked_fill,
    "where": lambda self, condition, other: ops.where(condition, self, other),
    "view_as": lambda self, other: ops.reshape(self, other.shape),
    "reshape_as": lambda self, other: ops.reshape(self, other.shape),
    "expand_as": lambda self, other: ops.expand(self, other.shape),
    "type_as": lambda self, other: ops.to(self, other.dtype),
    "float": lambda self: ops.to(self, dtype=_dt.float32), "double": lambda self: ops.to(self, dtype=_dt.float64),
    "long": lambda self: ops.to(self, dtype=_dt.int64), "int": lambda self: ops.to(self, dtype=_dt.int32),
    "bool": lambda self: ops.to(self, dtype=_dt.bool_), "half": lambda self: ops.to(self, dtype=_dt.float16),
    "cpu": lambda self: self,
    # indexing
    "__getitem__": ops.getitem, "__setitem__": ops.setitem,
    # comparisons
    "__eq__": ops.eq, "__ne__": ops.ne, "__lt__": ops.lt, "__le__": ops.le, "__gt__": ops.gt, "__ge__": ops.ge,
    "eq": ops.eq, "ne": ops.ne, "lt": ops.lt, "le": ops.le, "gt": ops.gt, "ge": ops.ge,
    "isnan": ops.isnan, "isfinite": ops.isfinite, "logical_not": ops.logical_not,
    "__invert__": ops.logical_not, "__and__": ops.logical_and, "__or__": ops.logical_or,
    "all": ops.all, "any": ops.any, "allclose": ops.allclose, "equal": ops.equal,
    # in place
    "add_": ops.add_, "sub_": ops.sub_, "mul_": ops.mul_, "div_": ops.div_, "zero_": ops.zero_,
    "fill_": ops.fill_, "copy_": ops.copy_, "clamp_": ops.clamp_,
    "__iadd__": ops.add_, "__isub__": ops.sub_, "__imul__": ops.mul_, "__itruediv__": ops.div_,
}

_PROPERTIES = {
    "T": lambda self: ops.permute(self, tuple(reversed(range(self.ndim)))) if self.ndim > 1 else self,
    "mT": lambda self: ops.transpose(self, -2, -1),
}


def install() -> None:
    """Attach every method and property to ``Tensor`` (idempotent)."""
    for name, fn in _METHODS.items():
        setattr(Tensor, name, fn)
    for name, fn in _PROPERTIES.items():
        setattr(Tensor, name, property(fn))
    Tensor.__hash__ = object.__hash__  # defining __eq__ would otherwise drop hashing


METHOD_NAMES = frozenset(_METHODS) | frozenset(_PROPERTIES)
