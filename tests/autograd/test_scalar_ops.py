"""Tensor (op) Python number: the lean nodes of ``autograd/ops/scalar.py``.

Values and gradients of these operators are also covered by the op registry (gradcheck,
gradgradcheck, PyTorch parity, Hypothesis); here: what sets these nodes apart.
"""

import gc
import operator
import warnings
import weakref

import numpy as np
import pytest

import autograd as ag
from autograd.ops import _util
from autograd.ops import scalar as S

OPERATORS = {
    "x + s": lambda x, s: x + s,
    "s + x": lambda x, s: s + x,
    "x - s": lambda x, s: x - s,
    "s - x": lambda x, s: s - x,
    "x * s": lambda x, s: x * s,
    "s * x": lambda x, s: s * x,
    "x / s": lambda x, s: x / s,
}


@pytest.mark.parametrize("spelling", sorted(OPERATORS))
def test_node_names_and_edges_as_pytorch(spelling):
    torch = pytest.importorskip("torch")
    f = OPERATORS[spelling]
    ours = f(ag.ones(2, requires_grad=True), 3.0).grad_fn
    theirs = f(torch.ones(2, requires_grad=True), 3.0).grad_fn
    assert repr(ours) == f"<{type(theirs).__name__}>"
    assert len(ours.next_functions) == len(theirs.next_functions)
    assert [e[0] is None for e in ours.next_functions] == [e[0] is None for e in theirs.next_functions]


@pytest.mark.parametrize("spelling", sorted(OPERATORS))
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_values_and_gradients_keep_the_dtype(spelling, dtype):
    f = OPERATORS[spelling]
    x = ag.tensor([0.5, -2.0, 3.0], dtype=getattr(ag, dtype), requires_grad=True)
    y = f(x, 1.5)
    assert y.dtype == x.dtype and type(y.grad_fn).__module__ == S.__name__
    np.testing.assert_array_equal(y.data, f(x.data, getattr(np, dtype)(1.5)))
    y.sum().backward()
    assert x.grad.dtype == x.dtype


def test_int_tensors_and_other_operands_take_the_general_ops():
    i = ag.tensor([1, 2])
    assert (i * 2).dtype == ag.int64 and (i * 2.5).dtype == ag.float32 and (i / 2).dtype == ag.float32
    x = ag.ones(2, requires_grad=True)
    assert type((x * np.float64(2.0)).grad_fn).__module__ != S.__name__  # a NumPy scalar is not a Python number
    assert type((x * True).grad_fn).__module__ != S.__name__


def test_a_0d_tensor_stays_a_tensor():
    x = ag.tensor(2.0, requires_grad=True)
    y = 1 - x / 4
    assert isinstance(y.data, np.ndarray) and y.shape == () and y.item() == 0.5
    y.backward()
    assert x.grad.item() == -0.25


def test_signed_zero_nan_and_inf_follow_numpy():
    x = ag.tensor([1.0, -2.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for s in (-0.0, 0.0, float("nan"), float("inf"), -float("inf"), 1e300):
            for spelling, f in OPERATORS.items():
                ours = f(x, s).data
                expected = f(x.data, s)
                np.testing.assert_array_equal(ours, expected, err_msg=f"{spelling} with s={s}")
                assert (np.signbit(ours) == np.signbit(expected)).all(), f"{spelling} with s={s}: sign of zero"


def test_the_tensor_is_not_kept_and_may_change_in_place_afterwards():
    # as PyTorch: x * 2 keeps only the 2, so changing x later is no error and x itself can be freed
    x = ag.ones(3, requires_grad=True)
    h = x.exp()
    y = h * 2.0
    ref = weakref.ref(h)
    del h
    gc.collect()
    assert ref() is None
    y.sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.e, rtol=1e-6)

    w = ag.ones(3, requires_grad=True)
    z = w.clone()
    out = z * 3.0
    with ag.no_grad():
        z.add_(1.0)
    out.sum().backward()
    np.testing.assert_array_equal(w.grad.data, [3.0, 3.0, 3.0])


def test_no_grad_and_constant_inputs_record_nothing():
    x = ag.ones(2, requires_grad=True)
    with ag.no_grad():
        assert (x * 2).grad_fn is None and not (x * 2).requires_grad
    c = ag.ones(2)
    assert (c + 1).grad_fn is None and not (c + 1).requires_grad


def test_second_backward_through_a_freed_scalar_node_raises():
    x = ag.ones(2, requires_grad=True)
    y = (x * 2).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_double_backward_and_hooks():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3.0) ** 2
    (g,) = ag.grad(y.sum(), [x], create_graph=True)
    np.testing.assert_allclose(g.data, 18 * x.data)
    (gg,) = ag.grad(g.sum(), [x])
    np.testing.assert_allclose(gg.data, [18.0, 18.0])

    seen = []
    z = x * 2.0
    z.register_hook(lambda grad: seen.append(grad.data.copy()))
    (z - 1).sum().backward()
    np.testing.assert_array_equal(seen[0], [1.0, 1.0])


def test_module_scope_and_anomaly_are_recorded():
    from autograd.scope import module_scope

    with module_scope("block"):
        assert (ag.ones(1, requires_grad=True) * 2).grad_fn.scope == ("block",)
    x = ag.tensor([0.0], requires_grad=True)
    with ag.detect_anomaly():
        y = x.sqrt() * 2.0  # the line the error must name
        assert "test_scalar_ops.py" in y.grad_fn.trace
        with pytest.raises(RuntimeError, match="sqrt"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            y.sum().backward()


def test_the_scalar_cache_stays_small_and_read_only():
    dt = np.dtype(np.float64)
    for k in range(3000):
        _util.scalar_operand(1.0 + k / 7, dt)
    assert len(_util._SCALAR_ARRAYS[dt]) <= _util._SCALAR_CACHE_SIZE
    arr = _util.scalar_operand(0.5, dt)
    assert arr.shape == () and not arr.flags.writeable
    assert _util.scalar_operand(-0.0, dt) == 0.0 and isinstance(_util.scalar_operand(-0.0, dt), float)
    assert isinstance(_util.scalar_operand(float("nan"), dt), float)
    assert isinstance(_util.scalar_operand(1e300, np.dtype(np.float32)), float)


@pytest.mark.parametrize("op", [operator.add, operator.sub, operator.mul, operator.truediv])
def test_matches_the_general_op_bit_for_bit(op):
    rng = np.random.default_rng(0)
    data = rng.standard_normal(1000).astype(np.float32)
    s = 0.1234567
    general = op(ag.from_numpy(data), ag.tensor(s, dtype=ag.float32)).data  # tensor (op) 0-d tensor
    np.testing.assert_array_equal(op(ag.from_numpy(data), s).data, general)
