"""Each fused Numba update kernel against its NumPy twin, for every flag, in float32 and float64."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys

import numpy as np
import pytest

from optim import kernels as K

N = 37  # odd: exercises the vector loop's remainder

# name -> (number of state arrays, scalar args (floats), number of bool flags)
SPECS = {
    "sgd": (1, (-0.1, 0.05, 0.9, 0.7), 5),
    "adam": (3, (-0.01, 1.3, 1e-8, 0.1, 0.999, 0.001, 0.05, 0.9995), 4),
    "adagrad": (1, (-0.1, 1e-10, 0.05), 2),
    "rmsprop": (3, (-0.01, 0.99, 0.01, 1e-8, 0.05, 0.9), 4),
    "nadam": (2, (-0.003, -0.02, 0.7, 1e-8, 0.1, 0.999, 0.001, 0.05, 0.9995), 3),
    "adadelta": (2, (-1.0, 0.9, 0.1, 1e-6, 0.05), 2),
    "lion": (1, (-1e-3, 0.9, 0.1, 0.99, 0.01, 0.999), 2),
}


def _arrays(name, dtype, rng):
    n_state = SPECS[name][0]
    p = rng.standard_normal(N).astype(dtype)
    g = rng.standard_normal(N).astype(dtype)
    g[3] = 0.0
    state = [np.abs(rng.standard_normal(N)).astype(dtype) + 0.5 for _ in range(n_state)]
    if name == "rmsprop":  # square_avg >= grad_avg**2, as it always is
        state[0] += state[1] ** 2
    return [p, g, *state]


def _flag_sets(n):
    combos = list(itertools.product([False, True], repeat=n))
    return combos if len(combos) <= 16 else combos[::3]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(SPECS))
def test_kernel_matches_twin(name, dtype):
    rng = np.random.default_rng(0)
    _, scalars, n_flags = SPECS[name]
    t = np.dtype(dtype).type
    for flags in _flag_sets(n_flags):
        base = _arrays(name, dtype, rng)
        a = [x.copy() for x in base]
        b = [x.copy() for x in base]
        K.compiled(name)(*a, *map(t, scalars), *flags)
        K.twins[name](*b, *map(t, scalars), *flags)
        rtol = 1e-6 if dtype == np.float32 else 1e-14
        for i, (x, y) in enumerate(zip(a, b)):
            np.testing.assert_allclose(x, y, rtol=rtol, atol=rtol * 1e-2, err_msg=f"{name} {flags} array {i}")
            assert x.dtype == dtype


def test_sgd_first_step_copies_the_gradient_into_the_buffer():
    for impl in (K.compiled("sgd"), K.twins["sgd"]):
        p, g, buf = np.ones(3), np.array([1.0, 2.0, 3.0]), np.full(3, 99.0)
        impl(p, g, buf, -0.1, 0.0, 0.9, 1.0, False, True, True, False, False)
        np.testing.assert_array_equal(buf, g)
        np.testing.assert_allclose(p, [0.9, 0.8, 0.7])


@pytest.mark.parametrize("name", list(SPECS))
def test_parallel_kernel_matches_serial(name):
    rng = np.random.default_rng(3)
    _, scalars, n_flags = SPECS[name]
    t = np.float32
    base = _arrays(name, np.float32, rng)
    a = [x.copy() for x in base]
    b = [x.copy() for x in base]
    flags = tuple(i % 2 == 0 for i in range(n_flags))
    K.compiled(name, parallel=True)(*a, *map(t, scalars), *flags)
    K.compiled(name)(*b, *map(t, scalars), *flags)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_state_arrays_switched_off_may_be_empty():
    """The optimizers pass empty arrays (never aliases) for state a flag switches off."""
    empty = np.empty(0)
    for impl in (K.compiled, lambda n: K.twins[n]):
        p, g = np.ones(4), np.full(4, 0.5)
        impl("sgd")(p, g, empty, -0.1, 0.0, 0.0, 1.0, False, False, False, False, False)
        np.testing.assert_allclose(p, 0.95)
        m, v = np.zeros(4), np.zeros(4)
        impl("adam")(p, g, m, v, empty, -1.0, 1 / 0.001**0.5, 1e-8, 0.1, 0.999, 0.001, 0.0, 1.0, False, False, False, False)
        np.testing.assert_allclose(p, 0.85, rtol=1e-6)
        sq = np.zeros(4)
        impl("rmsprop")(p, g, sq, empty, empty, -0.01, 0.99, 0.01, 1e-8, 0.0, 0.0, False, False, False, False)
        np.testing.assert_allclose(p, 0.75, rtol=1e-6)


def test_select_uses_twins_for_other_dtypes_and_parallel_only_when_large():
    assert K.select("adam", np.dtype(np.float16), 10) is K.twins["adam"]
    if K.BACKEND == "numba":
        assert K.select("adam", np.dtype(np.float32), 10) is K.compiled("adam")
        big = K.select("adam", np.dtype(np.float32), K.PARALLEL_MIN)
        assert isinstance(big, K._Adaptive) or big is K.compiled("adam")  # adaptive unless Numba has 1 thread
        saved = K.PARALLEL
        try:
            K.PARALLEL = frozenset()
            assert K.select("lion", np.dtype(np.float32), 10**7) is K.compiled("lion")
        finally:
            K.PARALLEL = saved


def test_numpy_backend_env_var_selects_twins_and_gives_the_same_result():
    code = (
        "import numpy as np, autograd as ag, optim\n"
        "from optim import kernels as K\n"
        "w = ag.tensor(np.linspace(-1, 1, 7), requires_grad=True)\n"
        "opt = optim.Adam([w], lr=0.1, amsgrad=True, weight_decay=0.1)\n"
        "for _ in range(3):\n"
        "    w.grad = ag.tensor(np.cos(w.data)); opt.step()\n"
        "assert K.select('adam', w.data.dtype, 7) is K.twins['adam']\n"
        "print(K.BACKEND, repr(w.data.tolist()))\n"
    )
    env = dict(os.environ, AUTOGRAD_KERNELS="numpy")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    backend, values = out.stdout.split(" ", 1)
    assert backend == "numpy"

    import autograd as ag
    import optim

    w = ag.tensor(np.linspace(-1, 1, 7), requires_grad=True)
    opt = optim.Adam([w], lr=0.1, amsgrad=True, weight_decay=0.1)
    for _ in range(3):
        w.grad = ag.tensor(np.cos(w.data))
        opt.step()
    np.testing.assert_allclose(w.data, eval(values), rtol=1e-14)


def test_adaptive_runs_the_faster_version_and_backs_off_a_stalling_one(monkeypatch):
    cost = {False: 1.0, True: 0.5}  # seconds per call, on a fake clock
    now = [0.0]

    def fake(name, parallel=False):
        def run(*args):
            now[0] += cost[parallel]
        return run

    monkeypatch.setattr(K, "compiled", fake)
    monkeypatch.setattr(K, "_clock", lambda: now[0])
    run = K._Adaptive("sgd")
    chosen = []
    choose = run.choose
    monkeypatch.setattr(run, "choose", lambda: chosen.append(choose()) or chosen[-1])
    p = np.zeros(1)

    def calls(k):
        del chosen[:]
        for _ in range(k):
            run(p)
        return sum(parallel for parallel, _ in chosen)  # how many ran parallel

    assert calls(200) > 180  # parallel is faster: nearly always parallel
    cost[True] = 20.0  # the machine gets busy: parallel calls stall
    assert calls(2000) < 50  # serial, with rare (backed-off) bursts of parallel
    cost[True] = 0.5  # quiet again: parallel wins back within MAX_PROBE calls
    calls(K._Adaptive.MAX_PROBE + 10)
    assert calls(200) > 180


def test_a_step_bumps_the_version_of_parameters_and_their_views():
    import autograd as ag
    import optim

    w = ag.ones(3, requires_grad=True)
    frozen = w.detach()  # shares w's memory, as in PyTorch
    y = (ag.ones(3, requires_grad=True) * frozen).sum()  # keeps `frozen` for backward
    w.grad = ag.ones(3)
    optim.SGD([w], lr=0.1).step()
    assert w._version == 1 and frozen._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()
