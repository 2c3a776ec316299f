"""The Tensor API and creation functions (issue 2, part 1), in-place ops with the version counter,
and the engine's public surface (``grad``, ``backward``, hooks, grad modes) — checked against
PyTorch's documented behaviour, and against PyTorch itself where it is installed."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag

try:
    import torch
except ImportError:
    torch = None

needs_torch = pytest.mark.skipif(torch is None, reason="PyTorch is not installed: repr/dtype parity not checked")


@pytest.fixture
def default_float64():
    ag.set_default_dtype(ag.float64)
    yield
    ag.set_default_dtype(ag.float32)


# ---- creation and dtypes -------------------------------------------------------------------------
@pytest.mark.parametrize("data, dtype", [
    ([1, 2], np.int64), ([1.0, 2], np.float32), ([True, False], np.bool_), (3, np.int64), (2.5, np.float32),
    ([], np.float32), ([[1, 2], [3, 4]], np.int64), (np.array([1.0]), np.float64), (np.array([1], np.int32), np.int32),
    (np.float64(1.5), np.float64), (np.float32(1.5), np.float32), (np.int32(3), np.int32), (True, np.bool_),
])
def test_tensor_infers_dtype_as_pytorch(data, dtype):
    assert ag.tensor(data).dtype == np.dtype(dtype)


def test_tensor_copies_but_from_numpy_and_as_tensor_share():
    a = np.zeros(3)
    t, f, s = ag.tensor(a), ag.from_numpy(a), ag.as_tensor(a)
    a[0] = 7
    assert t[0].item() == 0 and f[0].item() == 7 and s[0].item() == 7
    assert ag.as_tensor(a, dtype=ag.float32).dtype == np.float32
    x = ag.ones(2)
    assert ag.as_tensor(x) is x


def test_tensor_from_tensor_copies_and_drops_graph():
    x = ag.ones(2, requires_grad=True)
    y = ag.tensor(x * 2)
    assert y.grad_fn is None and not y.requires_grad and y.tolist() == [2.0, 2.0]


def test_sizes_as_varargs_tuple_or_list():
    for z in (ag.zeros(2, 3), ag.zeros((2, 3)), ag.zeros([2, 3]), ag.ones(2, 3), ag.empty(2, 3), ag.rand(2, 3), ag.randn(2, 3)):
        assert z.shape == (2, 3) and z.dtype == np.float32
    assert ag.zeros(()).shape == () and ag.zeros(0, 3).numel() == 0


def test_creation_dtypes():
    assert ag.ones(2, dtype=ag.int64).dtype == np.int64
    assert ag.full((2,), 7).dtype == np.int64
    assert ag.full((2,), 7.0).dtype == np.float32
    assert ag.full((2,), True).dtype == np.bool_
    assert ag.full((2, 2), 1.5, dtype=ag.float64).dtype == np.float64
    assert ag.zeros_like(ag.tensor([1, 2])).dtype == np.int64
    assert ag.ones_like(ag.ones(2), dtype=ag.float64).dtype == np.float64
    assert ag.full_like(ag.ones(2), 3).tolist() == [3.0, 3.0]
    assert ag.empty_like(ag.ones(2, 3)).shape == (2, 3)
    assert ag.eye(2, 3).tolist() == [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    assert ag.eye(2, dtype=ag.int64).dtype == np.int64


def test_arange_and_linspace_follow_pytorch():
    assert ag.arange(5).tolist() == [0, 1, 2, 3, 4] and ag.arange(5).dtype == np.int64
    assert ag.arange(1, 10, 3).tolist() == [1, 4, 7]
    assert ag.arange(5.0).dtype == np.float32
    assert ag.arange(0, 1, 0.25).tolist() == [0.0, 0.25, 0.5, 0.75]
    assert ag.arange(3, 0, -1).tolist() == [3, 2, 1]
    assert ag.arange(3, dtype=ag.float64).dtype == np.float64
    assert ag.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert ag.linspace(2, 3, 1).tolist() == [2.0] and ag.linspace(0, 1, 0).shape == (0,)
    assert ag.linspace(0, 1, 3).dtype == np.float32


def test_random_creation():
    r = ag.rand(1000)
    assert 0 <= r.min().item() and r.max().item() < 1
    n = ag.randn(4000, dtype=ag.float64)
    assert abs(n.mean().item()) < 0.1 and abs(n.std().item() - 1) < 0.1
    i = ag.randint(0, 10, (200,))
    assert i.dtype == np.int64 and 0 <= i.min().item() and i.max().item() < 10
    assert ag.randint(5, (3,)).shape == (3,)
    assert sorted(ag.randperm(6).tolist()) == list(range(6))
    assert ag.rand_like(ag.zeros(2, 3)).shape == (2, 3) and ag.randn_like(ag.zeros(2, dtype=ag.float64)).dtype == np.float64


def test_manual_seed_reproducibility_and_generators():
    ag.manual_seed(123)
    a = (ag.rand(3), ag.randn(2, 2), ag.randint(0, 100, (4,)), ag.randperm(5))
    ag.manual_seed(123)
    b = (ag.rand(3), ag.randn(2, 2), ag.randint(0, 100, (4,)), ag.randperm(5))
    assert all(x.tolist() == y.tolist() for x, y in zip(a, b))
    assert ag.initial_seed() == 123
    g1, g2 = ag.Generator().manual_seed(7), ag.Generator().manual_seed(7)
    ag.manual_seed(0)
    x = ag.randn(3, generator=g1)
    _ = ag.randn(5)  # the default generator does not disturb g2
    assert x.tolist() == ag.randn(3, generator=g2).tolist()
    state = g1.get_state()
    u = ag.rand(2, generator=g1)
    g1.set_state(state)
    assert ag.rand(2, generator=g1).tolist() == u.tolist()


def test_default_dtype(default_float64):
    assert ag.get_default_dtype() == np.float64
    assert ag.tensor([1.0]).dtype == np.float64 and ag.zeros(2).dtype == np.float64 and ag.randn(2).dtype == np.float64
    assert ag.arange(0.5, 2).dtype == np.float64 and (ag.tensor([1, 2]) / 2).dtype == np.float64
    assert ag.tensor([1, 2]).dtype == np.int64


def test_set_default_dtype_rejects_non_float():
    with pytest.raises(TypeError, match="floating"):
        ag.set_default_dtype(ag.int64)
    assert ag.get_default_dtype() == np.float32


def test_dtype_aliases_are_pytorch_names():
    assert ag.float == ag.float32 and ag.double == ag.float64 and ag.long == ag.int64 and ag.half == ag.float16
    assert ag.bool == np.bool_ and ag.tensor([1]).to(ag.bool).dtype == np.bool_
    assert ag.tensor([1, 2], dtype=float).dtype == np.float32 and ag.tensor([1.5], dtype=int).dtype == np.int64


# ---- Tensor properties and conversions --------------------------------------------------------------
def test_shape_size_numel_ndim():
    x = ag.zeros(2, 3, 4)
    assert x.shape == (2, 3, 4) and isinstance(x.shape, ag.Size) and x.size() == (2, 3, 4)
    assert x.size(1) == 3 and x.size(-1) == 4 and x.numel() == 24 and ag.numel(x) == 24
    assert x.ndim == 3 and x.dim() == 3 and len(x) == 2 and x.device == "cpu"
    assert repr(x.shape) == "Size([2, 3, 4])" and x.shape.numel() == 24
    with pytest.raises(IndexError, match="size"):
        x.size(3)
    with pytest.raises(TypeError, match="0-d"):
        len(ag.tensor(1.0))


def test_T_and_transposes():
    x = ag.arange(6).reshape(2, 3)
    assert x.T.shape == (3, 2) and x.T.tolist() == [[0, 3], [1, 4], [2, 5]]
    v = ag.arange(3)
    assert v.T is v
    assert ag.zeros(2, 3, 4).mT.shape == (2, 4, 3)


def test_item_tolist_numpy():
    assert ag.tensor([[2.5]]).item() == 2.5 and isinstance(ag.tensor([3]).item(), int)
    assert ag.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]] and ag.tensor(1.5).tolist() == 1.5
    x = ag.ones(2)
    arr = x.numpy()
    arr[0] = 5
    assert x[0].item() == 5  # shares memory, as torch
    with pytest.raises(RuntimeError, match=r"a Tensor with 2 elements cannot be converted to Scalar"):
        x.item()
    with pytest.raises(RuntimeError, match="detach"):
        ag.ones(2, requires_grad=True).numpy()
    assert ag.ones(2, requires_grad=True).detach().numpy().tolist() == [1.0, 1.0]
    assert float(ag.tensor([2.5])) == 2.5 and int(ag.tensor(3)) == 3 and bool(ag.tensor([1.0]))
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(ag.ones(2))
    assert np.asarray(ag.ones(2)).tolist() == [1.0, 1.0]


def test_casts_keep_gradients_between_floats():
    x = ag.tensor([1.5, -2.7], requires_grad=True)
    assert x.double().dtype == np.float64 and x.float() is x and x.to(ag.float32) is x
    assert x.long().tolist() == [1, -2] and x.long().dtype == np.int64 and not x.long().requires_grad
    assert x.int().dtype == np.int32 and x.bool().tolist() == [True, True] and x.half().dtype == np.float16
    assert x.to("cpu") is x and x.to("cpu", ag.float64).dtype == np.float64 and x.to(dtype=ag.float64).dtype == np.float64
    assert x.type_as(ag.zeros(1, dtype=ag.float64)).dtype == np.float64
    (x.double() * 2).sum().backward()
    assert x.grad.dtype == np.float32 and x.grad.tolist() == [2.0, 2.0]


def test_is_leaf_grad_fn_requires_grad():
    x = ag.ones(2, requires_grad=True)
    c = ag.ones(2)
    y = x * 2
    assert x.is_leaf and x.grad_fn is None and x.grad is None
    assert not y.is_leaf and y.grad_fn is not None and y.requires_grad
    z = c * 2  # no input requires grad: a leaf, as in PyTorch
    assert z.is_leaf and not z.requires_grad
    d = y.detach()
    assert d.is_leaf and not d.requires_grad and np.shares_memory(d.data, y.data)
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad_(False)
    assert c.requires_grad_() is c and c.requires_grad


@needs_torch
@pytest.mark.parametrize("make", [
    lambda t: t.tensor([1.0, 2.0]), lambda t: t.tensor([1, 2]), lambda t: t.tensor([1.5, 2.25]), lambda t: t.tensor(3.0),
    lambda t: t.tensor([[1.0, -2.0], [3.5, 4.0]]), lambda t: t.tensor([True, False]), lambda t: t.tensor([]),
    lambda t: t.tensor([1.0, 2.0], requires_grad=True), lambda t: t.tensor([0.1, 100.0]), lambda t: t.zeros(0, 3),
    lambda t: t.zeros(0, dtype=t.int64),
])
def test_repr_matches_pytorch(make):
    assert repr(make(ag)) == repr(make(torch)).replace("torch.", "")  # our dtypes are NumPy dtypes


def test_repr_shows_dtype_and_grad_fn():
    assert repr(ag.tensor([1.0], dtype=ag.float64)) == "tensor([1.], dtype=float64)"
    x = ag.tensor([1.0], requires_grad=True)
    assert repr(x) == "tensor([1.], requires_grad=True)"
    assert repr(x * 2).startswith("tensor([2.], grad_fn=<") and "Backward" in repr(x * 2)


# ---- in-place ops and the version counter --------------------------------------------------------------
def test_inplace_ops_bump_the_version_counter():
    x = ag.zeros(3)
    ops = [lambda: x.add_(1), lambda: x.sub_(0.5), lambda: x.mul_(2), lambda: x.div_(4), lambda: x.clamp_(0, 0.1),
           lambda: x.fill_(3), lambda: x.copy_(ag.ones(3)), lambda: x.zero_(), lambda: x.__setitem__(0, 5.0)]
    for i, op in enumerate(ops, start=1):
        op()
        assert x._version == i
    assert x.tolist() == [5.0, 0.0, 0.0]
    x += 1
    x *= 2
    assert x._version == len(ops) + 2 and x.tolist() == [12.0, 2.0, 2.0]


def test_inplace_ops_return_self_with_pytorch_values():
    x = ag.tensor([1.0, 2.0])
    assert x.add_(ag.tensor([1.0, 1.0]), alpha=2) is x and x.tolist() == [3.0, 4.0]
    assert x.sub_(1, alpha=0.5).tolist() == [2.5, 3.5]
    i = ag.tensor([1, 2])
    i.add_(1)
    assert i.dtype == np.int64 and i.tolist() == [2, 3]
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.add_(0.5)
    with pytest.raises(RuntimeError, match="can't be cast"):
        i.div_(2)


def test_inplace_on_leaf_requiring_grad_needs_no_grad():
    w = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
        w.add_(1)
    assert w._version == 0 and w.tolist() == [1.0, 1.0]
    with ag.no_grad():
        w.sub_(0.5)
    assert w._version == 1 and w.tolist() == [0.5, 0.5] and w.is_leaf and w.requires_grad


def test_inplace_on_non_leaf_is_recorded():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.mul_(3)
    y[0] = 0.0
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 6.0]


def test_inplace_modification_after_save_is_detected():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()  # saves its output
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    b = a * 1
    c = b * b  # saves b
    b[0] = 3.0
    with pytest.raises(RuntimeError, match=r"modified by an inplace operation.*version 1; expected version 0"):
        c.sum().backward()


def test_setitem_gradient_to_value_and_input():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    v = ag.tensor(5.0, requires_grad=True)
    y = x * 1
    y[ag.tensor([0, 2])] = v
    (y * ag.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert x.grad.tolist() == [0.0, 2.0, 0.0] and v.grad.item() == 4.0


# ---- the engine ------------------------------------------------------------------------------------
def test_grad_with_grad_outputs_and_non_leaf_inputs():
    x = ag.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * x
    z = y * 3
    (gx,) = ag.grad(z, x, grad_outputs=ag.tensor([1.0, 0.0, 2.0]), retain_graph=True)
    assert gx.tolist() == [6.0, 0.0, 36.0] and x.grad is None
    gy, gx2 = ag.grad(z.sum(), [y, x])
    assert gy.tolist() == [3.0, 3.0, 3.0] and gx2.tolist() == [6.0, 12.0, 18.0]
    assert ag.autograd.grad is ag.grad  # torch.autograd.grad spelling


def test_grad_allow_unused_and_materialize():
    x = ag.ones(2, requires_grad=True)
    u = ag.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"input 1 \(shape \(3,\)\).*not have been used.*allow_unused=True"):
        ag.grad((x * 2).sum(), [x, u])
    gx, gu = ag.grad((x * 2).sum(), [x, u], allow_unused=True)
    assert gx.tolist() == [2.0, 2.0] and gu is None
    _, gu = ag.grad((x * 2).sum(), [x, u], materialize_grads=True)
    assert gu.tolist() == [0.0, 0.0, 0.0]
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.grad((x * 2).sum(), [ag.ones(2)])


def test_retain_graph_and_create_graph():
    x = ag.tensor([2.0], dtype=ag.float64, requires_grad=True)
    y = (x**3).sum()
    (g,) = ag.grad(y, x, create_graph=True)
    assert g.requires_grad and g.item() == 12.0
    (h,) = ag.grad(g.sum(), x, retain_graph=True)
    assert h.item() == 12.0
    (h2,) = ag.grad(g.sum(), x)  # retained above
    assert h2.item() == 12.0
    with pytest.raises(RuntimeError, match="second time"):
        ag.grad(g.sum(), x)
    z = (x * x).sum()
    z.backward(create_graph=True)
    assert x.grad.requires_grad and x.grad.item() == 4.0
    x.grad.sum().backward()  # d(2x)/dx accumulates into the same .grad
    assert x.grad.item() == 6.0


def test_backward_inputs_restricts_accumulation():
    a = ag.ones(2, requires_grad=True)
    b = ag.ones(2, requires_grad=True)
    (a * b * 3).sum().backward(inputs=[a])
    assert a.grad.tolist() == [3.0, 3.0] and b.grad is None


def test_backward_with_gradient_argument_and_multiple_roots():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 2).backward(ag.tensor([1.0, 10.0]))
    assert x.grad.tolist() == [2.0, 20.0]
    x.grad = None
    ag.backward([(x * 1).sum(), (x * x).sum()])
    assert x.grad.tolist() == [3.0, 5.0]
    with pytest.raises(RuntimeError, match=r"Mismatch in shape.*\(3,\).*\(2,\)"):
        (x * 2).backward(ag.ones(3))


def test_hooks_modify_and_remove():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    h1 = x.register_hook(lambda g: g * 10)
    (x * 1).sum().backward()
    assert x.grad.tolist() == [10.0, 10.0]
    h1.remove()
    x.grad = None
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]
    y = x * 2
    seen = []
    y.register_hook(lambda g: seen.append(g.tolist()))
    y.register_hook(lambda g: g + 1)
    x.grad = None
    y.sum().backward()
    assert seen == [[1.0, 1.0]] and x.grad.tolist() == [4.0, 4.0]
    with pytest.raises(RuntimeError, match="doesn't require gradient"):
        ag.ones(2).register_hook(lambda g: g)


def test_retain_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    z = y * y
    y.retain_grad()
    assert y.retains_grad and not x.retains_grad
    z.sum().backward()
    assert y.grad.tolist() == [6.0, 12.0] and x.grad.tolist() == [18.0, 36.0]
    w = x * 2
    (w * 1).sum().backward()
    assert w.grad is None  # not retained: only leaves keep .grad
    x.retain_grad()  # a no-op on leaves


def test_no_grad_enable_grad_set_grad_enabled():
    x = ag.ones(2, requires_grad=True)
    with ag.no_grad():
        assert not ag.is_grad_enabled() and not (x * 2).requires_grad
        with ag.enable_grad():
            assert (x * 2).requires_grad
    with ag.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert ag.is_grad_enabled()
    ag.set_grad_enabled(False)  # as a function: takes effect at once
    try:
        assert not ag.is_grad_enabled()
    finally:
        ag.set_grad_enabled(True)

    @ag.no_grad()
    def f(t):
        return t * 2

    @ag.enable_grad()
    def g(t):
        return t * 2

    @ag.set_grad_enabled(False)
    def h(t):
        return t * 2

    assert ag.is_grad_enabled()  # decorating with set_grad_enabled(False) does not switch the mode
    assert not f(x).requires_grad and not h(x).requires_grad
    with ag.no_grad():
        assert g(x).requires_grad
    assert f.__name__ == "f"


def test_no_grad_restores_mode_after_exception():
    with pytest.raises(ValueError):
        with ag.no_grad():
            raise ValueError("boom")
    assert ag.is_grad_enabled()


def test_grad_of_integer_output_or_non_requiring_output_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        ag.ones(2).sum().backward()
