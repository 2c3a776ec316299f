"""Engine basics: accumulation, retain_graph, create_graph, hooks, errors."""

import numpy as np
import pytest

import autograd as ag


def test_readme_example():
    x = ag.randn(64, 3, requires_grad=True)
    W = ag.randn(3, 8, requires_grad=True)
    loss = (x @ W).relu().mean()
    loss.backward()
    mask = (x.data @ W.data > 0).astype(np.float32) / (64 * 8)
    np.testing.assert_allclose(W.grad.data, x.data.T @ mask, rtol=1e-5)
    np.testing.assert_allclose(x.grad.data, mask @ W.data.T, rtol=1e-5)


def test_gradient_accumulates_across_backward_calls():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * 3).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [6.0, 6.0])


def test_shared_grad_arrays_are_not_aliased():
    a = ag.ones(3, requires_grad=True)
    b = ag.ones(3, requires_grad=True)
    (a + b).sum().backward()
    a.grad.mul_(5)
    np.testing.assert_array_equal(b.grad.data, [1.0, 1.0, 1.0])


def test_leaf_used_twice_keeps_pending_buffers_intact():
    a = ag.tensor([1.0, 2.0], requires_grad=True)
    c = ag.tensor([3.0, 4.0], requires_grad=True)
    y = (a + c) * a  # dy/da = 2a + c, dy/dc = a
    y.sum().backward()
    np.testing.assert_allclose(a.grad.data, [5.0, 8.0])
    np.testing.assert_allclose(c.grad.data, [1.0, 2.0])


def test_second_backward_through_freed_graph_raises():
    x = ag.tensor([1.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_retain_graph_allows_second_backward():
    x = ag.tensor([1.0], requires_grad=True)
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.data, 2 * 2 * np.e, rtol=1e-6)


def test_inplace_modification_of_saved_tensor_is_detected():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    z = y * y
    with ag.no_grad():
        y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


def test_non_scalar_backward_needs_gradient():
    x = ag.ones(2, 3, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"scalar outputs.*\(2, 3\)"):
        (x * 2).backward()


def test_long_chain_has_no_recursion_limit():
    x = ag.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y + 0.0
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_higher_order_gradient():
    x = ag.tensor([2.0], dtype=ag.float64, requires_grad=True)
    (g,) = ag.grad((x**3).sum(), [x], create_graph=True)
    (h,) = ag.grad(g.sum(), [x])
    assert g.item() == 12.0 and h.item() == 12.0


def test_hooks_and_retain_grad():
    x = ag.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    seen = []
    handle = y.register_hook(lambda g: seen.append(g.tolist()))
    x.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    np.testing.assert_allclose(y.grad.data, [4.0, 8.0])
    np.testing.assert_allclose(x.grad.data, [80.0, 160.0])
    assert seen == [[4.0, 8.0]]
    handle.remove()


def test_no_grad_and_decorators():
    x = ag.ones(2, requires_grad=True)
    with ag.no_grad():
        assert not (x * 2).requires_grad
        with ag.enable_grad():
            assert (x * 2).requires_grad

    @ag.no_grad()
    def f(t):
        return t * 2

    assert not f(x).requires_grad
    assert ag.is_grad_enabled()


def test_matmul_shape_error_names_shapes():
    with pytest.raises(RuntimeError, match=r"matmul: \(2, 3\) @ \(4, 5\): inner sizes 3 != 4"):
        ag.ones(2, 3) @ ag.ones(4, 5)


def test_integer_tensor_cannot_require_grad():
    with pytest.raises(RuntimeError, match="floating point"):
        ag.tensor([1, 2], requires_grad=True)


def test_detect_anomaly_names_op_and_line():
    x = ag.tensor([0.0], requires_grad=True)
    with ag.detect_anomaly():
        y = x.sqrt()  # the line the error must name
        with pytest.raises(RuntimeError) as info:
            (y * 0.0).sum().backward()
    msg = str(info.value)
    assert "sqrt" in msg and "test_engine_basics.py" in msg and "y = x.sqrt()" in msg


def test_next_functions_as_pytorch():
    w = ag.ones(2, requires_grad=True)
    y = (w * 2).exp()
    (mul, idx), = [f for f in y.grad_fn.next_functions]
    assert idx == 0 and mul is not None
    leaf, none = mul.next_functions
    assert leaf[0].variable is w and none == (None, 0)


def test_ops_are_silent_about_inf_and_nan_as_pytorch():
    # a script's view (pytest resets the warning filters a library installs at import, so run one)
    import subprocess
    import sys

    code = (
        "import numpy as np, autograd as ag\n"
        "x = ag.tensor([0.0, 1.0, -1.0], requires_grad=True)\n"
        "y = x.log() + x / 0 + (x * 1000).exp() + x.sqrt() + (x - x) / (x - x)\n"
        "y.sum().backward()\n"
        "np.log(np.zeros(1))  # the user's own NumPy code still warns\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    lines = [ln for ln in r.stderr.splitlines() if "Warning" in ln]
    assert len(lines) == 1 and "divide by zero encountered in log" in lines[0] and "<string>:5" in lines[0], r.stderr
