"""Differentiable ops, one module per family; each op's forward and backward side by side."""

from .activation import elu, gelu, leaky_relu, relu, sigmoid, silu, softplus, tanh
from .arithmetic import add, div, floor_divide, maximum, minimum, mul, pow, sub, where
from .compare import all, allclose, any, eq, equal, ge, gt, isfinite, isnan, le, logical_and, logical_not, logical_or, lt, ne
from .index import getitem, masked_fill
from .inplace import add_, clamp_, copy_, div_, fill_, mul_, setitem, sub_, zero_
from .linalg import linear, linear_relu, matmul
from .reduce import Gather as _Gather
from .reduce import (
    argmax,
    argmin,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    norm,
    prod,
    softmax,
    std,
    sum,
    var,
)
from .shape import (
    broadcast_to,
    cat,
    chunk,
    clone,
    concat,
    concatenate,
    contiguous,
    expand,
    flatten,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    t,
    to,
    transpose,
    unsqueeze,
    view,
)
from .unary import abs, clamp, cos, erf, exp, log, log1p, neg, rsqrt, sign, sin, sqrt


def gather(input, dim: int, index):
    """Values of ``input`` along ``dim`` at ``index`` (``out[i][j] = input[i][index[i][j]]`` for dim 1).

    Example:
        >>> import autograd as ag
        >>> ag.gather(ag.tensor([[1.0, 2.0], [3.0, 4.0]]), 1, ag.tensor([[1], [0]]))
        tensor([[2.],
                [3.]])
    """
    from ._util import norm_dim

    return _Gather.apply(input, norm_dim(dim, input.ndim, "gather"), index)


def square(input):
    """``input * input``.

    Example:
        >>> import autograd as ag
        >>> ag.square(ag.tensor([3.0]))
        tensor([9.])
    """
    return mul(input, input)


clip = clamp
mm = bmm = matmul

__all__ = [n for n in dir() if not n.startswith("_")]
