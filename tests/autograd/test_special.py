"""autograd.kernels.special: erf/erfc/erfinv in NumPy (the library's replacement for scipy.special).

Accuracy against math.erf/math.erfc, mpmath and torch (when importable), edge cases (signed
zeros, infinities, nan, subnormals, out of domain) without NumPy warnings, dtype preservation,
and the library running with scipy blocked, on Numba and on the NumPy twins.
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest

from autograd.kernels import special

REPO = Path(__file__).resolve().parents[2]
TINY = [5e-324, 1e-310, 2.2250738585072014e-308, 1e-300, 1e-20, 5e-9, 2.0**-28, 3.7e-9]


@pytest.fixture(params=["vectorised", "per-element"])
def path(request, monkeypatch):
    """Run a test on the vectorised fdlibm path (in small blocks, so blocking is exercised too) and
    on the per-element math.erf/math.erfc path that small arrays take."""
    if request.param == "vectorised":
        monkeypatch.setattr(special, "_SMALL", -1)
        monkeypatch.setattr(special, "_BLOCK", 4096)
    else:
        monkeypatch.setattr(special, "_SMALL", 10**9)
    return request.param


def strict(fn, x):
    """``fn(x)`` where any NumPy floating-point warning or error fails the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            return fn(x)


def _erf_sweep() -> np.ndarray:
    tiny = np.array(TINY)
    return np.concatenate([np.linspace(-7.0, 7.0, 14_001), np.geomspace(1e-300, 7.0, 1_000), -np.geomspace(1e-300, 7.0, 500),
                           tiny, -tiny, [0.84375, np.nextafter(0.84375, 0), 1.25, np.nextafter(1.25, 0), special._AB,
                           np.nextafter(special._AB, 0), 6.0, np.nextafter(6.0, 0)]])  # fmt: skip


def _rel(got: np.ndarray, want: np.ndarray) -> np.ndarray:
    return np.abs(got - want) / np.abs(want)


def test_erf_float64_within_2_ulp_of_math_erf(path):
    x = _erf_sweep()
    want = np.array([math.erf(v) for v in x.tolist()])
    got = strict(special.erf, x)
    nz = want != 0
    assert _rel(got[nz], want[nz]).max() <= 4e-16
    assert np.array_equal(got[~nz], want[~nz])


def test_erf_float64_against_mpmath(path):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 30
    x = np.concatenate([np.linspace(-6.5, 6.5, 2_601), np.geomspace(1e-300, 1.0, 200), np.array(TINY)])
    want = np.array([float(mpmath.erf(mpmath.mpf(v))) for v in x.tolist()])
    assert (np.abs(special.erf(x) - want) <= np.spacing(np.abs(want))).all()  # within 1 ulp (measured: 1)


def test_erfc_float64_within_3_ulp_of_mpmath(path):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 30
    x = np.concatenate([np.linspace(-6.5, 26.5, 3_301), np.geomspace(1e-20, 1.25, 200), -np.geomspace(1e-20, 1.25, 100)])
    want = np.array([float(mpmath.erfc(mpmath.mpf(v))) for v in x.tolist()])
    # NumPy's SIMD exp is itself up to 1 ulp off (math.erfc measured within 5e-16 relative, we 3.9e-16)
    assert (np.abs(strict(special.erfc, x) - want) <= 3 * np.spacing(want)).all()


def test_erfc_matches_math_erfc_far_out_including_underflow(path):
    x = np.linspace(-40.0, 40.0, 8_001)
    want = np.array([math.erfc(v) for v in x.tolist()])
    got = strict(special.erfc, x)
    normal = want > 2.3e-308
    assert _rel(got[normal], want[normal]).max() <= 1e-15
    assert np.allclose(got[~normal], want[~normal], rtol=0, atol=1e-320)  # subnormal results, and exact 0 past 27.3


def test_erf_and_erfc_edge_cases(path):
    x = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -1e300, 6.0, -6.0, 28.0, 5e-324, -5e-324])
    e = strict(special.erf, x)
    assert e[0] == 0 and not np.signbit(e[0]) and e[1] == 0 and np.signbit(e[1])
    assert e[2] == 1.0 and e[3] == -1.0 and np.isnan(e[4])
    assert e[5] == 1.0 and e[6] == -1.0 and e[7] == 1.0 and e[8] == -1.0 and e[9] == 1.0  # exactly +-1
    assert e[10] > 0 and e[11] < 0  # subnormal x: erf(x) = 2/sqrt(pi) * x, rounded to the subnormal grid
    assert e[10] == 5e-324 and e[11] == -5e-324
    c = strict(special.erfc, x)
    assert c[0] == 1.0 and c[1] == 1.0 and c[2] == 0.0 and c[3] == 2.0 and np.isnan(c[4])
    assert c[5] == 0.0 and c[6] == 2.0 and c[8] == 2.0 and c[9] < 1e-300


def test_erf_large_array_is_odd_and_monotonic():
    x = np.linspace(0.0, 7.0, 50_001)
    e = strict(special.erf, x)
    assert np.array_equal(special.erf(-x), -e)
    assert (np.diff(e) >= 0).all() and e[-1] == 1.0


def _erfinv_points() -> np.ndarray:
    rng = np.random.default_rng(1)
    one = np.nextafter(1.0, 0.0)
    near_one = 1.0 - np.geomspace(2.0**-53, 0.5, 400)
    w5, w16 = math.sqrt(-math.expm1(-5.0)), math.sqrt(-math.expm1(-16.0))  # Giles' seed changes branch at w = 5 and 16
    edges = [0.5, np.nextafter(0.5, 0), np.nextafter(0.5, 1), 2.0**-27, np.nextafter(2.0**-27, 0), w5, w16, one, 1e-300, 5e-324]
    return np.concatenate([rng.uniform(-1.0, 1.0, 1_200), near_one, -near_one[::2], np.geomspace(1e-300, 0.9, 200), edges])


def test_erfinv_float64_against_mpmath(path):
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    y = _erfinv_points()
    want = np.array([float(mpmath.erfinv(mpmath.mpf(v))) for v in y.tolist()])
    got = strict(special.erfinv, y)
    nz = y != 0
    assert _rel(got[nz], want[nz]).max() <= 1e-15  # measured 2.2e-16 (1 ulp)


def test_erfinv_float64_against_torch(path):
    torch = pytest.importorskip("torch")
    y = _erfinv_points()
    want = torch.erfinv(torch.from_numpy(y)).numpy()
    nz = y != 0
    assert _rel(special.erfinv(y)[nz], want[nz]).max() <= 1e-15
    x = np.linspace(-6.0, 6.0, 3_000)  # no 0
    assert _rel(special.erf(x), torch.erf(torch.from_numpy(x)).numpy()).max() <= 4e-16


def test_erfinv_inverts_erf_and_erfc(path):
    y = _erfinv_points()
    x = strict(special.erfinv, y)
    with np.errstate(under="ignore"):
        assert (np.abs(special.erf(x) - y) <= 2 * np.spacing(np.abs(y))).all()
    tail = np.abs(y) > 0.5  # 1 - |y| is exact there: erfc(|x|) must give it back up to x's rounding
    q, xt = 1.0 - np.abs(y[tail]), np.abs(x[tail])
    assert (_rel(special.erfc(xt), q) <= 2 * xt * np.spacing(xt) + 1e-15).all()  # d log erfc / dx ~ -2x


def test_erfinv_edge_cases(path):
    y = np.array([1.0, -1.0, 0.0, -0.0, np.nan, 1.5, -1.0000001, np.inf, -np.inf, 5e-324, -1e-300])
    x = strict(special.erfinv, y)
    assert x[0] == np.inf and x[1] == -np.inf
    assert x[2] == 0 and not np.signbit(x[2]) and x[3] == 0 and np.signbit(x[3])
    assert np.isnan(x[4:9]).all()
    assert x[9] == 5e-324 and x[10] == -1e-300 * math.sqrt(math.pi) / 2  # tiny: y * sqrt(pi)/2


@pytest.mark.parametrize("fn", [special.erf, special.erfc, special.erfinv])
def test_dtype_shape_and_layout(fn):
    base = np.linspace(-0.9, 0.9, 24)
    for dt in (np.float16, np.float32, np.float64):
        a = base.astype(dt).reshape(4, 6)
        out = fn(a)
        assert out.dtype == dt and out.shape == (4, 6)
        assert np.array_equal(out, fn(a.astype(np.float64)).astype(dt))  # rounded once from float64
        assert np.array_equal(fn(a.T), out.T) and np.array_equal(fn(a[:, ::2]), out[:, ::2])
    for ints in (np.array([0, 1, -1]), np.array([True, False])):
        assert fn(ints).dtype == np.float64
        assert np.array_equal(fn(ints), fn(ints.astype(np.float64)))
    s = fn(np.float32(0.25))
    assert s.shape == () and s.dtype == np.float32
    assert fn(0.25).dtype == np.float64 and fn([0.25, 0.5]).shape == (2,)
    assert fn(np.empty((0, 3), np.float32)).shape == (0, 3)


def test_float32_results_are_correctly_rounded(path):
    rng = np.random.default_rng(2)
    x = (rng.standard_normal(4_000) * 2).astype(np.float32)
    want = np.array([math.erf(v) for v in x.astype(np.float64).tolist()]).astype(np.float32)
    assert np.array_equal(special.erf(x), want)
    y = rng.uniform(-1, 1, 4_000).astype(np.float32)
    assert np.array_equal(special.erfinv(y), special.erfinv(y.astype(np.float64)).astype(np.float32))


def test_non_real_input_is_rejected():
    with pytest.raises(TypeError, match=r"erf: expected a real .*complex128"):
        special.erf(np.array([1 + 1j]))
    with pytest.raises(TypeError, match=r"erfinv: expected a real .*dtype"):
        special.erfinv(np.array(["a"]))


NO_SCIPY = """
    import sys
    sys.modules["scipy"] = None  # any `import scipy...` now raises ImportError
    import math
    import numpy as np
    import autograd as ag
    import nn
    from autograd import kernels as K

    w = nn.init.trunc_normal_(ag.empty(1000), std=0.5, a=-1.0, b=1.0)
    assert bool((w.abs() <= 1.0).all()) and 0.3 < float(w.std()) < 0.5
    for n in (50, 5000):  # the per-element and the vectorised erf
        x = ag.randn(n, requires_grad=True, dtype=ag.float64)
        y = nn.functional.gelu(x).sum() + x.erf().sum() + nn.functional.gelu(x, approximate="tanh").sum()
        y.backward()
        v = x.data.tolist()
        exact = sum(0.5 * u * (1 + math.erf(u / math.sqrt(2))) + math.erf(u) for u in v)
        tanh = sum(0.5 * u * (1 + math.tanh(math.sqrt(2 / math.pi) * (u + 0.044715 * u**3))) for u in v)
        assert abs(float(y) - exact - tanh) < 1e-12 * n, (float(y), exact + tanh)
        xd = x.data
        c = math.sqrt(2 / math.pi)
        t = np.tanh(c * (xd + 0.044715 * xd**3))
        dtanh = 0.5 * (1 + t) + 0.5 * xd * (1 - t * t) * c * (1 + 3 * 0.044715 * xd * xd)
        dgelu = np.array([0.5 * (1 + math.erf(u / math.sqrt(2))) + u * math.exp(-u * u / 2) / math.sqrt(2 * math.pi) for u in v])
        derf = 2 / math.sqrt(math.pi) * np.exp(-xd * xd)
        assert x.grad.dtype == ag.float64 and np.allclose(x.grad.data, dgelu + derf + dtanh, rtol=1e-12, atol=1e-12)
    assert sys.modules.get("scipy") is None, "scipy was imported"
    print(K.BACKEND)
"""


@pytest.mark.parametrize("backend", ["numba", "numpy"])
def test_library_runs_without_scipy(backend):
    env = dict(os.environ, AUTOGRAD_KERNELS=backend, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(NO_SCIPY)], env=env, cwd=REPO, capture_output=True, text=True,
                         timeout=120)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == backend
