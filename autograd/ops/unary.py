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
from scipy.special import erf as _erf

from ..function import Function
from ..tensor import Tensor
from ._util import const, default_float


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
        return _erf(d).astype(d.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * (x * x * -1.0).exp() * (2.0 / math.sqrt(math.pi))


class Clamp(Function):
    @staticmethod
    def forward(ctx, x, lo, hi):
        d = x.data
        ctx.save_for_backward(x)
        ctx.lo, ctx.hi = lo, hi
        if lo is not None and hi is not None and lo > hi:
            return np.full_like(d, hi)  # PyTorch: min > max gives max everywhere
        return np.clip(d, lo, hi)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        d, lo, hi = x.data, ctx.lo, ctx.hi
        inside = np.ones(d.shape, dtype=bool)
        if lo is not None:
            inside &= d >= lo
        if hi is not None:
            inside &= d <= hi
        if lo is not None and hi is not None and lo > hi:
            inside[:] = False
        return g * const(inside.astype(g.data.dtype)), None, None


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
        from .arithmetic import maximum, minimum

        out = input
        if min is not None:
            out = maximum(out, min)
        if max is not None:
            out = minimum(out, max)
        return out
    return Clamp.apply(input, min, max)


def sign(input: Tensor) -> Tensor:
    """-1, 0 or 1 by sign (no gradient: its derivative is zero almost everywhere).

    Example:
        >>> import autograd as ag
        >>> ag.sign(ag.tensor([-3.0, 0.0, 2.0]))
        tensor([-1.,  0.,  1.])
    """
    return const(np.sign(input.data))
