"""NumPy twins of the kernels: the reference implementation and the fallback path.

Every function here has the same name and signature as its Numba kernel in
``numba_kernels``; the tests run both and compare. Activation kernels come in pairs:
``f(x, *params)`` and ``f_backward(grad, x, *params)`` (gradient times f'(x)).

Example:
    >>> import numpy as np
    >>> from autograd.kernels import numpy_twins as K
    >>> K.relu_backward(np.ones(3), np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
"""

from __future__ import annotations

import math

import numpy as np

from .special import erf as _erf

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_C = 0.044715


def relu(x):
    return np.maximum(x, 0, dtype=x.dtype)


def relu_backward(g, x):
    return np.where(x <= 0, 0, g).astype(g.dtype, copy=False)  # a NaN input passes its gradient, as PyTorch


def leaky_relu(x, slope):
    return np.where(x > 0, x, x * slope).astype(x.dtype, copy=False)


def leaky_relu_backward(g, x, slope):
    return np.where(x > 0, g, g * slope).astype(g.dtype, copy=False)


def elu(x, alpha):
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


def elu_backward(g, x, alpha):
    return np.where(x <= 0, g * alpha * np.exp(np.minimum(x, 0)), g).astype(g.dtype, copy=False)  # NaN passes g


def sigmoid(x):
    # stable for both signs: exp only of non-positive numbers
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype, copy=False)


def sigmoid_backward(g, x):
    s = sigmoid(x)
    return g * s * (1 - s)


def tanh(x):
    return np.tanh(x)


def tanh_backward(g, x):
    t = np.tanh(x)
    return g * (1 - t * t)


def silu(x):
    return x * sigmoid(x)


def silu_backward(g, x):
    s = sigmoid(x)
    return g * (s * (1 + x * (1 - s)))


def softplus(x, beta, threshold):
    bx = x * beta
    return np.where(bx > threshold, x, np.logaddexp(0, bx) / beta).astype(x.dtype, copy=False)


def softplus_backward(g, x, beta, threshold):
    bx = x * beta
    return np.where(bx > threshold, g, g * sigmoid(bx)).astype(g.dtype, copy=False)


def gelu(x, tanh_approx):
    if tanh_approx:
        return (0.5 * x * (1 + np.tanh(_SQRT_2_OVER_PI * (x + _GELU_C * x**3)))).astype(x.dtype, copy=False)
    return (0.5 * x * (1 + _erf(x * _INV_SQRT_2))).astype(x.dtype, copy=False)


def gelu_backward(g, x, tanh_approx):
    if tanh_approx:
        u = _SQRT_2_OVER_PI * (x + _GELU_C * x**3)
        t = np.tanh(u)
        d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * _SQRT_2_OVER_PI * (1 + 3 * _GELU_C * x * x)
    else:
        d = 0.5 * (1 + _erf(x * _INV_SQRT_2)) + x * _INV_SQRT_2PI * np.exp(-0.5 * x * x)
    return (g * d).astype(g.dtype, copy=False)


def softmax_lastdim(x):
    if x.size == 0:
        return np.empty_like(x)
    m = x.max(axis=-1, keepdims=True)
    e = np.exp(x - m)
    e /= e.sum(axis=-1, keepdims=True)
    return e


def log_softmax_lastdim(x):
    if x.size == 0:
        return np.empty_like(x)
    m = x.max(axis=-1, keepdims=True)
    s = x - m
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


def softmax_backward_lastdim(g, y):
    return y * (g - (g * y).sum(axis=-1, keepdims=True))


def log_softmax_backward_lastdim(g, y):
    return g - np.exp(y) * g.sum(axis=-1, keepdims=True)


def bias_act(out, bias, act):
    """Add ``bias`` (broadcast over rows) to ``out`` in place and apply ``act`` ('', 'relu')."""
    if bias is not None:
        out += bias
    if act == "relu":
        np.maximum(out, 0, out=out)
    return out
