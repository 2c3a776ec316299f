"""Tests driven by the op registry (``autograd.testing``): every case, every check.

- gradcheck (float64) of every differentiable case, and the array-level backward against
  the graph-building one; gradgradcheck where second order is meaningful;
- the active (Numba) kernels against their NumPy twins;
- PyTorch agreement of values, dtypes and input gradients (float64 and float32);
- Hypothesis-drawn shapes with broadcasting and non-contiguous inputs for the
  elementwise, binary and reduction cases;
- a failing test when a public op of ``autograd`` (or a Tensor method) has no case.
"""

from __future__ import annotations

import numpy as np
import pytest
from cubes import ConstCube, Cube, WrongCube
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import autograd as ag
from autograd import methods
from autograd.testing import InputSpec, OpCase, cases, checks, covered_names, op_cases, register, unregister

try:
    import torch
except ImportError:  # parity tests skip with a reason
    torch = None

pytestmark = pytest.mark.filterwarnings("ignore:.*encountered in:RuntimeWarning")

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed: PyTorch agreement not checked")

ALL = list(op_cases.CASES)  # the autograd ops' own cases (nn and optim test theirs)
GRAD = [c for c in ALL if c.gradcheck and c.differentiable]
GRADGRAD = [c for c in GRAD if c.gradgrad]
TORCH = [c for c in ALL if c.torch_fn is not None]


def _ids(cs):
    return [c.id for c in cs]


def _assert(result: checks.CheckResult) -> None:
    if result.skipped:
        pytest.skip(result.skipped)
    assert result.passed, f"{result.check} of {result.case}:\n{result.message}"


# ---- finite differences -----------------------------------------------------------------------
@pytest.mark.parametrize("case", GRAD, ids=_ids(GRAD))
def test_gradcheck(case):
    _assert(checks.check_gradcheck(case))


GRAD32 = [c for c in GRAD if "float32" in c.dtypes]


@pytest.mark.parametrize("case", GRAD32, ids=_ids(GRAD32))
def test_gradcheck_float32(case):
    _assert(checks.check_gradcheck(case, dtype=np.float32))


@pytest.mark.parametrize("case", GRADGRAD, ids=_ids(GRADGRAD))
def test_gradgradcheck(case):
    _assert(checks.check_gradgradcheck(case))


# ---- PyTorch ----------------------------------------------------------------------------------
@needs_torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("case", TORCH, ids=_ids(TORCH))
def test_matches_torch(case, dtype):
    _assert(checks.check_torch(case, torch, dtype=np.dtype(dtype)))


# ---- Numba kernels against their NumPy twins ---------------------------------------------------
COMPILED = set(checks.compiled_kernel_names())
KERNEL_CASES = [c for c in ALL if COMPILED and checks.kernels_used(c) & COMPILED]


@pytest.mark.skipif(not COMPILED, reason="Numba kernels are not available: nothing to compare with the NumPy twins")
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("case", KERNEL_CASES, ids=_ids(KERNEL_CASES))
def test_kernels_match_numpy_twins(case, dtype):
    _assert(checks.check_kernels(case, dtype=np.dtype(dtype)))


def test_kernel_contexts_swap_and_restore():
    from autograd import kernels as K

    before = {n: getattr(K, n) for n in checks.kernel_names()}
    with checks.numpy_kernels():
        assert all(getattr(K, n) is getattr(K.numpy_twins, n) for n in before)
    assert all(getattr(K, n) is f for n, f in before.items())
    if COMPILED:
        from autograd.kernels import numba_kernels as NK

        with checks.numba_kernels():
            assert all(getattr(K, n) is getattr(NK, n) for n in COMPILED)
        assert all(getattr(K, n) is f for n, f in before.items())


def test_kernels_used_sees_the_softmax_kernel():
    (case,) = [c for c in ALL if c.id == "softmax"]
    assert "softmax_lastdim" in checks.kernels_used(case)


# ---- non-contiguous inputs for every case (fixed shapes) ----------------------------------------
STRIDED = [c for c in ALL if any(s.is_float for s in c.inputs)]


@pytest.mark.parametrize("layout", ["transposed", "sliced"])
@pytest.mark.parametrize("case", STRIDED, ids=_ids(STRIDED))
def test_non_contiguous_inputs(case, layout):
    _assert(checks.check_layouts(case, layouts=[layout] * len(case.inputs)))


# ---- Hypothesis: shapes, broadcasting, non-contiguous layouts ----------------------------------
ELEMENTWISE = [c for c in ALL if c.family == "elementwise"]
REDUCING = [c for c in ALL if c.family in ("reduce", "reduce1", "dimwise")]
HYP = settings(max_examples=150, deadline=None, derandomize=True, database=None,
               suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
LAYOUTS = st.sampled_from(["contiguous", "transposed", "sliced"])


@st.composite
def broadcast_shapes(draw, n: int):
    """``n`` shapes that broadcast together (each drops leading dims and sets some sizes to 1)."""
    base = draw(st.lists(st.integers(1, 3), min_size=0, max_size=3))
    shapes = []
    for _ in range(n):
        lead = draw(st.integers(0, len(base)))
        shapes.append(tuple(1 if draw(st.booleans()) and draw(st.booleans()) else s for s in base[lead:]))
    return shapes


def _run_all_checks(case, shapes, layouts, seed, **overrides):
    outs = case.run(case.make_inputs(shapes=shapes, seed=seed), **overrides)
    # outside the op's domain (var of one element is nan): PyTorch agreement there is in the fixed cases
    assume(all(np.isfinite(o.data).all() for o in outs if isinstance(o, ag.Tensor) and o.dtype.kind == "f"))
    res = checks.check_layouts(case, shapes, layouts, seed, **overrides)
    assert res.passed, f"{case.id} shapes={shapes} layouts={layouts} {overrides}: {res.message}"
    inputs = case.make_inputs(shapes=shapes, layouts=layouts, seed=seed)
    if case.gradcheck and case.differentiable:
        res = checks.check_gradcheck(case, inputs, **overrides)
        assert res.passed, f"{case.id} shapes={shapes} layouts={layouts} {overrides}: {res.message}"
    if torch is not None and case.torch_fn is not None:
        res = checks.check_torch(case, torch, inputs, **overrides)
        assert res.passed, f"{case.id} shapes={shapes} layouts={layouts} {overrides}: {res.message}"


@HYP
@given(data=st.data())
def test_elementwise_broadcasting_and_layouts(data):
    case = data.draw(st.sampled_from(ELEMENTWISE), label="case")
    shapes = data.draw(broadcast_shapes(len(case.inputs)), label="shapes")
    layouts = [data.draw(LAYOUTS) for _ in shapes]
    _run_all_checks(case, shapes, layouts, data.draw(st.integers(0, 2**16)))


@HYP
@given(data=st.data())
def test_reductions_over_dims_and_layouts(data):
    case = data.draw(st.sampled_from(REDUCING), label="case")
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3), label="shape"))
    nd = len(shape)
    if case.family == "reduce":
        dims = data.draw(st.lists(st.integers(-nd, nd - 1), min_size=1, max_size=nd, unique_by=lambda d: d % nd))
        dim = dims[0] if len(dims) == 1 and data.draw(st.booleans()) else tuple(dims)
    else:
        dim = data.draw(st.integers(-nd, nd - 1))
    overrides = {"dim": dim}
    if case.family != "dimwise":
        overrides["keepdim"] = data.draw(st.booleans())
    _run_all_checks(case, [shape], [data.draw(LAYOUTS)], data.draw(st.integers(0, 2**16)), **overrides)


# ---- coverage: every public op has a case -------------------------------------------------------
# public callables of ``autograd`` that are not ops (creation, random state, modes, engine entry points, tools)
NON_OPS = {
    "tensor", "as_tensor", "from_numpy", "zeros", "ones", "empty", "full", "zeros_like", "ones_like", "empty_like",
    "full_like", "arange", "linspace", "eye", "rand", "randn", "randint", "randperm", "rand_like", "randn_like",
    "manual_seed", "seed", "initial_seed", "get_default_dtype", "set_default_dtype", "is_grad_enabled",
    "is_anomaly_enabled", "set_detect_anomaly", "backward", "grad", "gradcheck", "gradgradcheck", "is_tensor", "numel",
    "save", "load", "draw_graph", "render_graph",
}
# Tensor methods that are not ops
NON_OP_METHODS: set = set()


def _public_ops() -> dict:
    out = {}
    for name in dir(ag):
        obj = getattr(ag, name)
        if name.startswith("_") or not callable(obj) or isinstance(obj, type) or name in NON_OPS:
            continue
        out[name] = obj
    return out


def test_every_public_op_has_a_registry_entry():
    covered = covered_names()
    covered_objs = {id(getattr(ag, n)) for n in covered if hasattr(ag, n)}
    missing = sorted(n for n, obj in _public_ops().items() if n not in covered and id(obj) not in covered_objs)
    assert not missing, (
        f"public ops of autograd without a case in the op registry: {missing}. Add an OpCase in "
        "autograd/testing/op_cases.py (or add the name to NON_OPS in this test if it is not an op)."
    )


def test_every_tensor_method_has_a_registry_entry():
    covered = covered_names()
    missing = []
    for name in sorted(methods.METHOD_NAMES - NON_OP_METHODS):
        fn = methods._METHODS.get(name)
        same_as_op = fn is not None and getattr(ag, name, None) is fn and name in covered
        if not same_as_op and f"Tensor.{name}" not in covered:
            missing.append(name)
    assert not missing, f"Tensor methods without a case in the op registry (add covers=('Tensor.<name>',)): {missing}"


def test_non_op_allowlist_names_exist():
    stale = sorted(n for n in NON_OPS if not hasattr(ag, n))
    assert not stale, f"NON_OPS names that autograd no longer has: {stale}"


# ---- the registry API: a user's own Function, checked the same way -------------------------------
def test_register_custom_function_and_check_it():
    case = register(OpCase("cube", Cube.apply, [InputSpec((2, 3))], torch_fn=lambda t, x: x**3, family="elementwise"))
    try:
        assert [c.id for c in cases("cube")] == ["cube"]
        assert checks.check_gradcheck(case).passed
        assert checks.check_gradgradcheck(case).passed
        assert checks.check_layouts(case, [(3, 2)], ["transposed"]).passed
        if torch is not None:
            assert checks.check_torch(case, torch).passed
    finally:
        unregister(case)
    assert cases("cube") == []


def test_checks_catch_a_wrong_gradient():
    case = OpCase("wrong_cube", WrongCube.apply, [InputSpec((3,))], torch_fn=lambda t, x: x**3)
    res = checks.check_gradcheck(case)
    assert not res.passed and "worst element" in res.message and res.max_abs > 0.1
    if torch is not None:
        res = checks.check_torch(case, torch)
        assert not res.passed and "gradient of input 0" in res.message


def test_checks_catch_a_wrong_second_derivative():
    case = OpCase("const_cube", ConstCube.apply, [InputSpec((3,))])
    assert checks.check_gradcheck(case).passed
    res = checks.check_gradgradcheck(case)
    assert not res.passed and "Jacobian mismatch" in res.message


def test_register_rejects_duplicates_and_non_cases():
    case = register(OpCase("dup_probe", ag.exp, [InputSpec((2,))]))
    try:
        with pytest.raises(ValueError, match="already registered"):
            register(OpCase("dup_probe", ag.exp, [InputSpec((2,))]))
        with pytest.raises(TypeError, match="expected an OpCase"):
            register("exp")
    finally:
        unregister(case)


def test_cases_filter_by_name_glob_and_predicate():
    assert {c.name for c in cases("sum")} == {"sum"}
    assert all(c.id.startswith("sum[") for c in cases("sum[*"))
    assert [c for c in cases(lambda c: c.family == "dimwise") if c in ALL] == [c for c in ALL if c.family == "dimwise"]


def test_input_spec_domains():
    rng = np.random.default_rng(0)
    assert (InputSpec((50,), "positive").sample(rng) > 0).all()
    nz = InputSpec((50,), "nonzero").sample(rng)
    assert (np.abs(nz) >= 0.5).all() and (nz < 0).any() and (nz > 0).any()
    d = np.abs(InputSpec((4, 5), "distinct").sample(rng)).ravel()
    assert np.diff(np.sort(d)).min() > 0.5 / 21 and d.min() > 0
    assert InputSpec((3,), (2, 5), "int64").sample(rng).dtype == np.int64
    assert InputSpec((3,), dtype="bool").sample(rng).dtype == np.bool_
    assert InputSpec(()).sample(rng).shape == ()
    assert not InputSpec((2,), dtype="int64").grad and InputSpec((2,)).grad and not InputSpec((2,), requires_grad=False).grad


def test_strided_inputs_are_not_contiguous_and_keep_values():
    case = OpCase("probe", ag.exp, [InputSpec((2, 3)), InputSpec((2, 3))])
    plain = case.make_inputs()
    t, s = case.make_inputs(layouts=["transposed", "sliced"])
    assert not t.data.flags["C_CONTIGUOUS"] and not s.data.flags["C_CONTIGUOUS"]
    np.testing.assert_array_equal(t.data, plain[0].data)
    np.testing.assert_array_equal(s.data, plain[1].data)
