"""Numba kernels with the exact signatures and semantics of ``numpy_twins``.

Two layers, one job each:

* ``_loops``: compiled loops over 1-D C-contiguous arrays (elementwise) or 2-D C-contiguous
  rows (softmax), one fused pass each. They are compiled lazily, on first use, for the
  float32 and float64 arrays they meet (``autograd.kernels.jit.njit``: disk cache, serial).
  gelu's exact and tanh forms are separate loops, picked in Python, so only the form in use compiles.
* wrappers (``relu``, ``sigmoid_backward``, ...): flatten the array (copying it only when it
  is not C-contiguous), allocate the output with the input's shape and dtype, call the loop.
  Anything the loops do not cover (integer dtypes, mixed dtypes, shapes that differ) goes to
  the twin, so these functions accept everything the twins accept.

``dispatch`` builds the same wrappers with element-count thresholds (``make_unary(..., lo, hi)``):
below ``lo`` or from ``hi`` on, the twin is faster and is used instead.

Example:
    >>> import numpy as np
    >>> from autograd.kernels import numba_kernels as NK
    >>> NK.relu(np.array([[-1.0, 2.0]], dtype=np.float32))
    array([[0., 2.]], dtype=float32)
    >>> NK.sigmoid_backward(np.ones(2), np.zeros(2))
    array([0.25, 0.25])
"""

from __future__ import annotations

import math

import numpy as np
from numba import types
from numba.extending import intrinsic

from . import numpy_twins as _twins
from . import special as _special
from .adaptive import PARALLEL_MIN, LoopAdaptive, threads
from .jit import njit

try:  # prange is range unless a loop is compiled with parallel=True
    from numba import prange
except ImportError:  # pragma: no cover
    prange = range

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)
_INF = float("inf")

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)
_GELU_C = 0.044715


# ---- scalar helpers (inlined into the loops) -----------------------------------------
@intrinsic
def _int_bits_as_float(typingctx, i):
    """Reinterpret an int64's bits as a float64 (an LLVM bitcast: free and vectorizable)."""
    sig = types.float64(types.int64)

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], context.get_value_type(types.float64))

    return sig, codegen


_LOG2E = 1.4426950408889634
_LOG1P_C = tuple(1.0 / (2 * k + 1) for k in range(19, -1, -1))  # atanh(s) / s = sum s**2k / (2k+1)
_EXPM1_C = tuple(1.0 / math.factorial(k + 1) for k in range(13, -1, -1))  # expm1(x) / x = sum x**k / (k+1)!
_LN2_HI = 6.93147180369123816490e-01
_LN2_LO = 1.90821492927058770002e-10


@njit(inline="always")
def _exp(x):
    """``exp(x)`` in float64 to ~2 ulp, written so that loops calling it vectorize (libm's exp does not).

    exp(x) = 2**k * exp(r), |r| <= ln2/2; exp(r) by its Taylor polynomial of degree 13;
    2**k applied in two halves so that subnormal results and overflow to inf come out right.
    """
    y = min(max(x, -746.0), 710.0)
    k = math.floor(y * _LOG2E + 0.5)
    r = (y - k * _LN2_HI) - k * _LN2_LO
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    ki = np.int64(k)
    k1 = ki >> 1
    res = p * _int_bits_as_float((k1 + 1023) << 52) * _int_bits_as_float((ki - k1 + 1023) << 52)
    return res if x == x else x


@njit(inline="always")
def _expm1_nonpos(x):
    """``expm1(x)`` for x <= 0 in float64 (vectorizable): a Taylor series near 0, ``exp(x) - 1`` beyond."""
    q = _EXPM1_C[0]
    for c in _EXPM1_C[1:]:
        q = q * x + c
    return x * q if x > -0.35 else _exp(x) - 1.0


@njit(inline="always")
def _tanh1(v):
    """tanh(v) = -sign(v) t / (t + 2) with t = expm1(-2|v|) in (-1, 0]: accurate everywhere, vectorizable."""
    t = _expm1_nonpos(-2.0 * abs(v))
    r = t / (t + 2.0)
    return r if v < 0 else -r


@njit(inline="always")
def _log1p_unit(u):
    """``log1p(u)`` for 0 <= u <= 1 in float64 (vectorizable): 2 atanh(s), s = u / (2 + u) <= 1/3."""
    s = u / (2.0 + u)
    s2 = s * s
    q = _LOG1P_C[0]
    for c in _LOG1P_C[1:]:
        q = q * s2 + c
    return 2.0 * s * q


@njit(inline="always")
def _sigmoid1(v):
    """Stable sigmoid of a scalar (exp only of non-positive numbers); float64."""
    e = _exp(-abs(v))
    s = 1.0 / (1.0 + e)
    return s if v >= 0 else e * s


# erf: the algorithm and coefficients of fdlibm's s_erf.c (the tuples of kernels/special.py):
# ====================================================
# Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
#
# Developed at SunPro, a Sun Microsystems, Inc. business.
# Permission to use, copy, modify, and distribute this
# software is freely granted, provided that this notice
# is preserved.
# ====================================================
def _by_degree(*polys: tuple[float, ...]) -> tuple[tuple[float, ...], ...]:
    """Coefficient tuples (lowest degree first) zero-padded and zipped degree by degree, highest degree first."""
    n = max(map(len, polys))
    return tuple(zip(*(p + (0.0,) * (n - len(p)) for p in polys)))[::-1]


# one row per degree: (|x| < 0.84375, < 1.25, < 1/0.35, beyond); numerators, denominators
_ERF_P = _by_degree(_special._PP, _special._PA, _special._RA, _special._RB)
_ERF_Q = _by_degree(_special._QQ, _special._QA, _special._SA, _special._SB)
_ERX = _special._ERX
_ERF_AB = _special._AB


@njit  # LLVM inlines it; inlining it in Numba's IR (17 calls per erf) would double the compile time
def _pick(c, small, near1, tail_a):
    return c[0] if small else (c[1] if near1 else (c[2] if tail_a else c[3]))


@njit(inline="always")
def _erf(x):
    """``erf(x)`` in float64 within 1 ulp of ``math.erf``, written so that loops calling it vectorize.

    fdlibm's pieces, each element selecting its interval's coefficients and evaluating one P/Q:
    ``|x| < 0.84375``: ``x + x P/Q(x*x)``; ``< 1.25``: ``erx + P/Q(|x| - 1)``; ``< 6``:
    ``1 - exp(-x*x - 0.5625 + P/Q(1/x**2)) / |x|`` (two coefficient sets, split at 1/0.35), which
    rounds to exactly 1 from 6 on (|x| is clamped there, so inf needs no case). Odd; nan -> nan.
    ``_exp``, not ``math.exp``: without Intel's SVML that is a libm call per element (erf 6.0 ns
    instead of 3.5 ns per element in a float32 loop; ``math.erf`` itself takes 17 ns).
    """
    ax = abs(x)
    a = min(ax, 6.0)
    small = a < 0.84375
    near1 = a < 1.25
    tail_a = a < _ERF_AB
    aa = a * a
    q = 1.0 / aa  # inf at 0, where the tail's terms are computed but not selected
    z = aa if small else (a - 1.0 if near1 else q)
    p = _pick(_ERF_P[0], small, near1, tail_a)
    for c in _ERF_P[1:]:
        p = p * z + _pick(c, small, near1, tail_a)
    d = _pick(_ERF_Q[0], small, near1, tail_a)
    for c in _ERF_Q[1:]:
        d = d * z + _pick(c, small, near1, tail_a)
    r = p / d
    u = 8.0 * a  # x + x*r scaled by 8 so that a subnormal x keeps its precision (exact otherwise)
    m = 0.125 * (u + u * r) if small else (_ERX + r if near1 else 1.0 - _exp(r - aa - 0.5625) * (a * q))
    m = math.copysign(m, x)
    return m if x == x else x


# ---- elementwise loops: x and out are 1-D C-contiguous of one dtype -------------------
# Backward loops take ``g`` of length n, or of length 1 for a gradient broadcast from a scalar
# (what ``sum``/``mean`` backward hand down): that case never materializes the gradient.
@njit
def _relu(x, out):
    for i in prange(x.shape[0]):  # range here; the 2-thread copy for large arrays splits it (adaptive.py)
        v = x[i]
        out[i] = 0.0 if v < 0 else v


@njit(inline="always")
def _relu_b(g, v):
    return 0.0 if v <= 0 else g  # as PyTorch's threshold_backward: a NaN input passes its gradient


@njit
def _relu_backward(g, x, out):
    if g.shape[0] == x.shape[0]:
        for i in prange(x.shape[0]):
            out[i] = _relu_b(g[i], x[i])
    else:
        gv = g[0]
        for i in prange(x.shape[0]):
            out[i] = _relu_b(gv, x[i])


@njit
def _leaky_relu(x, out, slope):
    for i in range(x.shape[0]):
        v = x[i]
        out[i] = v if v > 0 else v * slope


@njit(inline="always")
def _leaky_relu_b(g, v, slope):
    return g if v > 0 else g * slope


@njit
def _leaky_relu_backward(g, x, out, slope):
    if g.shape[0] == x.shape[0]:
        for i in range(x.shape[0]):
            out[i] = _leaky_relu_b(g[i], x[i], slope)
    else:
        gv = g[0]
        for i in range(x.shape[0]):
            out[i] = _leaky_relu_b(gv, x[i], slope)


@njit
def _elu(x, out, alpha):
    for i in range(x.shape[0]):
        v = x[i]
        out[i] = v if v > 0 else alpha * _expm1_nonpos(min(v, 0.0))


@njit(inline="always")
def _elu_b(g, v, alpha):
    return g * (alpha * _exp(v)) if v <= 0 else g  # a NaN input passes its gradient, as PyTorch


@njit
def _elu_backward(g, x, out, alpha):
    if g.shape[0] == x.shape[0]:
        for i in range(x.shape[0]):
            out[i] = _elu_b(g[i], x[i], alpha)
    else:
        gv = g[0]
        for i in range(x.shape[0]):
            out[i] = _elu_b(gv, x[i], alpha)


@njit
def _sigmoid(x, out):
    for i in range(x.shape[0]):
        out[i] = _sigmoid1(x[i])


@njit
def _sigmoid_backward(g, x, out):
    # as PyTorch: y * (1 - y) of the output y rounded to the array's dtype (storing to out rounds it),
    # so saturated float32 sigmoids give exactly 0, as they do there and in the NumPy twin
    if g.shape[0] == x.shape[0]:
        for i in range(x.shape[0]):
            out[i] = _sigmoid1(x[i])
            s = out[i]
            out[i] = g[i] * (s * (1 - s))
    else:
        gv = g[0]
        for i in range(x.shape[0]):
            out[i] = _sigmoid1(x[i])
            s = out[i]
            out[i] = gv * (s * (1 - s))


@njit
def _tanh(x, out):
    for i in range(x.shape[0]):
        out[i] = _tanh1(x[i])


@njit(inline="always")
def _tanh_d1(v):
    """1 - tanh(v)**2 = 4e / (1 + e)**2 with e = exp(-2|v|): no cancellation for large |v|."""
    e = _exp(-2.0 * abs(v))
    s = 1.0 / (1.0 + e)
    return 4.0 * e * s * s


@njit
def _tanh_backward(g, x, out):
    if g.shape[0] == x.shape[0]:
        for i in range(x.shape[0]):
            out[i] = g[i] * _tanh_d1(x[i])
    else:
        gv = g[0]
        for i in range(x.shape[0]):
            out[i] = gv * _tanh_d1(x[i])


@njit
def _silu(x, out):
    for i in range(x.shape[0]):
        v = x[i]
        out[i] = v * _sigmoid1(v)


@njit(inline="always")
def _silu_d1(v):
    v = np.float64(v)
    s = _sigmoid1(v)
    return s * (1.0 + v * (1.0 - s))


@njit
def _silu_backward(g, x, out):
    if g.shape[0] == x.shape[0]:
        for i in range(x.shape[0]):
            out[i] = g[i] * _silu_d1(x[i])
    else:
        gv = g[0]
        for i in range(x.shape[0]):
            out[i] = gv * _silu_d1(x[i])


@njit
def _softplus(x, out, beta, threshold):
    for i in range(x.shape[0]):
        v = x[i]
        b = v * beta
        out[i] = v if b > threshold else (max(b, 0.0) + _log1p_unit(_exp(-abs(b)))) / beta


@njit(inline="always")
def _softplus_b(g, v, beta, threshold):
    b = v * beta
    return g if b > threshold else g * _sigmoid1(b)


@njit
def _softplus_backward(g, x, out, beta, threshold):
    if g.shape[0] == x.shape[0]:
        for i in range(x.shape[0]):
            out[i] = _softplus_b(g[i], x[i], beta, threshold)
    else:
        gv = g[0]
        for i in range(x.shape[0]):
            out[i] = _softplus_b(gv, x[i], beta, threshold)


@njit(inline="always")
def _gelu_tanh1(v):
    return 0.5 * v * (1.0 + _tanh1(_SQRT_2_OVER_PI * (v + _GELU_C * v * v * v)))


@njit(inline="always")
def _gelu_erf1(v):
    return 0.5 * v * (1.0 + _erf(v * _INV_SQRT_2))


# The gelu loops contract a * b + c into fused multiply-adds: the erf polynomials are most of their work.
# Exact and tanh forms are separate loops, chosen in Python, so that only the form in use is compiled.
@njit(fastmath={"contract"})
def _gelu_erf(x, out):
    for i in range(x.shape[0]):
        out[i] = _gelu_erf1(np.float64(x[i]))


@njit(fastmath={"contract"})
def _gelu_tanh(x, out):
    for i in range(x.shape[0]):
        out[i] = _gelu_tanh1(np.float64(x[i]))


def _gelu(x, out, tanh_approx):
    (_gelu_tanh if tanh_approx else _gelu_erf)(x, out)


@njit(inline="always")
def _gelu_tanh_d1(v):
    v = np.float64(v)
    t = _tanh1(_SQRT_2_OVER_PI * (v + _GELU_C * v * v * v))
    return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * _SQRT_2_OVER_PI * (1.0 + 3.0 * _GELU_C * v * v)


@njit(inline="always")
def _gelu_erf_d1(v):
    v = np.float64(v)
    return 0.5 * (1.0 + _erf(v * _INV_SQRT_2)) + v * _INV_SQRT_2PI * _exp(-0.5 * v * v)


@njit(inline="always")
def _times_g(g, out):
    if g.shape[0] == out.shape[0]:
        for i in range(out.shape[0]):
            out[i] = g[i] * np.float64(out[i])
    else:
        gv = np.float64(g[0])
        for i in range(out.shape[0]):
            out[i] = gv * np.float64(out[i])


# Backward in two passes, the derivative into out, then times g: one loop holds the inlined erf for
# full and broadcast g alike (half the compile time), and the second pass costs ~1% (compute-bound).
# float32: d is rounded to float32 before the product: within 1.5 ulp of g * d rounded once (measured 1.34).
@njit(fastmath={"contract"})
def _gelu_erf_backward(g, x, out):
    for i in range(x.shape[0]):
        out[i] = _gelu_erf_d1(x[i])
    _times_g(g, out)


@njit(fastmath={"contract"})
def _gelu_tanh_backward(g, x, out):
    for i in range(x.shape[0]):
        out[i] = _gelu_tanh_d1(x[i])
    _times_g(g, out)


def _gelu_backward(g, x, out, tanh_approx):
    (_gelu_tanh_backward if tanh_approx else _gelu_erf_backward)(g, x, out)


# ---- row-wise loops: x, g, y, out are 2-D C-contiguous (rows, n) ------------------------
@njit(fastmath={"reassoc", "nsz"})
def _row_sum(a):
    """Sum of a 1-D row in float64, reassociated so that it vectorizes."""
    s = 0.0
    for j in range(a.shape[0]):
        s += a[j]
    return s


@njit(fastmath={"reassoc", "nsz"})
def _row_dot(a, b):
    s = 0.0
    for j in range(a.shape[0]):
        s += np.float64(a[j]) * b[j]
    return s


@njit
def _row_max(a):
    """Max of a non-empty row; NaN if the row holds a NaN (as ``ndarray.max``)."""
    m = a[0]
    for j in range(a.shape[0]):
        v = a[j]
        if not v <= m:  # v > m, or v is NaN
            m = v
            if v != v:
                return v
    return m


@njit
def _softmax_rows(x, out):
    n = x.shape[1]
    if n == 0:
        return
    for i in range(x.shape[0]):
        xi, oi = x[i], out[i]
        m = np.float64(_row_max(xi))
        for j in range(n):
            oi[j] = _exp(xi[j] - m)
        inv = 1.0 / _row_sum(oi)
        for j in range(n):
            oi[j] *= inv


@njit
def _log_softmax_rows(x, out):
    n = x.shape[1]
    if n == 0:
        return
    for i in range(x.shape[0]):
        xi, oi = x[i], out[i]
        m = np.float64(_row_max(xi))
        for j in range(n):  # out as scratch, so that exp vectorizes and the sum too
            oi[j] = _exp(xi[j] - m)
        lse = m + math.log(_row_sum(oi))
        for j in range(n):
            oi[j] = xi[j] - lse


@njit
def _softmax_backward_rows(g, y, out):
    for i in range(g.shape[0]):
        gi, yi, oi = g[i], y[i], out[i]
        d = _row_dot(gi, yi)
        for j in range(g.shape[1]):
            oi[j] = yi[j] * (gi[j] - d)


@njit
def _log_softmax_backward_rows(g, y, out):
    for i in range(g.shape[0]):
        gi, yi, oi = g[i], y[i], out[i]
        s = _row_sum(gi)
        for j in range(g.shape[1]):
            oi[j] = gi[j] - _exp(yi[j]) * s


# ---- matmul epilogue: out (rows, n) C-contiguous, bias (n,) -------------------------------
@njit
def _bias_rows(out, bias):
    for i in range(out.shape[0]):
        oi = out[i]
        for j in range(out.shape[1]):
            oi[j] += bias[j]


@njit
def _bias_relu_rows(out, bias):
    for i in range(out.shape[0]):
        oi = out[i]
        for j in range(out.shape[1]):
            v = oi[j] + bias[j]
            oi[j] = 0.0 if v < 0 else v


@njit
def _relu_inplace(out):
    for i in range(out.shape[0]):
        if out[i] < 0:
            out[i] = 0.0


# ---- wrappers: the twins' signatures; ``lo <= size < hi`` runs the loop, else the twin ----
def _large(loop, size_arg: int, runners: dict, dt):
    """``loop`` for an array of ``PARALLEL_MIN`` elements or more: its serial/2-thread runner for dtype ``dt``
    (kept in ``runners``), or the loop itself when Numba has one thread."""
    if threads() < 2:
        return loop
    run = runners.get(dt)
    if run is None:
        run = runners[dt] = LoopAdaptive(loop, size_arg)
    return run


def make_unary(loop, twin, lo: int = 0, hi: float = _INF, nparams: int = 0, parallel: bool = False):
    """``f(x, *params)`` that runs ``loop(x_flat, out_flat, *params)`` for float arrays with ``lo <= size < hi``.

    Example:
        >>> import numpy as np
        >>> from autograd.kernels import numba_kernels as NK, numpy_twins as T
        >>> f = NK.make_unary(NK._relu, T.relu, lo=0, hi=10)
        >>> f(np.array([-1.0, 3.0]))
        array([0., 3.])
    """

    runners: dict = {}
    if nparams == 0:
        def f(x):
            if lo <= x.size < hi:
                dt = x.dtype
                if dt is _F32 or dt is _F64:
                    out = np.empty(x.shape, dt)
                    run = _large(loop, 0, runners, dt) if parallel and x.size >= PARALLEL_MIN else loop
                    run(x.ravel(), out.reshape(-1))
                    return out
            return twin(x)
    else:
        def f(x, *params):
            if lo <= x.size < hi:
                dt = x.dtype
                if dt is _F32 or dt is _F64:
                    out = np.empty(x.shape, dt)
                    loop(x.ravel(), out.reshape(-1), *[p if type(p) is bool else float(p) for p in params])
                    return out
            return twin(x, *params)

    f.runners = runners  # dtype -> LoopAdaptive, for arrays of PARALLEL_MIN elements and more
    f.__name__ = twin.__name__
    f.__qualname__ = twin.__name__
    f.__doc__ = f"Numba ``{twin.__name__}``: same signature and result as the NumPy twin."
    return f


def make_binary(loop, twin, lo: int = 0, hi: float = _INF, nparams: int = 0, parallel: bool = False):
    """``f(g, x, *params)`` that runs ``loop(g_flat, x_flat, out_flat, *params)`` when g and x match.

    Example:
        >>> import numpy as np
        >>> from autograd.kernels import numba_kernels as NK, numpy_twins as T
        >>> f = NK.make_binary(NK._relu_backward, T.relu_backward)
        >>> f(np.full(2, 5.0), np.array([-1.0, 3.0]))
        array([0., 5.])
    """

    runners: dict = {}

    def f(g, x, *params):
        if lo <= x.size < hi:
            dt = x.dtype
            if (dt is _F32 or dt is _F64) and g.dtype is dt and g.shape == x.shape:
                out = np.empty(x.shape, dt)
                if params:
                    params = [p if type(p) is bool else float(p) for p in params]
                gf = g.ravel() if g.flags.c_contiguous or any(g.strides) else g.reshape(-1)[:1].copy()
                run = _large(loop, 1, runners, dt) if parallel and x.size >= PARALLEL_MIN else loop
                run(gf, x.ravel(), out.reshape(-1), *params)
                return out
        return twin(g, x, *params)

    f.runners = runners
    f.__name__ = twin.__name__
    f.__qualname__ = twin.__name__
    f.__doc__ = f"Numba ``{twin.__name__}``: same signature and result as the NumPy twin."
    return f


def make_rows(loop, twin, lo: int = 0, hi: float = _INF):
    """``f(x)`` over the last dim: ``loop(x2d, out2d)`` for non-empty float arrays with ndim >= 1 and ``lo <= size < hi``.

    Example:
        >>> import numpy as np
        >>> from autograd.kernels import numba_kernels as NK, numpy_twins as T
        >>> f = NK.make_rows(NK._softmax_rows, T.softmax_lastdim)
        >>> f(np.zeros((1, 2)))
        array([[0.5, 0.5]])
    """

    def f(x):
        if 0 < x.size and lo <= x.size < hi and x.ndim:
            dt = x.dtype
            if dt is _F32 or dt is _F64:
                out = np.empty(x.shape, dt)
                n = x.shape[-1]
                loop(np.ascontiguousarray(x).reshape(-1, n), out.reshape(-1, n))
                return out
        return twin(x)

    f.__name__ = twin.__name__
    f.__qualname__ = twin.__name__
    f.__doc__ = f"Numba ``{twin.__name__}``: same signature and result as the NumPy twin."
    return f


def make_rows_backward(loop, twin, lo: int = 0, hi: float = _INF):
    """``f(g, y)`` over the last dim: ``loop(g2d, y2d, out2d)`` when g and y match.

    Example:
        >>> import numpy as np
        >>> from autograd.kernels import numba_kernels as NK, numpy_twins as T
        >>> f = NK.make_rows_backward(NK._softmax_backward_rows, T.softmax_backward_lastdim)
        >>> f(np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]]))
        array([[ 0.25, -0.25]])
    """

    def f(g, y):
        if 0 < y.size and lo <= y.size < hi and y.ndim:
            dt = y.dtype
            if (dt is _F32 or dt is _F64) and g.dtype is dt and g.shape == y.shape:
                out = np.empty(y.shape, dt)
                n = y.shape[-1]
                loop(np.ascontiguousarray(g).reshape(-1, n), np.ascontiguousarray(y).reshape(-1, n), out.reshape(-1, n))
                return out
        return twin(g, y)

    f.__name__ = twin.__name__
    f.__qualname__ = twin.__name__
    f.__doc__ = f"Numba ``{twin.__name__}``: same signature and result as the NumPy twin."
    return f


def make_bias_act(lo: int = 0, hi: float = _INF):
    """``bias_act(out, bias, act)`` in place: the fused loop for C-contiguous float ``out`` and 1-D ``bias`` of its dtype.

    Example:
        >>> import numpy as np
        >>> from autograd.kernels import numba_kernels as NK
        >>> NK.make_bias_act()(np.array([[-3.0, 1.0]]), np.array([1.0, 1.0]), "relu")
        array([[0., 2.]])
    """
    twin = _twins.bias_act

    def bias_act(out, bias, act):
        if lo <= out.size < hi and out.ndim and out.flags.c_contiguous and act in ("", "relu"):
            dt = out.dtype
            if dt is _F32 or dt is _F64:
                if bias is None:
                    if act:
                        _relu_inplace(out.reshape(-1))
                    return out
                if bias.ndim == 1 and bias.dtype is dt and bias.shape[0] == out.shape[-1]:
                    o2 = out.reshape(-1, out.shape[-1])
                    (_bias_relu_rows if act else _bias_rows)(o2, np.ascontiguousarray(bias))
                    return out
        return twin(out, bias, act)

    bias_act.__doc__ = "Numba ``bias_act``: same signature and in-place result as the NumPy twin."
    return bias_act


# name -> (factory, loop, number of scalar parameters)
SPECS = {
    "relu": (make_unary, _relu, 0),  # relu's two loops also run on 2 threads when that is faster (PARALLEL)
    "relu_backward": (make_binary, _relu_backward, 0),
    "leaky_relu": (make_unary, _leaky_relu, 1),
    "leaky_relu_backward": (make_binary, _leaky_relu_backward, 1),
    "elu": (make_unary, _elu, 1),
    "elu_backward": (make_binary, _elu_backward, 1),
    "sigmoid": (make_unary, _sigmoid, 0),
    "sigmoid_backward": (make_binary, _sigmoid_backward, 0),
    "tanh": (make_unary, _tanh, 0),
    "tanh_backward": (make_binary, _tanh_backward, 0),
    "silu": (make_unary, _silu, 0),
    "silu_backward": (make_binary, _silu_backward, 0),
    "softplus": (make_unary, _softplus, 2),
    "softplus_backward": (make_binary, _softplus_backward, 2),
    "gelu": (make_unary, _gelu, 1),
    "gelu_backward": (make_binary, _gelu_backward, 1),
    "softmax_lastdim": (make_rows, _softmax_rows, None),
    "log_softmax_lastdim": (make_rows, _log_softmax_rows, None),
    "softmax_backward_lastdim": (make_rows_backward, _softmax_backward_rows, None),
    "log_softmax_backward_lastdim": (make_rows_backward, _log_softmax_backward_rows, None),
    "bias_act": (None, None, None),
}


# kernels with a 2-thread version for large arrays (``adaptive.py``): relu's loops are one memory pass
# each, which two cores halve (1e6 float32 forward+backward: 0.29 -> 0.13 ms on an idle machine)
PARALLEL = frozenset({"relu", "relu_backward"})


def build(name: str, lo: int = 0, hi: float = _INF):
    """The wrapper for kernel ``name`` that runs Numba for ``lo <= size < hi`` and the twin otherwise.

    Example:
        >>> import numpy as np
        >>> from autograd.kernels import numba_kernels as NK
        >>> NK.build("tanh", lo=100)(np.zeros(3))  # below lo: the twin
        array([0., 0., 0.])
    """
    factory, loop, nparams = SPECS[name]
    if lo >= hi:  # never Numba: the twin itself, without a wrapper
        return getattr(_twins, name)
    if factory is None:
        return make_bias_act(lo, hi)
    twin = getattr(_twins, name)
    if nparams is None:
        return factory(loop, twin, lo, hi)
    return factory(loop, twin, lo, hi, nparams, parallel=name in PARALLEL)


def loops() -> list:
    """Every compiled loop of this module (for warm-up and cache inspection).

    Example:
        >>> from autograd.kernels import numba_kernels as NK
        >>> len(NK.loops()) >= len(NK.SPECS)
        True
    """
    found = [spec[1] for spec in SPECS.values() if spec[1] is not None and spec[1] not in (_gelu, _gelu_backward)]
    return found + [_gelu_erf, _gelu_tanh, _gelu_erf_backward, _gelu_tanh_backward, _bias_rows, _bias_relu_rows, _relu_inplace]


for _name in SPECS:
    globals()[_name] = build(_name)
