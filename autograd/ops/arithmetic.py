"""Binary arithmetic with broadcasting: ``+ - * / **``, maximum, minimum, where.

Each op's forward (on arrays) and backward (with autograd ops) sit side by side;
the engine sums broadcast gradients back to each input's shape.

Example:
    >>> import autograd as ag
    >>> a = ag.tensor([[1.0], [2.0]], requires_grad=True)
    >>> (a * ag.tensor([1.0, 2.0, 3.0])).sum().backward(); a.grad
    tensor([[6.],
            [6.]])
"""

from __future__ import annotations

import numpy as np

from .. import dtypes as _dt
from ..function import Function
from ..tensor import Tensor, to_array
from ._util import broadcast_error, const, promote, scalar_operand
from .unary import NoDerivative, ZeroGrad


def _val(x, g: np.ndarray):
    """The array (or number) of a saved operand, as a factor for gradient ``g`` in array-level backward."""
    if isinstance(x, Tensor):
        d = x.data
        return d if d.dtype.kind == "f" else d.astype(g.dtype)
    if x.__class__ is float and g.dtype.kind == "f":
        return scalar_operand(x, g.dtype)
    return x


def _binary(ufunc, a, b, op: str):
    # fast path: a float tensor with a float tensor of its kind or a Python number
    if a.__class__ is Tensor:
        x = a.data
        if b.__class__ is Tensor:
            y = b.data
            if x.dtype.kind == y.dtype.kind and (x.dtype == y.dtype or (x.ndim == 0) == (y.ndim == 0)):
                try:
                    return ufunc(x, y)
                except ValueError:
                    raise broadcast_error(op, x, y) from None
        elif b.__class__ is float and x.dtype.kind == "f":
            return ufunc(x, scalar_operand(b, x.dtype))
    elif a.__class__ is float and b.__class__ is Tensor and b.data.dtype.kind == "f":  # 1 - p, 2 * x
        y = b.data
        return ufunc(scalar_operand(a, y.dtype), y)
    x, y = promote(a, b)
    try:
        return ufunc(x, y)
    except ValueError:
        raise broadcast_error(op, x, y) from None


class Add(Function):
    @staticmethod
    def forward(ctx, a, b):
        return _binary(np.add, a, b, "add")

    @staticmethod
    def backward(ctx, g):
        return g, g

    @staticmethod
    def backward_arrays(ctx, g):
        return g, g


class Sub(Function):
    @staticmethod
    def forward(ctx, a, b):
        return _binary(np.subtract, a, b, "sub")

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.next_edges[1] is not None else None)

    @staticmethod
    def backward_arrays(ctx, g):
        return g, (np.negative(g) if ctx.next_edges[1] is not None else None)


class Mul(Function):
    @staticmethod
    def forward(ctx, a, b):
        if ctx.recording:  # as PyTorch, keep each factor only when the other one needs its gradient
            ea, eb = ctx.next_edges
            ctx.save_for_backward(b if ea is not None else None, a if eb is not None else None)
        return _binary(np.multiply, a, b, "mul")

    @staticmethod
    def backward(ctx, g):
        b, a = ctx.saved_tensors
        ea, eb = ctx.next_edges
        return (g * b if ea is not None else None), (g * a if eb is not None else None)

    @staticmethod
    def backward_arrays(ctx, g):
        b, a = ctx.saved_tensors
        ea, eb = ctx.next_edges
        return (g * _val(b, g) if ea is not None else None), (g * _val(a, g) if eb is not None else None)


class Div(Function):
    @staticmethod
    def forward(ctx, a, b):
        if ctx.recording:  # the dividend is needed only for the divisor's gradient
            ctx.save_for_backward(a if ctx.next_edges[1] is not None else None, b)
        x, y = promote(a, b)
        if np.result_type(x, y).kind != "f":  # true division, as PyTorch: ints give the default float dtype
            dt = _dt.get_default_dtype()
            x = np.asarray(x, dtype=dt)
            if isinstance(y, np.ndarray):
                y = y.astype(dt)
        try:
            return np.true_divide(x, y)
        except ValueError:
            raise broadcast_error("div", x, y) from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ea, eb = ctx.next_edges
        ga = g / b if ea is not None else None
        gb = -(g * a) / (b * b) if eb is not None else None
        return ga, gb

    @staticmethod
    def backward_arrays(ctx, g):
        a, b = ctx.saved_tensors
        ea, eb = ctx.next_edges
        bv = _val(b, g)
        ga = g / bv if ea is not None else None
        gb = -(g * _val(a, g)) / (bv * bv) if eb is not None else None
        return ga, gb


class Pow(Function):
    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        x, y = promote(a, b)
        if np.asarray(x).dtype.kind in "iub" and np.asarray(y).dtype.kind in "iub" and (np.asarray(y) < 0).any():
            raise RuntimeError("pow: Integers to negative integer powers are not allowed.")
        try:
            return np.power(x, y)
        except ValueError:
            raise broadcast_error("pow", x, y) from None

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        ea, eb = ctx.next_edges
        ga = gb = None
        if ea is not None:
            if isinstance(b, Tensor):
                # as PyTorch: zero where the exponent is 0 (0 * 0 ** -1 would give nan)
                ga = (g * b * a ** (b - 1)).masked_fill(const(np.asarray(b.data == 0)), 0.0)
            else:
                ga = g * (b * a ** (b - 1)) if b != 0 else g * 0.0
        if eb is not None:
            base = a if isinstance(a, Tensor) else const(np.asarray(a, dtype=b.data.dtype))
            out = base**b
            gb = g * out * base.log()
            # as PyTorch: 0 ** b has derivative 0 in b where b >= 0 (log(0) would give nan there)
            gb = gb.masked_fill(const(np.asarray((base.data == 0) & (b.data >= 0))), 0.0)
        return ga, gb


class Maximum(Function):
    name = "maximum"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _binary(np.maximum, a, b, "maximum")

    @staticmethod
    def backward(ctx, g):
        return _select_grads(ctx, g, np.greater)


class Minimum(Function):
    name = "minimum"

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a, b)
        return _binary(np.minimum, a, b, "minimum")

    @staticmethod
    def backward(ctx, g):
        return _select_grads(ctx, g, np.less)


def _select_grads(ctx, g, wins):
    """Gradients of maximum/minimum as PyTorch: to the winner, halved on ties; where a NaN makes
    every comparison false, both inputs get the whole gradient."""
    a, b = ctx.saved_tensors
    x, y = promote(a, b)
    dt = g.data.dtype
    share = np.where(np.equal(x, y), 0.5, 1.0).astype(dt)
    ea, eb = ctx.next_edges
    ga = g * const(np.where(wins(y, x), 0, share).astype(dt)) if ea is not None else None
    gb = g * const(np.where(wins(x, y), 0, share).astype(dt)) if eb is not None else None
    return ga, gb


class Where(Function):
    name = "where"

    @staticmethod
    def forward(ctx, cond, a, b):
        c = cond.data if isinstance(cond, Tensor) else np.asarray(cond)
        if c.dtype != np.bool_:
            c = c.astype(bool)
        ctx.cond = c
        if not isinstance(a, (Tensor, np.ndarray)) and not isinstance(b, (Tensor, np.ndarray)):
            a = to_array(a)  # two Python numbers: the first one sets the dtype, as a tensor would
        x, y = promote(a, b)
        try:
            return np.where(c, x, y)
        except ValueError:
            raise RuntimeError(
                f"where: condition {c.shape}, input {np.shape(x)} and other {np.shape(y)} do not broadcast"
            ) from None

    @staticmethod
    def backward(ctx, g):
        _, ea, eb = ctx.next_edges
        c = const(ctx.cond)
        zero = const(np.zeros((), dtype=g.data.dtype))
        ga = where(c, g, zero) if ea is not None else None
        gb = where(c, zero, g) if eb is not None else None
        return None, ga, gb


def add(input, other, alpha=1) -> Tensor:
    """``input + alpha * other`` with broadcasting.

    Example:
        >>> import autograd as ag
        >>> ag.add(ag.ones(2), ag.ones(2), alpha=2)
        tensor([3., 3.])
    """
    if alpha != 1:
        other = Mul.apply(other, alpha)
    return Add.apply(input, other)


def sub(input, other, alpha=1) -> Tensor:
    """``input - alpha * other`` with broadcasting.

    Example:
        >>> import autograd as ag
        >>> ag.sub(ag.ones(2), ag.ones(2))
        tensor([0., 0.])
    """
    if alpha != 1:
        other = Mul.apply(other, alpha)
    return Sub.apply(input, other)


def mul(input, other) -> Tensor:
    """Elementwise product with broadcasting.

    Example:
        >>> import autograd as ag
        >>> ag.mul(ag.tensor([1.0, 2.0]), 3)
        tensor([3., 6.])
    """
    return Mul.apply(input, other)


def div(input, other, rounding_mode=None) -> Tensor:
    """True division (``rounding_mode=None``), or ``'floor'``/``'trunc'`` (no gradient).

    Example:
        >>> import autograd as ag
        >>> ag.div(ag.tensor([3, 4]), 2)
        tensor([1.5000, 2.0000])
    """
    if rounding_mode is None:
        return Div.apply(input, other)
    x, y = promote(input, other)
    try:
        np.broadcast_shapes(np.shape(x), np.shape(y))
    except ValueError:
        raise broadcast_error("div", x, y) from None
    if rounding_mode == "floor":
        return ZeroGrad.apply("div", np.asarray(np.floor_divide(x, y)), input, other)
    if rounding_mode == "trunc":
        q = np.true_divide(x, y)
        return ZeroGrad.apply("div", np.asarray(np.trunc(q).astype(np.result_type(x, y))), input, other)
    raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got {rounding_mode!r}")


def floor_divide(input, other) -> Tensor:
    """``input // other``, rounded toward minus infinity; as in PyTorch, it has no derivative: a
    backward pass through it raises.

    Example:
        >>> import autograd as ag
        >>> ag.floor_divide(ag.tensor([7.0, -7.0]), 2)
        tensor([ 3., -4.])
    """
    x, y = promote(input, other)
    try:
        out = np.floor_divide(x, y)
    except ValueError:
        raise broadcast_error("floor_divide", x, y) from None
    return NoDerivative.apply("floor_divide", np.asarray(out), input, other)


def pow(input, exponent) -> Tensor:  # noqa: A001
    """``input ** exponent``; either may be a Python number.

    Example:
        >>> import autograd as ag
        >>> ag.pow(ag.tensor([2.0, 3.0]), 2)
        tensor([4., 9.])
    """
    return Pow.apply(input, exponent)


def maximum(input, other) -> Tensor:
    """Elementwise maximum; on ties the gradient is split evenly.

    Example:
        >>> import autograd as ag
        >>> ag.maximum(ag.tensor([1.0, 5.0]), ag.tensor([3.0, 2.0]))
        tensor([3., 5.])
    """
    return Maximum.apply(input, other)


def minimum(input, other) -> Tensor:
    """Elementwise minimum; on ties the gradient is split evenly.

    Example:
        >>> import autograd as ag
        >>> ag.minimum(ag.tensor([1.0, 5.0]), ag.tensor([3.0, 2.0]))
        tensor([1., 2.])
    """
    return Minimum.apply(input, other)


def where(condition, input=None, other=None) -> Tensor:
    """``input`` where ``condition`` holds, else ``other`` (broadcasting all three).

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor([-1.0, 2.0])
        >>> ag.where(x > 0, x, 0.0)
        tensor([0., 2.])
    """
    if input is None and other is None:
        c = condition.data if isinstance(condition, Tensor) else np.asarray(condition)
        return tuple(const(i) for i in np.nonzero(c))
    return Where.apply(condition, input, other)
