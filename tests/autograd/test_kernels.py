"""Numba kernels against their NumPy twins; the dispatch; the disk cache; AUTOGRAD_KERNELS=numpy.

Each Numba kernel must give the twin's result (computed in float64 on the same values) for
every shape the twins accept: 0-d, empty, non-contiguous, broadcast gradients, float32 and
float64 (dtype preserved), and stay finite where the twin is finite at large magnitudes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from autograd import kernels as K
from autograd.kernels import dispatch, jit
from autograd.kernels import numba_kernels as NK
from autograd.kernels import numpy_twins as T

REPO = Path(__file__).resolve().parents[2]

# activation name -> parameter sets (the twins' positional parameters)
ACTIVATIONS = {
    "relu": [()],
    "leaky_relu": [(0.1,)],
    "elu": [(1.3,)],
    "sigmoid": [()],
    "tanh": [()],
    "silu": [()],
    "softplus": [(1.5, 20.0)],
    "gelu": [(False,), (True,)],
}
ROWWISE = ["softmax_lastdim", "log_softmax_lastdim"]
TOL = {np.float32: dict(rtol=2e-5, atol=2e-6), np.float64: dict(rtol=1e-12, atol=1e-12)}
SHAPES = [(), (0,), (3, 0), (1,), (7,), (4, 5), (2, 3, 4)]
LAYOUTS = ["c", "transposed", "strided"]


def _arrays(shape, dtype, layout, seed=0, scale=3.0):
    """An array with ``shape`` (and ``layout``) from a normal distribution, with a few exact zeros."""
    rng = np.random.default_rng(seed)
    if layout == "transposed" and len(shape) >= 2:
        a = (rng.standard_normal(shape[::-1]) * scale).astype(dtype).T
    elif layout == "strided" and len(shape) >= 1:
        a = (rng.standard_normal(shape[:-1] + (2 * shape[-1],)) * scale).astype(dtype)[..., ::2]
    else:
        a = (rng.standard_normal(shape) * scale).astype(dtype)
    if a.size > 2:
        a.reshape(-1)[::5] = 0 if a.flags.c_contiguous else a.reshape(-1)[::5]
    return a


def _params_id(p):
    return ",".join(map(str, p)) or "-"


def _check(got, ref, dtype):
    assert got.dtype == dtype, f"dtype {got.dtype} != {dtype}"
    assert got.shape == ref.shape
    np.testing.assert_allclose(got, ref.astype(dtype), **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize(("name", "params"), [(n, p) for n, ps in ACTIVATIONS.items() for p in ps],
                         ids=lambda v: v if isinstance(v, str) else _params_id(v))
def test_activation_kernels_match_twins(name, params, shape, layout, dtype):
    x = _arrays(shape, dtype, layout, seed=1)
    g = _arrays(shape, dtype, "c", seed=2, scale=1.0)
    x64, g64 = x.astype(np.float64), g.astype(np.float64)
    _check(getattr(NK, name)(x, *params), getattr(T, name)(x64, *params), dtype)
    _check(getattr(NK, name + "_backward")(g, x, *params), getattr(T, name + "_backward")(g64, x64, *params), dtype)
    # the dispatched kernel (Numba or twin by size) gives the same
    _check(getattr(K, name)(x, *params), getattr(T, name)(x64, *params), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_backward_kernels_take_broadcast_gradients(name, dtype):
    """``sum``/``mean`` backward hand down a stride-0 gradient: same result as the materialized one."""
    params = ACTIVATIONS[name][0]
    x = _arrays((6, 5), dtype, "c", seed=3)
    for g in (np.broadcast_to(np.asarray(0.7, dtype), x.shape), np.broadcast_to(_arrays((1, 5), dtype, "c", seed=4), x.shape)):
        ref = getattr(T, name + "_backward")(np.array(g, dtype=np.float64), x.astype(np.float64), *params)
        _check(getattr(NK, name + "_backward")(g, x, *params), ref, dtype)


def test_read_only_inputs():
    x = _arrays((4, 5), np.float32, "c", seed=5)
    x.setflags(write=False)
    np.testing.assert_array_equal(NK.relu(x), T.relu(x))
    np.testing.assert_array_equal(NK.relu_backward(x, x), T.relu_backward(x, x))


def test_unsupported_inputs_go_to_the_twin():
    xi = np.array([-2, 0, 3])
    np.testing.assert_array_equal(NK.relu(xi), T.relu(xi))
    assert NK.relu(xi).dtype == xi.dtype
    g32, x64 = np.ones(3, np.float32), np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(NK.relu_backward(g32, x64), T.relu_backward(g32, x64))
    assert NK.relu_backward(g32, x64).dtype == np.float32
    np.testing.assert_array_equal(NK.leaky_relu(np.array([-1.0]), 0), [-0.0])  # an int parameter


SPECIAL = [-np.inf, -1e4, -800.0, -100.0, -20.0, -1e-8, 0.0, 1e-8, 20.0, 100.0, 800.0, 1e4, np.inf, np.nan]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(("name", "params"), [(n, p) for n, ps in ACTIVATIONS.items() for p in ps],
                         ids=lambda v: v if isinstance(v, str) else _params_id(v))
def test_activation_special_values(name, params, dtype):
    """Large magnitudes, infinities and NaN: the twin's result, finite wherever the twin is finite."""
    x = np.array(SPECIAL, dtype=dtype)
    g = np.full_like(x, 0.5)
    x64, g64 = x.astype(np.float64), g.astype(np.float64)
    with np.errstate(all="ignore"):  # the twins warn about inf * 0 where they give NaN
        refs = getattr(T, name)(x64, *params), getattr(T, name + "_backward")(g64, x64, *params)
    for got, ref in zip((getattr(NK, name)(x, *params), getattr(NK, name + "_backward")(g, x, *params)), refs):
        finite = np.isfinite(x) & np.isfinite(ref)
        assert np.isfinite(got[finite]).all(), (x[finite], got[finite])
        _check(got, ref, dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 4), (1,), (7,), (4, 5), (2, 3, 4)], ids=str)
@pytest.mark.parametrize("name", ROWWISE)
def test_rowwise_kernels_match_twins(name, shape, layout, dtype):
    x = _arrays(shape, dtype, layout, seed=6)
    g = _arrays(shape, dtype, layout, seed=7, scale=1.0)
    x64, g64 = x.astype(np.float64), g.astype(np.float64)
    y64 = getattr(T, name)(x64)
    _check(getattr(NK, name)(x), y64, dtype)
    _check(getattr(K, name)(x), y64, dtype)
    bname = name.replace("_lastdim", "_backward_lastdim")
    y = y64.astype(dtype)
    _check(getattr(NK, bname)(g, y), getattr(T, bname)(g64, y.astype(np.float64)), dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rowwise_large_magnitudes_and_special_rows(dtype):
    x = np.array([[1e4, -1e4, 0.0, 5.0], [-1e4, -1e4, -1e4, -1e4], [3e3, 3e3 + 1, -3e3, 0.0],
                  [np.inf, 1.0, 2.0, 3.0], [-np.inf, 1.0, 2.0, 3.0], [np.nan, 1.0, 2.0, 3.0]], dtype=dtype)
    for name in ROWWISE:
        with np.errstate(invalid="ignore"):
            ref = getattr(T, name)(x.astype(np.float64))
        got = getattr(NK, name)(x)
        assert np.isfinite(got[:3]).all() and np.isfinite(got[4, 1:]).all()
        _check(got, ref, dtype)
    s = NK.softmax_lastdim(x[:3])
    np.testing.assert_allclose(s.sum(-1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("name", ROWWISE)
def test_zero_dim_rowwise_is_the_twins(name):
    x = np.asarray(1.5)
    np.testing.assert_array_equal(getattr(NK, name)(x), getattr(T, name)(x))
    bname = name.replace("_lastdim", "_backward_lastdim")
    np.testing.assert_array_equal(getattr(NK, bname)(x, x), getattr(T, bname)(x, x))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("act", ["", "relu"])
@pytest.mark.parametrize("shape", [(4, 5), (2, 3, 5), (0, 5), (5,)], ids=str)
@pytest.mark.parametrize("with_bias", [True, False])
def test_bias_act_in_place(shape, act, dtype, with_bias):
    out = _arrays(shape, dtype, "c", seed=8)
    bias = _arrays((5,), dtype, "c", seed=9) if with_bias else None
    ref = T.bias_act(out.copy(), bias, act)
    for f in (NK.bias_act, K.bias_act):
        o = out.copy()
        r = f(o, bias, act)
        assert r is o
        np.testing.assert_array_equal(o, ref)


def test_bias_act_unsupported_layouts_use_the_twin_in_place():
    out = np.asfortranarray(_arrays((4, 5), np.float64, "c", seed=10))
    bias32 = np.ones(5, np.float32)
    ref = T.bias_act(out.copy(order="F"), bias32, "relu")
    r = NK.bias_act(out, bias32, "relu")
    assert r is out
    np.testing.assert_array_equal(out, ref)
    scalar_bias = np.asarray(2.0)
    o = np.zeros((2, 3))
    assert NK.bias_act(o, scalar_bias, "") is o and (o == 2.0).all()


def test_dispatch_covers_every_twin_with_measured_thresholds():
    twins = {n for n in dir(T) if not n.startswith("_") and callable(getattr(T, n)) and getattr(T, n).__module__ == T.__name__}
    assert set(dispatch.THRESHOLDS) == twins == set(dispatch.kernels()) == set(NK.SPECS)
    for name, (lo, hi) in dispatch.THRESHOLDS.items():
        assert 0 <= lo <= hi, name


@pytest.mark.parametrize("name", sorted(set(NK.SPECS) - {"bias_act"}))
def test_dispatch_picks_either_side_of_the_thresholds(name):
    """Sizes just below and at ``lo`` and ``hi`` (when finite and small): same result as the twin."""
    lo, hi = dispatch.THRESHOLDS[name]
    f = dispatch.kernels()[name]
    base = name.replace("_backward", "").replace("_lastdim", "")
    params = ACTIVATIONS.get(base, [()])[0]
    for n in {1, lo - 1, lo, hi - 1, hi} - {0, -1}:
        if not (0 < n <= 70_000):
            continue
        x = _arrays((n,), np.float64, "c", seed=n)
        if name.endswith("_lastdim") and "backward" in name:
            y = getattr(T, name.replace("_backward", ""))(x)
            np.testing.assert_allclose(f(x, y), getattr(T, name)(x, y), rtol=1e-12, atol=1e-12)
        elif name.endswith("_backward"):
            np.testing.assert_allclose(f(x, x, *params), getattr(T, name)(x, x, *params), rtol=1e-12, atol=1e-12)
        else:
            np.testing.assert_allclose(f(x, *params), getattr(T, name)(x, *params), rtol=1e-12, atol=1e-12)


@pytest.mark.skipif(os.environ.get("AUTOGRAD_KERNELS", "numba").lower() == "numpy", reason="AUTOGRAD_KERNELS=numpy is set")
def test_numba_backend_is_active_by_default():
    assert K.BACKEND == "numba"
    assert K.relu.__module__ == NK.__name__
    assert jit.cache_path(NK._relu) is None or os.path.isdir(jit.cache_path(NK._relu))


# ---- subprocesses: the NumPy backend, a read-only package, no writable cache at all ------------
def _run(code: str, env_update: dict, pythonpath: Path, timeout: float = 120) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "AUTOGRAD_"))}
    env.update(env_update)
    env["PYTHONPATH"] = str(pythonpath)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True,
                          timeout=timeout, cwd=str(pythonpath))
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


STEP = """
    import sys
    import numpy as np
    import autograd as ag
    from autograd import kernels as K
    x = ag.randn(16, 8, requires_grad=True)
    w = ag.randn(8, 4, requires_grad=True)
    loss = (x @ w).relu().sigmoid().sum()
    loss.backward()
    mask = (x.data @ w.data > 0)
    s = 1 / (1 + np.exp(-np.maximum(x.data @ w.data, 0)))
    np.testing.assert_allclose(w.grad.data, x.data.T @ (s * (1 - s) * mask), rtol=1e-4, atol=1e-5)
"""


def test_numpy_backend_env_runs_everything_on_the_twins():
    out = _run(STEP + """
    from autograd.kernels import numpy_twins
    assert K.BACKEND == "numpy", K.BACKEND
    assert K.relu is numpy_twins.relu and K.sigmoid_backward is numpy_twins.sigmoid_backward
    assert "autograd.kernels.numba_kernels" not in sys.modules
    print("ok")
    """, {"AUTOGRAD_KERNELS": "numpy"}, REPO)
    assert out.strip() == "ok"


@pytest.fixture(scope="module")
def read_only_package(tmp_path_factory):
    """A copy of ``autograd`` whose ``kernels/__pycache__`` cannot be created (a regular file is in the way,
    which stops root too), like a package installed read-only; and a path nobody can write under."""
    root = tmp_path_factory.mktemp("ropkg")
    shutil.copytree(REPO / "autograd", root / "autograd", ignore=shutil.ignore_patterns("__pycache__"))
    (root / "autograd" / "kernels" / "__pycache__").write_text("not a directory\n")
    blocker = root / "blocker"
    blocker.write_text("a file: nothing can be created under it\n")
    return root, blocker / "cache"


CACHE_REPORT = STEP + """
    from autograd.kernels import jit, numba_kernels as NK
    assert K.BACKEND == "numba" and K.relu.__module__ == NK.__name__
    np.testing.assert_array_equal(NK.relu(np.array([-1.0, 2.0], np.float32)), [0.0, 2.0])
    hits = NK._relu.stats.cache_hits
    print(jit.cache_path(NK._relu), sum(hits.values()))
"""


def test_read_only_package_caches_in_the_user_cache_dir(read_only_package, tmp_path):
    root, _ = read_only_package
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg"), "HOME": str(tmp_path / "home")}
    first = _run(CACHE_REPORT, env, root).split()
    assert first[0].startswith(str(tmp_path / "xdg")), first
    assert any(Path(first[0]).glob("numba_kernels._relu-*.nbi"))
    second = _run(CACHE_REPORT, env, root).split()  # a new process loads the kernels from that cache
    assert second[0] == first[0] and int(second[1]) >= 1, second


def test_no_writable_cache_anywhere_still_works(read_only_package):
    root, nowhere = read_only_package
    env = {"XDG_CACHE_HOME": str(nowhere), "HOME": str(nowhere), "NUMBA_CACHE_DIR": str(nowhere)}
    path, hits = _run(CACHE_REPORT, env, root).split()
    assert path == "None" and hits == "0"


def test_saturated_float32_sigmoid_gradient_is_zero_as_in_pytorch():
    # PyTorch (and the twin) differentiate through the float32 output y: y * (1 - y) == 0 once y rounds to 1
    from autograd.kernels import numba_kernels, numpy_twins

    x = np.array([20.0, 10.0, -3.0, 0.5], dtype=np.float32)
    g = np.ones(4, dtype=np.float32)
    np.testing.assert_array_equal(numba_kernels.sigmoid_backward(g, x), numpy_twins.sigmoid_backward(g, x))
    assert numba_kernels.sigmoid_backward(g, x)[0] == 0.0


def test_relu_on_large_arrays_runs_serial_or_two_threads_with_the_same_result():
    from autograd.kernels import adaptive
    from autograd.kernels import numba_kernels as NK
    from autograd.kernels import numpy_twins as T

    if adaptive.threads() < 2:
        pytest.skip("Numba has one thread: relu stays serial")
    rng = np.random.default_rng(0)
    x = rng.standard_normal(adaptive.PARALLEL_MIN + 3).astype(np.float32)
    x[5] = np.nan
    g = rng.standard_normal(x.size).astype(np.float32)
    for parallel in (False, True):
        out = np.empty_like(x)
        run = adaptive.LoopAdaptive(NK._relu)
        run.version(parallel)(x, out)
        np.testing.assert_array_equal(out, T.relu(x))
        gout = np.empty_like(x)
        adaptive.LoopAdaptive(NK._relu_backward, size_arg=1).version(parallel)(g, x, gout)
        np.testing.assert_array_equal(gout, T.relu_backward(g, x))
    for _ in range(12):  # through the public wrappers: both versions get timed, results stay exact
        np.testing.assert_array_equal(NK.relu(x), T.relu(x))
        np.testing.assert_array_equal(NK.relu_backward(g, x), T.relu_backward(g, x))
    for f in (NK.relu, NK.relu_backward):
        run = f.runners[np.dtype(np.float32)]
        assert run.times[False] and run.times[True]  # both versions were tried
