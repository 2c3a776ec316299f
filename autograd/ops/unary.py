"""Elementwise unary math: neg abs exp log log1p sqrt rsqrt sin cos erf clamp, and sign (no gradient).

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([1.0, 4.0], requires_grad=True)
    >>> x.sqrt().sum().backward(); x.grad
    tensor([0.5000, 0.2500])
"""

from __future__ import annotations

import math

import numpy as np

from .. import dtypes as _dt
from ..function import Function
from ..tensor import Tensor
from ._util import const, default_float, result_dtype


class Neg(Function):
    @staticmethod
    def forward(ctx, x):
        if x.data.dtype == np.bool_:
            raise TypeError("neg: negation, the `-` operator, on a bool tensor is not supported; use logical_not")
        return np.negative(x.data)

    @staticmethod
    def backward(ctx, g):
        return -g

    @staticmethod
    def backward_arrays(ctx, g):
        return np.negative(g)


class Abs(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.abs(x.data)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * const(np.sign(x.data))


class Exp(Function):
    save_output = True

    @staticmethod
    def forward(ctx, x):
        return np.exp(default_float(x.data))

    @staticmethod
    def backward(ctx, g):
        return g * ctx.output

    @staticmethod
    def backward_arrays(ctx, g):
        return g * ctx.output.data


class Log(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log(default_float(x.data))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / x

    @staticmethod
    def backward_arrays(ctx, g):
        (x,) = ctx.saved_tensors
        return g / x.data


class Log1p(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.log1p(default_float(x.data))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g / (x + 1)


class Sqrt(Function):
    save_output = True

    @staticmethod
    def forward(ctx, x):
        return np.sqrt(default_float(x.data))

    @staticmethod
    def backward(ctx, g):
        return g / (ctx.output * 2)


class Rsqrt(Function):
    save_output = True

    @staticmethod
    def forward(ctx, x):
        d = default_float(x.data)
        return 1 / np.sqrt(d)

    @staticmethod
    def backward(ctx, g):
        y = ctx.output
        return g * (y * y * y) * -0.5


class Sin(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.sin(default_float(x.data))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * x.cos()


class Cos(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return np.cos(default_float(x.data))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return -(g * x.sin())


class Erf(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        d = default_float(x.data)
        from ..kernels.special import erf

        return erf(d).astype(d.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x * x * -1.0).exp() * (2.0 / math.sqrt(math.pi))


class Clamp(Function):
    """Clamp to Python-number bounds; the gradient passes where ``min <= x <= max`` (boundaries included)."""

    @staticmethod
    def forward(ctx, x, lo, hi):
        d = x.data
        if d.dtype.kind in "iub" and (isinstance(lo, float) or isinstance(hi, float)):
            d = d.astype(_dt.get_default_dtype())  # as PyTorch: an integer tensor with float bounds gives floats
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        if lo is not None and hi is not None and lo > hi:
            return np.full_like(d, hi)  # PyTorch: min > max gives max everywhere
        return np.clip(d, lo, hi).astype(d.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        d, lo, hi = x.data, ctx.lo, ctx.hi
        inside = np.ones(d.shape, dtype=bool)
        if lo is not None:
            inside &= d >= lo
        if hi is not None:
            inside &= d <= hi
        return g * const(inside.astype(g.data.dtype)), None, None


class ClampTensor(Function):
    """Clamp to tensor bounds (broadcasting): ``minimum(maximum(x, min), max)``, with PyTorch's gradients:
    to ``x`` where ``min <= x <= max``, to ``min`` where ``x < min < max``, to ``max`` where
    ``x > max`` or ``max < min``."""

    name = "clamp"

    @staticmethod
    def forward(ctx, x, lo, hi):
        ctx.save_for_backward(x, lo, hi)
        arrays = [t.data for t in (x, lo, hi) if t is not None]
        dt = result_dtype(*arrays)
        d = x.data.astype(dt, copy=False)
        try:
            if lo is not None:
                d = np.maximum(d, lo.data.astype(dt, copy=False))
            if hi is not None:
                d = np.minimum(d, hi.data.astype(dt, copy=False))
        except ValueError:
            shapes = " and ".join(str(tuple(a.shape)) for a in arrays)
            raise RuntimeError(f"clamp: shapes {shapes} do not broadcast") from None
        return d

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.saved_tensors
        d = x.data
        lo_d = None if lo is None else lo.data
        hi_d = None if hi is None else hi.data
        dt = g.data.dtype
        ex, elo, ehi = ctx.next_edges
        gx = glo = ghi = None
        if ex is not None:
            m = np.ones((), bool)
            if lo_d is not None:
                m = m & (d >= lo_d)
            if hi_d is not None:
                m = m & (d <= hi_d)
            gx = g * const(m.astype(dt))
        if elo is not None:
            m = d < lo_d if hi_d is None else (d < lo_d) & (lo_d < hi_d)
            glo = g * const(m.astype(dt))
        if ehi is not None:
            m = d > hi_d if lo_d is None else (d > hi_d) | (hi_d < lo_d)
            ghi = g * const(m.astype(dt))
        return gx, glo, ghi


class ZeroGrad(Function):
    """An op whose derivative is zero almost everywhere (sign, rounding division): recorded as
    PyTorch does, so its output requires grad, with zero gradients for its inputs."""

    @staticmethod
    def forward(ctx, name, out, *inputs):
        ctx.op = name
        return out

    @staticmethod
    def backward(ctx, g):
        zero = const(np.zeros(g.shape, g.data.dtype))
        return (None, None) + tuple(None if e is None else zero for e in ctx.next_edges[2:])

    def op_name(self) -> str:
        return self.op


class NoDerivative(ZeroGrad):
    """An op PyTorch records but cannot differentiate (``//``): backward raises, naming it."""

    backward_name = "NotImplemented"

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(f"derivative for aten::{ctx.op} is not implemented")


def _unary(cls, doc_example: str):
    def op(input: Tensor) -> Tensor:
        return cls.apply(input)

    op.__name__ = cls.__name__.lower()
    op.__doc__ = f"Elementwise ``{op.__name__}`` (differentiable).\n\n    Example:\n{doc_example}"
    return op


neg = _unary(Neg, "        >>> import autograd as ag\n        >>> ag.neg(ag.tensor([1.0]))\n        tensor([-1.])\n")
abs = _unary(Abs, "        >>> import autograd as ag\n        >>> ag.abs(ag.tensor([-2.0]))\n        tensor([2.])\n")  # noqa: A001
exp = _unary(Exp, "        >>> import autograd as ag\n        >>> ag.exp(ag.tensor([0.0]))\n        tensor([1.])\n")
log = _unary(Log, "        >>> import autograd as ag\n        >>> ag.log(ag.tensor([1.0]))\n        tensor([0.])\n")
log1p = _unary(Log1p, "        >>> import autograd as ag\n        >>> ag.log1p(ag.tensor([0.0]))\n        tensor([0.])\n")
sqrt = _unary(Sqrt, "        >>> import autograd as ag\n        >>> ag.sqrt(ag.tensor([4.0]))\n        tensor([2.])\n")
rsqrt = _unary(Rsqrt, "        >>> import autograd as ag\n        >>> ag.rsqrt(ag.tensor([4.0]))\n        tensor([0.5000])\n")
sin = _unary(Sin, "        >>> import autograd as ag\n        >>> ag.sin(ag.tensor([0.0]))\n        tensor([0.])\n")
cos = _unary(Cos, "        >>> import autograd as ag\n        >>> ag.cos(ag.tensor([0.0]))\n        tensor([1.])\n")
erf = _unary(Erf, "        >>> import autograd as ag\n        >>> ag.erf(ag.tensor([0.0]))\n        tensor([0.])\n")


def clamp(input: Tensor, min=None, max=None) -> Tensor:  # noqa: A002
    """Limit values to ``[min, max]``; the gradient passes where the input is inside.

    Example:
        >>> import autograd as ag
        >>> ag.clamp(ag.tensor([-2.0, 0.5, 3.0]), min=0.0, max=1.0)
        tensor([0.0000, 0.5000, 1.0000])
    """
    if min is None and max is None:
        raise RuntimeError("clamp: at least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        lo = min if min is None or isinstance(min, Tensor) else const(np.asarray(min, dtype=input.data.dtype))
        hi = max if max is None or isinstance(max, Tensor) else const(np.asarray(max, dtype=input.data.dtype))
        return ClampTensor.apply(input, lo, hi)
    return Clamp.apply(input, min, max)


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by sign (its gradient is zero, as in PyTorch).

    Example:
        >>> import autograd as ag
        >>> ag.sign(ag.tensor([-3.0, 0.0, 2.0]))
        tensor([-1.,  0.,  1.])
    """
    return ZeroGrad.apply("sign", np.sign(input.data), input)
