"""The Numba scalar erf that the gelu loops inline (``autograd.kernels.numba_kernels._erf``).

Against math.erf (the C library's, within 1 ulp of the true value) over a dense sweep, at fdlibm's
interval edges, on tiny and subnormal inputs, and on the special values; compiled both as the gelu
loops compile it (``fastmath={"contract"}``: fused multiply-adds) and without.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd.kernels import numba_kernels as NK
from autograd.kernels import special
from autograd.kernels.jit import njit

_erf = NK._erf


@njit
def _erf_loop(x, out):
    for i in range(x.shape[0]):
        out[i] = _erf(x[i])


@njit(fastmath={"contract"})
def _erf_loop_fma(x, out):
    for i in range(x.shape[0]):
        out[i] = _erf(x[i])


LOOPS = {"plain": _erf_loop, "contract": _erf_loop_fma}
TINY = [5e-324, 1e-320, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-20, 5e-9, 3.7e-9, 2.0**-28]
EDGES = [0.84375, 1.25, special._AB, 6.0]  # where fdlibm changes interval


def _erf_numba(loop, x) -> np.ndarray:
    x = np.ascontiguousarray(x, dtype=np.float64)
    out = np.empty_like(x)
    LOOPS[loop](x, out)
    return out


def _sweep() -> np.ndarray:
    edges = np.array(EDGES)
    return np.concatenate([np.linspace(-7.0, 7.0, 140_001), np.geomspace(1e-320, 7.0, 20_000), -np.geomspace(1e-320, 7.0, 2_000),
                           TINY, np.negative(TINY), edges, -edges, np.nextafter(edges, 0), np.nextafter(edges, 10)])  # fmt: skip


@pytest.mark.parametrize("loop", list(LOOPS))
def test_erf_within_1_ulp_of_math_erf(loop):
    x = _sweep()
    want = np.array([math.erf(v) for v in x.tolist()])
    got = _erf_numba(loop, x)
    ulps = np.abs(got - want) / np.spacing(np.abs(want))
    assert ulps.max() <= 1.0, (ulps.max(), x[ulps.argmax()])  # measured: 1 ulp at most, 97% identical
    assert np.array_equal(np.signbit(got), np.signbit(x))


@pytest.mark.parametrize("loop", list(LOOPS))
def test_erf_tiny_subnormal_and_special_values(loop):
    tiny = np.array(TINY)
    assert np.array_equal(_erf_numba(loop, tiny), [math.erf(v) for v in TINY])  # x + x * 0.128...: exact to the last bit
    assert np.array_equal(_erf_numba(loop, -tiny), [-math.erf(v) for v in TINY])
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -1e300, 6.0, -6.0, np.nextafter(6.0, 0), 27.0, 1e10])
    e = _erf_numba(loop, x)
    assert e[0] == 0 and not np.signbit(e[0]) and e[1] == 0 and np.signbit(e[1])
    assert e[2] == 1.0 and e[3] == -1.0 and np.isnan(e[4])
    # exactly +-1 from 6 on, as math.erf
    assert (e[[5, 7, 8, 9, 10, 11]] == [1.0, 1.0, -1.0, 1.0, 1.0, 1.0]).all() and e[6] == -1.0


def test_erf_against_mpmath():
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 30
    x = np.concatenate([np.linspace(-6.5, 6.5, 2_601), np.geomspace(1e-300, 6.0, 200)])
    want = np.array([float(mpmath.erf(mpmath.mpf(v))) for v in x.tolist()])
    assert (np.abs(_erf_numba("contract", x) - want) <= np.spacing(np.abs(want))).all()  # within 1 ulp, as math.erf


def test_gelu_loops_float32_match_float64_rounded_once():
    """The gelu kernels compute in float64 and round once to float32; the gradient twice (d, then g * d): within 1.5 ulp."""
    x64 = np.concatenate([np.linspace(-9.0, 9.0, 4_001), [0.0, -0.0, 1e-30, -1e-30]])
    x32 = x64.astype(np.float32)
    x = x32.astype(np.float64)
    y32, y64 = np.empty_like(x32), np.empty_like(x)
    NK._gelu_erf(x32, y32)
    NK._gelu_erf(x, y64)
    assert np.array_equal(y32, y64.astype(np.float32))
    g32 = np.linspace(-2.0, 2.0, x32.size).astype(np.float32)
    d32, d64 = np.empty_like(x32), np.empty_like(x)
    NK._gelu_erf_backward(g32, x32, d32)
    NK._gelu_erf_backward(g32.astype(np.float64), x, d64)
    assert (np.abs(d32 - d64) <= 1.5 * np.spacing(np.abs(d64).astype(np.float32))).all()  # measured 1.34
    c = 1 / math.sqrt(2 * math.pi)
    want = np.array([0.5 * (1 + math.erf(v / math.sqrt(2))) + v * c * math.exp(-v * v / 2) for v in x.tolist()])
    np.testing.assert_allclose(d64, g32 * want, rtol=1e-14, atol=2e-16)  # d = Phi(v) + v phi(v) cancels for v < 0
