"""Activations: relu leaky_relu elu gelu silu softplus sigmoid tanh.

Each activation is two ops built from one spec: the forward kernel ``f(x)`` and a
fused backward op ``f_backward(grad, x) = grad * f'(x)`` (a kernel too). The fused
backward op is itself differentiable: its own backward uses ``f'`` and ``f''``
written with autograd ops, so gradients of any order work.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([-1.0, 2.0], requires_grad=True)
    >>> ag.relu(x).sum().backward(); x.grad
    tensor([0., 1.])
"""

from __future__ import annotations

import math

from .. import kernels as K
from ..function import Function
from ..tensor import Tensor
from ._util import const, default_float
from .arithmetic import where


class _Activation(Function):
    """Forward of an activation: ``kernel(x, *params)``; subclasses set ``kernel`` and ``backward_op``."""

    @classmethod
    def forward(cls, ctx, x, params=()):
        ctx.params = params
        ctx.save_for_backward(x)
        return cls.kernel(default_float(x.data), *params)

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return type(ctx).backward_op.apply(g, x, ctx.params), None

    @staticmethod
    def backward_arrays(ctx, g):
        (x,) = ctx.saved_tensors
        return type(ctx).backward_op.kernel(g, default_float(x.data), *ctx.params), None


class _ActivationBackward(Function):
    """``grad * f'(x)`` in one kernel; its backward uses ``d1 = f'`` and ``d2 = f''`` (autograd ops)."""

    @classmethod
    def forward(cls, ctx, g, x, params=()):
        ctx.params = params
        ctx.save_for_backward(g, x)
        return cls.kernel(g.data, x.data, *params)

    @staticmethod
    def backward(ctx, gg):
        g, x = ctx.saved_tensors
        cls = type(ctx)
        eg, ex = ctx.next_edges[0], ctx.next_edges[1]
        dg = gg * cls.d1(x, *ctx.params) if eg is not None else None
        dx = None
        if ex is not None and cls.d2 is not None:
            dx = gg * g * cls.d2(x, *ctx.params)
        return dg, dx, None


def _make(name: str, d1, d2):
    """The forward op class for activation ``name`` (kernels looked up on each call, so the backend can switch)."""
    title = "".join(p.capitalize() for p in name.split("_"))
    bwd = type(title + "Backward", (_ActivationBackward,), {
        "kernel": staticmethod(lambda g, x, *p: getattr(K, name + "_backward")(g, x, *p)),
        "d1": staticmethod(d1), "d2": None if d2 is None else staticmethod(d2), "name": name + "_backward",
    })
    fwd = type(title, (_Activation,), {
        "kernel": staticmethod(lambda x, *p: getattr(K, name)(x, *p)), "backward_op": bwd, "name": name,
    })
    return fwd


def _mask(cond, like: Tensor) -> Tensor:
    return const(cond.astype(like.data.dtype))


# ---- derivatives written with autograd ops (f' and f''); None means f'' == 0 ----
def _relu_d1(x):
    return _mask(~(x.data <= 0), x)  # 1 at a NaN input, as PyTorch


def _leaky_d1(x, slope):
    d = (x.data > 0).astype(x.data.dtype)
    return const(d + (1 - d) * slope)


def _elu_neg(x, alpha):
    return x.clamp(max=0.0).exp() * alpha


def _elu_d1(x, alpha):  # 1 at a NaN input, as PyTorch (its negative branch is taken only where x <= 0)
    return where(const(x.data <= 0), _elu_neg(x, alpha), 1.0)


def _elu_d2(x, alpha):
    return where(const(x.data <= 0), _elu_neg(x, alpha), 0.0)


def _sigmoid_d1(x):
    s = sigmoid(x)
    return s * (1 - s)


def _sigmoid_d2(x):
    s = sigmoid(x)
    return s * (1 - s) * (1 - 2 * s)


def _tanh_d1(x):
    t = tanh(x)
    return 1 - t * t


def _tanh_d2(x):
    t = tanh(x)
    return -2 * t * (1 - t * t)


def _silu_d1(x):
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def _silu_d2(x):
    s = sigmoid(x)
    return s * (1 - s) * (2 + x * (1 - 2 * s))


def _softplus_d1(x, beta, threshold):
    lin = _mask(x.data * beta > threshold, x)
    return lin + (1 - lin) * sigmoid(x * beta)


def _softplus_d2(x, beta, threshold):
    lin = _mask(x.data * beta > threshold, x)
    s = sigmoid(x * beta)
    return (1 - lin) * s * (1 - s) * beta


_K = math.sqrt(2.0 / math.pi)
_C = 0.044715
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _gelu_d1(x, tanh_approx):
    if tanh_approx:
        t = tanh((x + x * x * x * _C) * _K)
        up = (1 + x * x * (3 * _C)) * _K
        return (1 + t) * 0.5 + x * (1 - t * t) * up * 0.5
    phi = (x * x * -0.5).exp() * _INV_SQRT_2PI
    return ((x * (1 / math.sqrt(2.0))).erf() + 1) * 0.5 + x * phi


def _gelu_d2(x, tanh_approx):
    if tanh_approx:
        t = tanh((x + x * x * x * _C) * _K)
        up = (1 + x * x * (3 * _C)) * _K
        upp = x * (6 * _C * _K)
        return (1 - t * t) * (up - x * t * up * up + x * upp * 0.5)
    phi = (x * x * -0.5).exp() * _INV_SQRT_2PI
    return phi * (2 - x * x)


Relu = _make("relu", _relu_d1, None)
LeakyRelu = _make("leaky_relu", _leaky_d1, None)
Elu = _make("elu", _elu_d1, _elu_d2)
Sigmoid = _make("sigmoid", _sigmoid_d1, _sigmoid_d2)
Tanh = _make("tanh", _tanh_d1, _tanh_d2)
Silu = _make("silu", _silu_d1, _silu_d2)
Softplus = _make("softplus", _softplus_d1, _softplus_d2)
Gelu = _make("gelu", _gelu_d1, _gelu_d2)


def relu(input: Tensor) -> Tensor:
    """``max(x, 0)``.

    Example:
        >>> import autograd as ag
        >>> ag.relu(ag.tensor([-1.0, 2.0]))
        tensor([0., 2.])
    """
    return Relu.apply(input)


def leaky_relu(input: Tensor, negative_slope: float = 0.01) -> Tensor:
    """``x`` for ``x > 0``, else ``negative_slope * x``.

    Example:
        >>> import autograd as ag
        >>> ag.leaky_relu(ag.tensor([-1.0, 2.0]), 0.1)
        tensor([-0.1000,  2.0000])
    """
    return LeakyRelu.apply(input, (float(negative_slope),))


def elu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``x`` for ``x > 0``, else ``alpha * (exp(x) - 1)``.

    Example:
        >>> import autograd as ag
        >>> ag.elu(ag.tensor([0.0, 1.0]))
        tensor([0., 1.])
    """
    return Elu.apply(input, (float(alpha),))


def sigmoid(input: Tensor) -> Tensor:
    """``1 / (1 + exp(-x))``, computed without overflow for either sign.

    Example:
        >>> import autograd as ag
        >>> ag.sigmoid(ag.tensor([0.0]))
        tensor([0.5000])
    """
    return Sigmoid.apply(input)


def tanh(input: Tensor) -> Tensor:
    """Hyperbolic tangent.

    Example:
        >>> import autograd as ag
        >>> ag.tanh(ag.tensor([0.0]))
        tensor([0.])
    """
    return Tanh.apply(input)


def silu(input: Tensor) -> Tensor:
    """``x * sigmoid(x)`` (also called swish).

    Example:
        >>> import autograd as ag
        >>> ag.silu(ag.tensor([0.0]))
        tensor([0.])
    """
    return Silu.apply(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta * x)) / beta``, linear where ``beta * x > threshold`` (as PyTorch).

    Example:
        >>> import autograd as ag
        >>> ag.softplus(ag.tensor([0.0]))
        tensor([0.6931])
    """
    return Softplus.apply(input, (float(beta), float(threshold)))


def gelu(input: Tensor, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit; ``approximate='tanh'`` for the tanh formula.

    Example:
        >>> import autograd as ag
        >>> ag.gelu(ag.tensor([0.0, 1.0]))
        tensor([0.0000, 0.8413])
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return Gelu.apply(input, (approximate == "tanh",))
