"""state_dict round trips (resuming == never stopping), param groups, zero_grad, closures, odd layouts."""

from __future__ import annotations

import copy
import io

import numpy as np
import pytest
from _optim_cases import grad_sequence, initial_params, ours, run_ours

import autograd as ag
import optim

ALL = [
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.05)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.5)),
    ("Lion", dict(lr=0.01, weight_decay=0.1)),
]


@pytest.mark.parametrize("name,options", ALL, ids=[n for n, _ in ALL])
def test_resume_mid_run_gives_the_uninterrupted_trajectory(name, options):
    init, seq = initial_params(), grad_sequence(10)
    ps, opt = ours(name, options, init, groups=True)
    for gs in seq:
        run_ours(ps, opt, gs)
    straight = [p.data.copy() for p in ps]

    ps, opt = ours(name, options, init, groups=True)
    for gs in seq[:5]:
        run_ours(ps, opt, gs)
    buf = io.BytesIO()
    ag.save({"optimizer": opt.state_dict(), "params": [p.detach() for p in ps]}, buf)
    buf.seek(0)
    ckpt = ag.load(buf)
    for gs in seq[5:7]:  # the old run goes on: must not leak into the checkpoint
        run_ours(ps, opt, gs)

    ps2, opt2 = ours(name, dict(options, lr=123.0), [t.data for t in ckpt["params"]], groups=True)
    opt2.load_state_dict(ckpt["optimizer"])
    assert [g["lr"] for g in opt2.param_groups] == [g["lr"] for g in opt.param_groups]
    for gs in seq[5:]:
        run_ours(ps2, opt2, gs)
    for a, b in zip(ps2, straight):
        np.testing.assert_array_equal(a.data, b)


def test_state_dict_numbers_params_in_group_order_and_shares_tensors():
    a, b, c = (ag.ones(2, requires_grad=True) for _ in range(3))
    opt = optim.Adam([{"params": [a, b]}, {"params": [c], "lr": 0.5}])
    for p in (a, c):
        p.grad = ag.ones(2)
    opt.step()
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0, 1], [2]]
    assert sorted(sd["state"]) == [0, 2]
    assert sd["state"][0]["exp_avg"] is opt.state[a]["exp_avg"]  # as in PyTorch: no copies
    assert isinstance(sd["state"][0]["step"], ag.Tensor) and float(sd["state"][0]["step"]) == 1.0
    assert "params" in opt.param_groups[0] and isinstance(opt.param_groups[0]["params"][0], ag.Tensor)


def test_load_state_dict_copies_and_casts():
    w = ag.ones(3, requires_grad=True)
    src = optim.Adam([w], lr=0.1)
    w.grad = ag.ones(3)
    src.step()
    w32 = ag.ones(3, dtype=ag.float32, requires_grad=True)
    dst = optim.Adam([w32], lr=0.1)
    sd = copy.deepcopy(src.state_dict())
    sd["state"][0]["exp_avg"] = sd["state"][0]["exp_avg"].data.astype(np.float64)  # numpy arrays are accepted too
    dst.load_state_dict(sd)
    st = dst.state[w32]
    assert st["exp_avg"].dtype == np.float32 and st["step"].dtype == np.float32
    assert st["exp_avg_sq"] is not src.state[w]["exp_avg_sq"]


def test_load_state_dict_rejects_mismatches_and_changes_nothing():
    a, b = ag.ones(2, requires_grad=True), ag.ones(3, requires_grad=True)
    opt = optim.SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = ag.ones(2), ag.ones(3)
    opt.step()
    good = opt.state_dict()
    before = copy.deepcopy(good)

    other = optim.SGD([ag.ones(2, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="doesn't match the size of optimizer's group"):
        other.load_state_dict(good)
    two_groups = optim.SGD([{"params": [ag.ones(2, requires_grad=True)]}, {"params": [ag.ones(3, requires_grad=True)]}], lr=0.1)
    with pytest.raises(ValueError, match="different number of parameter groups"):
        two_groups.load_state_dict(good)
    bad = copy.deepcopy(good)
    bad["state"][1]["momentum_buffer"] = ag.ones(4)
    with pytest.raises(ValueError, match=r"state 'momentum_buffer' of parameter 1 has shape \(4,\).*\(3,\)"):
        opt.load_state_dict(bad)
    with pytest.raises(ValueError, match="'state' and 'param_groups'"):
        opt.load_state_dict({"state": {}})
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    np.testing.assert_array_equal(after["state"][1]["momentum_buffer"].data, before["state"][1]["momentum_buffer"].data)


def test_param_groups_have_their_own_options():
    a, b = ag.tensor([1.0], requires_grad=True), ag.tensor([1.0], requires_grad=True)
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5, "momentum": 0.9}], lr=0.1)
    assert opt.param_groups[0]["momentum"] == 0 and opt.param_groups[1]["momentum"] == 0.9
    a.grad, b.grad = ag.ones(1), ag.ones(1)
    opt.step()
    np.testing.assert_allclose([a.item(), b.item()], [0.9, 0.5])
    c = ag.tensor([1.0], requires_grad=True)
    opt.add_param_group({"params": c, "lr": 0.25})
    c.grad = ag.ones(1)
    opt.step()
    assert c.item() == 0.75 and len(opt.param_groups) == 3


def test_named_parameters_are_accepted():
    a, b = ag.ones(2, requires_grad=True), ag.ones(2, requires_grad=True)
    opt = optim.Adam([("w", a), ("b", b)])
    assert opt.param_groups[0]["param_names"] == ["w", "b"]
    assert opt.state_dict()["param_groups"][0]["param_names"] == ["w", "b"]


def test_zero_grad_to_none_or_in_place():
    w = ag.ones(2, requires_grad=True)
    (w * 2).sum().backward()
    opt = optim.SGD([w], lr=0.1)
    g = w.grad
    opt.zero_grad(set_to_none=False)
    assert w.grad is g and np.all(g.data == 0)
    opt.zero_grad()
    assert w.grad is None


def test_step_skips_params_without_grad_and_bumps_version():
    a, b = ag.ones(2, requires_grad=True), ag.ones(2, requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1)
    a.grad = ag.ones(2)
    v = a._version
    opt.step()
    assert a._version == v + 1 and b._version == 0
    assert b not in opt.state and np.all(b.data == 1)


def test_closure_is_called_with_grad_enabled_and_loss_returned():
    w = ag.tensor([2.0], requires_grad=True)
    opt = optim.SGD([w], lr=0.1)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with ag.no_grad():
        loss = opt.step(closure)
    assert float(loss) == 4.0 and w.item() == pytest.approx(1.6)


def test_step_builds_no_graph_and_updates_in_place():
    w = ag.ones(3, requires_grad=True)
    data = w.data
    opt = optim.AdamW([w], lr=0.1)
    w.grad = ag.ones(3)
    opt.step()
    assert w.data is data and w.grad_fn is None and w.is_leaf


def test_non_contiguous_parameter_is_updated_like_a_contiguous_one():
    base = np.arange(12.0).reshape(3, 4)
    w_t = ag.from_numpy(base.copy().T)  # Fortran-ordered view
    w_t.requires_grad_(True)
    w_c = ag.tensor(np.ascontiguousarray(base.T), requires_grad=True)
    opts = [optim.Adam([w], lr=0.1) for w in (w_t, w_c)]
    for _ in range(3):
        for w, o in zip((w_t, w_c), opts):
            w.grad = ag.tensor(np.sin(w.data))
            o.step()
    np.testing.assert_array_equal(w_t.data, w_c.data)


def test_float32_params_keep_float32_state():
    init, seq = initial_params(np.float32), grad_sequence(3, np.float32)
    ps, opt = ours("Adam", dict(lr=0.01), init)
    for gs in seq:
        run_ours(ps, opt, gs)
    assert all(p.dtype == np.float32 for p in ps)
    assert opt.state[ps[0]]["exp_avg"].dtype == np.float32


def test_grad_of_another_dtype_is_cast():
    w = ag.ones(2, dtype=ag.float32, requires_grad=True)
    opt = optim.SGD([w], lr=0.5)
    w.grad = ag.ones(2, dtype=ag.float64)
    opt.step()
    assert w.dtype == np.float32 and np.all(w.data == 0.5)


def test_repr_lists_groups():
    opt = optim.SGD([ag.ones(1, requires_grad=True)], lr=0.1)
    text = repr(opt)
    assert text.startswith("SGD (\nParameter Group 0\n") and "    lr: 0.1" in text and "params" not in text


def test_training_a_tiny_regression_converges():
    _ = ag.manual_seed(0)
    x = ag.randn(64, 3)
    y = x @ ag.tensor([[1.0], [-2.0], [0.5]])
    for name, options in ALL:
        w = ag.zeros(3, 1, requires_grad=True)
        opt = getattr(optim, name)([w], **dict(options, lr=options["lr"] if name != "Lion" else 0.02))
        losses = []
        for _ in range(300):
            opt.zero_grad()
            loss = ((x @ w - y) ** 2).mean()
            loss.backward()
            opt.step()
            losses.append(loss.item())
        assert losses[-1] < 0.5 * losses[0], name
