"""Activation functions of ``nn.functional`` with PyTorch's signatures.

Thin wrappers over the autograd ops (Numba kernels, fused backward that is itself
differentiable). ``inplace=True`` is honoured as PyTorch does: the input tensor takes the
result (its version counter goes up, so a backward that saved the old value raises).

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> F.relu(ag.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    >>> F.softmax(ag.tensor([[0.0, 0.0]]), dim=1)
    tensor([[0.5000, 0.5000]])
"""

from __future__ import annotations

import warnings

import numpy as np

from autograd.function import Function
from autograd.grad_mode import state as _grad
from autograd.ops import activation as _A
from autograd.ops import reduce as _R
from autograd.ops import unary as _U
from autograd.ops._util import default_float
from autograd.ops.inplace import _alias, _check_leaf, _rebind
from autograd.tensor import Tensor

__all__ = [
    "relu", "relu_", "relu6", "hardtanh", "hardtanh_", "leaky_relu", "leaky_relu_", "elu", "elu_", "gelu", "silu",
    "sigmoid", "tanh", "softplus", "logsigmoid", "softmax", "log_softmax",
]


def _check(op: str, input) -> None:
    if not isinstance(input, Tensor):
        raise TypeError(f"{op}(): argument 'input' (position 1) must be Tensor, not {type(input).__name__}")


def _inplace(op: str, input: Tensor, fn) -> Tensor:
    """Apply ``fn`` and make ``input`` hold the result (PyTorch's ``inplace=True``)."""
    if _grad.enabled and input.requires_grad:
        _check_leaf(input, op)
        return _rebind(input, fn(_alias(input)), op)
    out = fn(input)
    if input.data.flags.writeable and input.data.dtype == out.data.dtype:
        np.copyto(input.data, out.data)
    else:
        input.data = out.data.astype(input.data.dtype, copy=False)
    input._version += 1
    return input


def relu(input: Tensor, inplace: bool = False) -> Tensor:
    """``max(x, 0)`` elementwise.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.relu(ag.tensor([-1.0, 0.5]))
        tensor([0.0000, 0.5000])
    """
    if inplace:
        _check("relu", input)
        return _inplace("relu_", input, _A.Relu.apply)
    return _A.Relu.apply(input)


def relu_(input: Tensor) -> Tensor:
    """In-place ``relu``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> x = ag.tensor([-1.0, 2.0]); _ = F.relu_(x); x
        tensor([0., 2.])
    """
    return relu(input, inplace=True)


def hardtanh(input: Tensor, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False) -> Tensor:
    """``clamp(x, min_val, max_val)``; the gradient passes inside the interval.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.hardtanh(ag.tensor([-3.0, 0.5, 3.0]))
        tensor([-1.0000,  0.5000,  1.0000])
    """
    _check("hardtanh", input)
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val ({min_val}) cannot be greater than max_val ({max_val})")
    fn = lambda x: _U.Clamp.apply(x, float(min_val), float(max_val))
    return _inplace("hardtanh_", input, fn) if inplace else fn(input)


def hardtanh_(input: Tensor, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """In-place ``hardtanh``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.hardtanh_(ag.tensor([2.0]))
        tensor([1.])
    """
    return hardtanh(input, min_val, max_val, inplace=True)


def relu6(input: Tensor, inplace: bool = False) -> Tensor:
    """``min(max(x, 0), 6)``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.relu6(ag.tensor([-1.0, 3.0, 9.0]))
        tensor([0., 3., 6.])
    """
    return hardtanh(input, 0.0, 6.0, inplace)


def leaky_relu(input: Tensor, negative_slope: float = 0.01, inplace: bool = False) -> Tensor:
    """``x`` where ``x > 0``, else ``negative_slope * x``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.leaky_relu(ag.tensor([-1.0, 2.0]), 0.1)
        tensor([-0.1000,  2.0000])
    """
    params = (float(negative_slope),)
    if inplace:
        _check("leaky_relu", input)
        return _inplace("leaky_relu_", input, lambda x: _A.LeakyRelu.apply(x, params))
    return _A.LeakyRelu.apply(input, params)


def leaky_relu_(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """In-place ``leaky_relu``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.leaky_relu_(ag.tensor([-1.0]), 0.5)
        tensor([-0.5000])
    """
    return leaky_relu(input, negative_slope, inplace=True)


def elu(input: Tensor, alpha: float = 1.0, inplace: bool = False) -> Tensor:
    """``x`` where ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.elu(ag.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """
    params = (float(alpha),)
    if inplace:
        _check("elu", input)
        return _inplace("elu_", input, lambda x: _A.Elu.apply(x, params))
    return _A.Elu.apply(input, params)


def elu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """In-place ``elu``.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.elu_(ag.tensor([2.0]))
        tensor([2.])
    """
    return elu(input, alpha, inplace=True)


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit ``x * Phi(x)``; ``approximate='tanh'`` uses the tanh formula.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.gelu(ag.tensor([0.0, 1.0]), approximate="tanh")
        tensor([0.0000, 0.8412])
    """
    return _A.gelu(input, approximate)


def silu(input: Tensor, inplace: bool = False) -> Tensor:
    """``x * sigmoid(x)`` (swish).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.silu(ag.tensor([0.0]))
        tensor([0.])
    """
    if inplace:
        _check("silu", input)
        return _inplace("silu_", input, _A.Silu.apply)
    return _A.Silu.apply(input)


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))``, without overflow for either sign.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.sigmoid(ag.tensor([0.0]))
        tensor([0.5000])
    """
    return _A.Sigmoid.apply(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.tanh(ag.tensor([0.0]))
        tensor([0.])
    """
    return _A.Tanh.apply(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold`` (as PyTorch).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.softplus(ag.tensor([0.0]), beta=2.0)
        tensor([0.3466])
    """
    return _A.Softplus.apply(input, (float(beta), float(threshold)))


class LogSigmoid(Function):
    """``log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|))``; backward ``g * sigmoid(-x)`` (autograd ops)."""

    name = "logsigmoid"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        d = default_float(x.data)
        return np.minimum(d, 0) - np.log1p(np.exp(-np.abs(d)))

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * _A.Sigmoid.apply(-x)

    @staticmethod
    def backward_arrays(ctx, g):
        (x,) = ctx.saved_tensors
        return g * _A.Sigmoid.kernel(-default_float(x.data))


def logsigmoid(input: Tensor) -> Tensor:
    """``log(sigmoid(x))``, finite for inputs of any size.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.logsigmoid(ag.tensor([-1000.0, 1000.0]))
        tensor([-1000.,     0.])
    """
    return LogSigmoid.apply(input)


def _softmax_dim(op: str, ndim: int, stacklevel: int) -> int:
    warnings.warn(
        f"Implicit dimension choice for {op} has been deprecated. Change the call to include dim=X as an argument.",
        stacklevel=stacklevel,
    )
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``exp(x) / sum(exp(x))`` along ``dim``, stable for large inputs.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.softmax(ag.tensor([1e4, 0.0]), dim=0)
        tensor([1., 0.])
    """
    if dim is None:
        dim = _softmax_dim("softmax", input.ndim, _stacklevel)
    return _R.softmax(input, dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3, dtype=None) -> Tensor:
    """``log(softmax(x))`` along ``dim``, computed in log space.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.log_softmax(ag.tensor([1e4, 0.0]), dim=0)
        tensor([     0., -10000.])
    """
    if dim is None:
        dim = _softmax_dim("log_softmax", input.ndim, _stacklevel)
    return _R.log_softmax(input, dim, dtype)
