"""Bad input (issue 2, part 7): PyTorch's exception type, a message naming the op and the shapes or
dtypes, never a raw NumPy/Numba error, and nothing half-done: after the error the graph, the
tensors and every ``.grad`` are as they were."""

from __future__ import annotations

import numpy as np
import pytest

import autograd as ag


def _state(*tensors):
    """Everything an error must leave alone: data, version, graph node, requires_grad, and .grad."""
    return [
        (t.data.copy(), t._version, t.grad_fn, t.requires_grad, None if t.grad is None else t.grad.data.copy())
        for t in tensors
    ]


def _same(before, after):
    for (d0, v0, f0, r0, g0), (d1, v1, f1, r1, g1) in zip(before, after):
        np.testing.assert_array_equal(d0, d1)
        assert (v0, f0, r0) == (v1, f1, r1)
        assert (g0 is None) == (g1 is None)
        if g0 is not None:
            np.testing.assert_array_equal(g0, g1)


@pytest.fixture
def trained():
    """Leaves that already hold gradients, and a live graph over them."""
    a = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    b = ag.tensor([0.5, -1.0, 2.0], requires_grad=True)
    (a * b).sum().backward()
    y = (a * b).tanh()
    return a, b, y


def _raises(exc, pattern, fn, *watched):
    before = _state(*watched)
    with pytest.raises(exc, match=pattern) as info:
        fn()
    _same(before, _state(*watched))
    msg = str(info.value)
    assert "numba" not in msg.lower() and "ufunc" not in msg and "operands could not be broadcast" not in msg
    return msg


# ---- shapes that do not broadcast ----------------------------------------------------------------------
@pytest.mark.parametrize("op, name", [
    (lambda x, y: x + y, "add"), (lambda x, y: x - y, "sub"), (lambda x, y: x * y, "mul"), (lambda x, y: x / y, "div"),
    (lambda x, y: x**y, "pow"), (ag.maximum, "maximum"), (ag.minimum, "minimum"), (lambda x, y: x == y, "eq"),
    (lambda x, y: x < y, "lt"), (lambda x, y: ag.where(x > 0, x, y), "where"), (lambda x, y: ag.clamp(x, y), "clamp"),
    (lambda x, y: ag.div(x, y, rounding_mode="floor"), "div"), (lambda x, y: x // y, "floor_divide"),
])
def test_broadcast_mismatch_names_op_and_shapes(trained, op, name):
    a, b, y = trained
    bad = ag.ones(4, requires_grad=True)
    msg = _raises(RuntimeError, name, lambda: op(y, bad), a, b, y, bad)
    assert "(2, 3)" in msg and "(4,)" in msg


@pytest.mark.parametrize("x_shape, y_shape, pattern", [
    ((2, 3), (4, 5), r"matmul: \(2, 3\) @ \(4, 5\): inner sizes 3 != 4"),
    ((3,), (4,), r"matmul: \(3,\) @ \(4,\): inner sizes 3 != 4"),
    ((2, 2, 3), (3, 3, 4), r"matmul: \(2, 2, 3\) @ \(3, 3, 4\): batch dimensions \(2,\) and \(3,\) do not broadcast"),
    ((), (3,), r"matmul: both arguments need at least 1 dimension, got \(\) @ \(3,\)"),
])
def test_matmul_shape_errors(trained, x_shape, y_shape, pattern):
    a, b, _ = trained
    x = ag.ones(*x_shape, requires_grad=True)
    _raises(RuntimeError, pattern, lambda: (x * a.sum()) @ ag.ones(*y_shape), a, b, x)


def test_linear_shape_error_names_input_and_weight():
    w = ag.ones(2, 3, requires_grad=True)
    _raises(RuntimeError, r"linear: input \(4, 5\) and weight \(2, 3\)", lambda: ag.linear(ag.ones(4, 5), w), w)


def test_cat_and_stack_shape_errors():
    x, y = ag.ones(2, 3, requires_grad=True), ag.ones(2, 4)
    _raises(RuntimeError, r"cat\(\): Sizes of tensors must match except in dimension 0.*\(2, 3\).*\(2, 4\)",
            lambda: ag.cat([x, y]), x)
    _raises(RuntimeError, r"stack expects each tensor to be equal size.*\(2, 3\).*\(2, 4\)", lambda: ag.stack([x, y]), x)
    _raises(RuntimeError, "expected a non-empty", lambda: ag.cat([]))


def test_inplace_broadcast_mismatch_leaves_tensor_unchanged(trained):
    a, b, y = trained
    x = ag.zeros(2, 3)
    _raises(RuntimeError, r"add_: output with shape \(2, 3\) doesn't match the broadcast shape", lambda: x.add_(ag.ones(4)), x)
    _raises(RuntimeError, r"add_: output with shape \(3,\) doesn't match the broadcast shape \(2, 3\)",
            lambda: ag.zeros(3).add_(ag.ones(2, 3)))
    z = y * 1  # in the graph: the recorded form of the in-place op must fail cleanly too
    _raises(RuntimeError, r"add_: .*\(2, 3\)", lambda: z.add_(ag.ones(4)), a, b, y, z)
    _raises(RuntimeError, r"copy_: src of shape \(4,\) cannot be broadcast to \(2, 3\)", lambda: x.copy_(ag.ones(4)), x)


def test_expand_errors():
    x = ag.ones(3, 1, requires_grad=True)
    _raises(RuntimeError, r"expanded size of the tensor \(4\) must match the existing size \(3\)", lambda: x.expand(4, 2), x)
    _raises(RuntimeError, r"number of sizes provided \(1\)", lambda: x.expand(3), x)


# ---- dtypes ----------------------------------------------------------------------------------------------
def test_requires_grad_on_integer_tensors():
    with pytest.raises(RuntimeError, match=r"only Tensors of floating point dtype can require gradients \(got int64\)"):
        ag.tensor([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        ag.zeros(2, dtype=ag.int64, requires_grad=True)
    with pytest.raises(RuntimeError, match="floating point"):
        ag.arange(3, requires_grad=True)
    t = ag.tensor([True])
    with pytest.raises(RuntimeError, match=r"floating point.*bool"):
        t.requires_grad_()
    assert not t.requires_grad


def test_dtype_errors_name_op_and_dtype():
    i = ag.tensor([1, 2])
    _raises(RuntimeError, r"mean\(\).*int64", lambda: i.mean(), i)
    _raises(RuntimeError, r"var\(\).*int64", lambda: i.var(), i)
    _raises(RuntimeError, r"norm\(\).*int64", lambda: i.norm(), i)
    _raises(RuntimeError, r"pow: Integers to negative integer powers are not allowed", lambda: i**-1, i)
    _raises(RuntimeError, r"pow: Integers to negative integer powers", lambda: i ** ag.tensor([-1, 1]), i)
    _raises(RuntimeError, r"gather\(\): Expected dtype int64 for index, got float",
            lambda: ag.ones(2, 2).gather(1, ag.ones(2, 1)))
    _raises(RuntimeError, r"masked_fill only supports boolean masks.*int64", lambda: ag.ones(2).masked_fill(i, 0.0))
    _raises(TypeError, r"neg.*bool", lambda: -ag.tensor([True]))
    _raises(RuntimeError, r"linear: expected floating point input and weight, got int64",
            lambda: ag.linear(ag.ones(2, 3, dtype=ag.int64), ag.ones(4, 3, dtype=ag.int64)))
    _raises(RuntimeError, r"linear: input dtype float32 and weight dtype float64 differ",
            lambda: ag.linear(ag.ones(2, 3), ag.ones(4, 3, dtype=ag.float64)))
    _raises(TypeError, "cannot build a tensor from data of type", lambda: ag.tensor(["a", "b"]))
    _raises(IndexError, "tensors used as indices must be long, int, byte or bool tensors", lambda: ag.ones(3)[ag.tensor([0.0])])


# ---- backward misuse -------------------------------------------------------------------------------------
def test_non_scalar_backward(trained):
    a, b, y = trained
    _raises(RuntimeError, r"grad can be implicitly created only for scalar outputs \(got shape \(2, 3\)\)",
            lambda: y.backward(), a, b, y)
    (y.sum() * 0 + y.sum()).backward(retain_graph=True)  # the graph is still usable after the error


def test_backward_on_tensor_without_grad():
    x = ag.ones(2)
    _raises(RuntimeError, "does not require grad and does not have a grad_fn", lambda: (x * 2).sum().backward(), x)


def test_second_backward_through_freed_graph(trained):
    a, b, _ = trained
    h = (a * b).exp()
    loss = h.sum()
    loss.backward()
    _raises(RuntimeError, r"backward through the graph a second time.*retain_graph=True", loss.backward, a, b)
    # a new graph sharing the freed part: nothing is delivered before the error
    c = ag.ones(3, requires_grad=True)
    loss2 = (h * c).sum()
    _raises(RuntimeError, "second time", loss2.backward, a, b, c)


def test_backward_through_tensor_modified_in_place(trained):
    a, b, _ = trained
    y = a * 2
    z = (y * y).sum()  # saves y
    with ag.no_grad():
        y.add_(1)
    c = ag.ones(2, 3, requires_grad=True)
    loss = z + (c * a).sum()
    msg = _raises(RuntimeError, r"one of the variables needed for gradient computation has been modified by an inplace operation",
                  loss.backward, a, b, c)
    assert "(2, 3)" in msg and "version 1; expected version 0" in msg and "'mul'" in msg.lower()


def test_grad_output_shape_mismatch(trained):
    a, b, y = trained
    _raises(RuntimeError, r"Mismatch in shape: grad_output\[0\] has a shape of \(3,\) and output\[0\] has a shape of \(2, 3\)",
            lambda: ag.grad(y, a, grad_outputs=ag.ones(3)), a, b, y)
    _raises(RuntimeError, r"got 1 tensors and 2 gradients", lambda: ag.backward([y], [ag.ones(2, 3), ag.ones(2, 3)]), a, b, y)


def test_error_in_a_hook_leaves_grads_unchanged(trained):
    a, b, _ = trained
    c = ag.ones(3, requires_grad=True)
    h = a * b

    def bad_hook(g):
        raise ValueError("hook failed")

    h.register_hook(bad_hook)
    loss = (h.sum() + (c * 2).sum())
    _raises(ValueError, "hook failed", loss.backward, a, b, c)


def test_anomaly_error_leaves_grads_unchanged():
    x = ag.tensor([0.0, 1.0], requires_grad=True)
    c = ag.ones(2, requires_grad=True)
    with ag.detect_anomaly():
        loss = (x.sqrt() * 0.0).sum() + (c * 3).sum()
        _raises(RuntimeError, r"(?s)returned nan values.*forward op 'sqrt'", loss.backward, x, c)


# ---- shapes and indices ----------------------------------------------------------------------------------
@pytest.mark.parametrize("fn, exc, pattern", [
    (lambda x: x.reshape(4, 2), RuntimeError,
     r"reshape: shape '\[4, 2\]' is invalid for input of size 6 \(input shape \(2, 3\)\)"),
    (lambda x: x.view(-1, 4), RuntimeError, r"shape '\[-1, 4\]' is invalid for input of size 6"),
    (lambda x: x.reshape(-1, -1), RuntimeError, r"reshape: shape '\[-1, -1\]' is invalid"),
    (lambda x: x.flatten(1, 0), RuntimeError, r"flatten\(\) has invalid args: start_dim \(1\) cannot come after end_dim \(0\)"),
    (lambda x: x.permute(0, 0), RuntimeError, r"permute\(\): dims \(0, 0\) are not a permutation of 2 dims"),
    (lambda x: x.permute(0), RuntimeError, r"number of dims don't match in permute.*\(2, 3\)"),
    (lambda x: x.t().t().reshape(7), RuntimeError, "reshape"),
    (lambda x: x.split([1, 2]), RuntimeError, r"split_with_sizes expects split_sizes to sum exactly to 2"),
    (lambda x: x.chunk(0), RuntimeError, "chunk expects `chunks` to be greater than 0"),
    (lambda x: x.sum(dim=2), IndexError, r"sum: Dimension out of range \(expected to be in range of \[-2, 1\], but got 2\)"),
    (lambda x: x.softmax(-3), IndexError, r"softmax: Dimension out of range"),
    (lambda x: x.max(dim=5), IndexError, r"max: Dimension out of range"),
    (lambda x: x.transpose(0, 2), IndexError, r"transpose: Dimension out of range"),
    (lambda x: x.unsqueeze(4), IndexError, r"unsqueeze: Dimension out of range"),
    (lambda x: x.mean(dim=(0, 0)), RuntimeError, r"mean: dim \(0, 0\) appears multiple times"),
    (lambda x: x[2], IndexError, r"index 2 is out of bounds.*shape \(2, 3\)"),
    (lambda x: x[-3], IndexError, r"index -3 is out of bounds.*shape \(2, 3\)"),
    (lambda x: x[:, 3], IndexError, r"index 3 is out of bounds.*shape \(2, 3\)"),
    (lambda x: x[ag.tensor([0, 5])], IndexError, r"index 5 is out of bounds.*shape \(2, 3\)"),
    (lambda x: x[0, 0, 0], IndexError, r"too many indices.*shape \(2, 3\)"),
    (lambda x: x[ag.tensor([True, False, True])], IndexError, r"shape \(2, 3\)"),
    (lambda x: x[::-1], ValueError, "step must be greater than zero"),
    (lambda x: x[1.5], IndexError, "unsupported index of type float"),
    (lambda x: x.gather(1, ag.tensor([[0], [3]])), IndexError,
     r"gather\(\): index 3 is out of bounds for dimension 1 with size 3"),
    (lambda x: x.gather(1, ag.tensor([0, 1])), RuntimeError, r"gather\(\): Index tensor must have the same number of dimensions"),
])
def test_shape_and_index_errors(trained, fn, exc, pattern):
    a, b, _ = trained
    x = a * b  # a non-leaf in a live graph
    _raises(exc, pattern, lambda: fn(x), a, b, x)
    x.sum().backward()  # the graph still works after the error
    assert a.grad is not None


def test_setitem_errors_leave_tensor_unchanged():
    x = ag.zeros(2, 3)
    _raises(IndexError, r"index 5 is out of bounds.*shape \(2, 3\)", lambda: x.__setitem__(5, 1.0), x)
    _raises(RuntimeError, r"index_put_: shape mismatch: value of shape \(4,\) cannot be broadcast to the indexed shape \(3,\)",
            lambda: x.__setitem__(0, ag.ones(4)), x)
    a = ag.ones(2, 3, requires_grad=True)
    y = a * 1
    _raises(RuntimeError, r"index_put.*shape mismatch", lambda: y.__setitem__(0, ag.ones(4)), a, y)


def test_creation_errors():
    with pytest.raises(RuntimeError, match=r"negative dimension -1"):
        ag.zeros(2, -1)
    with pytest.raises(TypeError, match="size must be a sequence of ints"):
        ag.ones(2.5)
    with pytest.raises(RuntimeError, match="step must be nonzero"):
        ag.arange(0, 3, 0)
    with pytest.raises(RuntimeError, match="from=5 >= to=5"):
        ag.randint(5, 5, (2,))
    with pytest.raises(RuntimeError, match="number of steps must be non-negative"):
        ag.linspace(0, 1, -1)
    with pytest.raises(RuntimeError, match="CPU only"):
        ag.ones(2).to("cuda")


def test_errors_never_leak_numpy_or_numba_messages():
    """A sweep of bad calls over many ops: each raises a library error naming the op."""
    x = ag.ones(2, 3, requires_grad=True)
    bad = [
        (lambda: x.logsumexp(dim=3), "logsumexp"), (lambda: x.norm(dim=4), "norm"), (lambda: x.var(dim=9), "var"),
        (lambda: x.prod(dim=2), "prod"), (lambda: x.argmax(dim=2), "argmax"), (lambda: x.log_softmax(2), "log_softmax"),
        (lambda: x.squeeze(3), "squeeze"), (lambda: x.std(dim=(0, 5)), "var"), (lambda: x.split(2, dim=2), "split"),
        (lambda: x.chunk(2, dim=-3), "chunk"), (lambda: ag.cat([x, x], dim=2), "cat"), (lambda: ag.stack([x, x], dim=4), "stack"),
        (lambda: x.flatten(3), "flatten"), (lambda: x.size(2), "size"), (lambda: ag.gather(x, 2, ag.tensor([[0]])), "gather"),
        (lambda: x.norm(p="nuc"), "norm"), (lambda: x.gelu(approximate="fast"), "gelu"),
        (lambda: ag.div(x, 2, rounding_mode="round"), "div"), (lambda: ag.clamp(x), "clamp"),
        (lambda: x.max(dim=0, keepdim=True).values.max(dim=2), "max"),
    ]
    for fn, name in bad:
        with pytest.raises((RuntimeError, IndexError, ValueError, TypeError)) as info:
            fn()
        msg = str(info.value)
        assert name in msg, f"{name}: {msg}"
        assert not isinstance(info.value, np.exceptions.AxisError), msg
    assert x.grad is None and x._version == 0


def test_backward_through_floor_division_raises_as_pytorch(trained):
    a, b, y = trained
    q = (y * 3) // 2
    assert repr(q.grad_fn) == "<NotImplemented>" and q.requires_grad
    _raises(RuntimeError, "derivative for aten::floor_divide is not implemented", lambda: (q + y).sum().backward(), a, b, y)
    before = a.grad.data.copy()
    ag.div(y, 2, rounding_mode="floor").sum().backward()  # PyTorch's div with a rounding mode: zero gradients instead
    np.testing.assert_array_equal(a.grad.data, before)


# ---- in-place writes through views: views, detach() and their base share one version counter -------------
VIEW_WRITES = {
    "index": lambda x: x[0].mul_(2),
    "slice": lambda x: x[1:].add_(1),
    "reshape": lambda x: x.reshape(3, 1).fill_(0),
    "transpose-of-2d": lambda x: x.unsqueeze(0).T.fill_(0),
    "detach": lambda x: x.detach().clamp_(0, 0.5),
    "view-of-view": lambda x: x[1:][0].sub_(1),
}


@pytest.mark.parametrize("name", sorted(VIEW_WRITES))
def test_a_write_through_a_view_is_caught_as_pytorch(name):
    torch = pytest.importorskip("torch")
    for lib in (ag, torch):
        leaf = lib.ones(3, requires_grad=True)
        x = leaf * 1.0
        y = x.sin()  # keeps x for backward
        with lib.no_grad():
            VIEW_WRITES[name](x if lib is ag else x)
        assert x._version >= 1
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.sum().backward()
    assert leaf.grad is None


def test_writing_the_base_is_caught_by_a_saved_view():
    leaf = ag.ones(4, requires_grad=True)
    x = leaf * 1.0
    v = x[:2]
    y = v.exp()  # keeps its output, a fresh array; but mul keeps the view itself
    z = v * leaf[:2]
    with ag.no_grad():
        x.add_(1)
    assert v._version == x._version == 1 and y.grad_fn is not None
    _raises(RuntimeError, "modified by an inplace operation", lambda: z.sum().backward(), leaf)


def test_view_links_are_dropped_with_the_views():
    import gc

    from autograd import views

    gc.collect()  # views left by earlier tests
    x = ag.ones(5)
    before = len(views._root_of)
    vs = [x[i] for i in range(5)] + [x.detach(), x.reshape(5, 1).T, x.reshape(5, 1)]
    assert len(views._root_of) == before + len(vs) and all(views.is_view(v) for v in vs)
    del vs
    gc.collect()
    assert len(views._root_of) == before and id(x) not in views._views_of
    assert not views.is_view(x + 1) and not views.is_view(x[[0, 1]])  # fresh arrays (advanced indexing copies)


def test_recorded_in_place_op_leaves_the_view_group():
    # with the graph involved an in-place op gives the tensor a new array (it no longer shares memory)
    from autograd import views

    x = ag.ones(3, requires_grad=True) * 1.0
    v = x[1:]
    v.mul_(2)
    assert not views.is_view(v) and v._version == 1 and x._version == 0


def test_views_of_a_parameter_share_its_version():
    import nn

    w = nn.Parameter(ag.ones(2, 3))
    t = w.T
    x = ag.ones(3, requires_grad=True)
    y = (t * x[:, None]).sum()  # keeps the view t
    with ag.no_grad():
        w.mul_(2)
    assert t._version == w._version == 1
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.backward()
