"""Tensor (op) Python number: ``x * 2``, ``x + 1``, ``1 - p``, ``x / 3`` as lean graph nodes.

Model code is full of arithmetic with a number on one side. These are the operators of
``Tensor`` for it: when the tensor is floating point and the number a Python ``float`` or
``int``, the node keeps only the number (as a 0-d array of the tensor's dtype, which NumPy
multiplies faster than a Python float), never the tensor, so an in-place change of the
tensor afterwards is no error, as in PyTorch, whose nodes for these keep only the scalar.
Any other operand goes to the general ops of ``arithmetic``.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> y = 1 - x * 3
    >>> y.grad_fn, y.grad_fn.next_functions[0][0]
    (<RsubBackward1>, <MulBackward0>)
    >>> y.sum().backward(); x.grad
    tensor([-3., -3.])
"""

from __future__ import annotations

import numpy as np

from .. import anomaly as _anomaly
from .. import scope as _scope
from ..function import Function
from ..grad_mode import state as _grad
from ..tensor import Tensor, _wrap
from . import arithmetic as A
from ._util import scalar_operand

_new = object.__new__
_scope_state = _scope.state
_anomaly_state = _anomaly.state


class _ScalarNode(Function):
    """A node with one edge, to the tensor; PyTorch lists a second, empty one for the number."""

    @property
    def next_functions(self) -> tuple:
        return super().next_functions + ((None, 0),)


class AddScalar(_ScalarNode):
    """``x + s`` and ``s + x``: the gradient passes through."""

    name = "add"
    backward_name = "AddBackward0"

    @staticmethod
    def backward(ctx, g):
        return (g,)

    @staticmethod
    def backward_arrays(ctx, g):
        return (g,)


class SubScalar(AddScalar):
    """``x - s``: the gradient passes through."""

    name = "sub"
    backward_name = "SubBackward0"


class RsubScalar(Function):
    """``s - x``: the gradient changes sign."""

    name = "sub"
    backward_name = "RsubBackward1"

    @staticmethod
    def backward(ctx, g):
        return -g

    @staticmethod
    def backward_arrays(ctx, g):
        return (np.negative(g),)


class MulScalar(_ScalarNode):
    """``x * s`` and ``s * x``: the gradient times ``s``."""

    name = "mul"
    backward_name = "MulBackward0"

    @staticmethod
    def backward(ctx, g):
        return (g * ctx.scalar,)

    @staticmethod
    def backward_arrays(ctx, g):
        return (g * ctx.scalar,)


class DivScalar(_ScalarNode):
    """``x / s``: the gradient divided by ``s``."""

    name = "div"
    backward_name = "DivBackward0"

    @staticmethod
    def backward(ctx, g):
        return (g / ctx.scalar,)

    @staticmethod
    def backward_arrays(ctx, g):
        return (g / ctx.scalar,)


def _operator(node: type, ufunc: np.ufunc, general, reflected: bool, spelling: str):
    """A ``Tensor`` operator: the ``node`` fast path for a float tensor and a number, else ``general``."""

    def operator(self: Tensor, other) -> Tensor:
        c = other.__class__
        if not ((c is float or c is int) and self.data.dtype.kind == "f"):
            return general(other, self) if reflected else general(self, other)
        d = self.data
        s = scalar_operand(other, d.dtype)
        out = ufunc(s, d) if reflected else ufunc(d, s)
        if out.__class__ is not np.ndarray:  # NumPy makes 0-d results scalars
            out = np.asarray(out)
        if not (self.requires_grad and _grad.enabled):
            return _wrap(out, None, False)
        # function.attach for this one case, inlined: these operators are the commonest ops of all
        ctx = _new(node)
        fn = self.grad_fn
        ctx.next_edges = ((self, -1, d.shape) if fn is None else (fn, self._oi, d.shape),)
        ctx.scalar = s
        if _scope_state.current:
            ctx.scope = _scope_state.current
        if _anomaly_state.enabled:
            ctx.trace = _anomaly.user_frame()
        ctx.out_dtypes = (out.dtype,)
        res = _new(Tensor)
        res.data = out
        res.requires_grad = True
        res.grad = res._hooks = None
        res.grad_fn = ctx
        res._version = res._oi = 0
        return res

    operator.__name__ = operator.__qualname__ = ufunc.__name__ if not reflected else "r" + ufunc.__name__
    operator.__doc__ = f"``{spelling}`` for a Tensor ``x``: a lean node when ``s`` is a number (see the module example)."
    return operator


add = _operator(AddScalar, np.add, A.Add.apply, False, "x + s")
radd = _operator(AddScalar, np.add, A.Add.apply, True, "s + x")
sub = _operator(SubScalar, np.subtract, A.Sub.apply, False, "x - s")
rsub = _operator(RsubScalar, np.subtract, A.Sub.apply, True, "s - x")
mul = _operator(MulScalar, np.multiply, A.Mul.apply, False, "x * s")
rmul = _operator(MulScalar, np.multiply, A.Mul.apply, True, "s * x")
div = _operator(DivScalar, np.true_divide, A.Div.apply, False, "x / s")
