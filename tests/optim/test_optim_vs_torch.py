"""Every optimizer and option against torch.optim 2.13, step by step, on the same parameters and gradients."""

from __future__ import annotations

import numpy as np
import pytest
from _optim_cases import grad_sequence, initial_params, ours, run_ours

import autograd as ag
import optim

torch = pytest.importorskip("torch")

CASES = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.1, momentum=0.9, dampening=0.3, weight_decay=0.05)),
    ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.5, 0.9), eps=1e-6, weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True, maximize=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, amsgrad=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True, maximize=True)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.1, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True, maximize=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.5)),
    ("NAdam", dict(lr=0.01)),
    ("NAdam", dict(lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.5, eps=1e-4, weight_decay=0.1)),
    ("Adadelta", dict(lr=0.5, maximize=True)),
]


def _torch_opt(name, options, arrays, groups):
    params = [torch.tensor(a.copy(), requires_grad=True) for a in arrays]
    if groups:
        spec = [{"params": params[:1]}, {"params": params[1:], "lr": options.get("lr", 1e-2) * 0.5}]
    else:
        spec = params
    return params, getattr(torch.optim, name)(spec, **options)


def _compare(name, options, dtype, rtol, atol, groups=True, steps=10):
    init, seq = initial_params(dtype), grad_sequence(steps, dtype)
    ps, opt = ours(name, options, init, groups)
    tps, topt = _torch_opt(name, options, init, groups)
    for k, gs in enumerate(seq):
        run_ours(ps, opt, gs)
        for tp, g in zip(tps, gs):
            tp.grad = torch.tensor(g.copy())
        topt.step()
        for i, (p, tp) in enumerate(zip(ps, tps)):
            np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=rtol, atol=atol, err_msg=f"step {k + 1}, param {i}")
    assert ps[2].data.tobytes() == init[2].tobytes()  # no gradient: untouched
    for p, tp in zip(ps, tps):
        ours_state, torch_state = opt.state[p], topt.state[tp]
        assert set(ours_state) == set(torch_state)
        for key, value in torch_state.items():
            if value is None:
                assert ours_state[key] is None
                continue
            mine = ours_state[key].data
            assert mine.dtype == (value.numpy().dtype if key not in ("step", "mu_product") else np.float32)
            np.testing.assert_allclose(mine, value.numpy(), rtol=rtol, atol=atol, err_msg=key)


@pytest.mark.parametrize("name,options", CASES, ids=[f"{n}-{'-'.join(map(str, o))}" for n, o in CASES])
def test_float64_matches_torch_step_by_step(name, options):
    _compare(name, options, np.float64, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name,options", CASES[::3], ids=[f"{n}-{'-'.join(map(str, o))}" for n, o in CASES[::3]])
def test_float32_matches_torch(name, options):
    _compare(name, options, np.float32, rtol=1e-4, atol=1e-6, groups=False)


def _torch_lion(params, grads, exp_avgs, lr, betas, weight_decay, maximize=False):
    """Lion as in the paper's Program 1 / lion-pytorch, with torch ops (torch has no Lion)."""
    b1, b2 = betas
    with torch.no_grad():
        for p, g, m in zip(params, grads, exp_avgs):
            g = -g if maximize else g
            p.mul_(1 - lr * weight_decay)
            update = (m * b1 + g * (1 - b1)).sign()
            p.add_(update, alpha=-lr)
            m.mul_(b2).add_(g, alpha=1 - b2)


LION = [dict(lr=0.01), dict(lr=0.01, betas=(0.8, 0.95), weight_decay=0.5), dict(lr=0.01, maximize=True)]


@pytest.mark.parametrize("options", LION)
def test_lion_matches_paper(options):
    init, seq = initial_params(), grad_sequence(10)
    ps, opt = ours("Lion", options, init)
    tps = [torch.tensor(a.copy()) for a in init[:2]]
    ms = [torch.zeros_like(t) for t in tps]
    full = dict(lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, maximize=False) | options
    for gs in seq:
        run_ours(ps, opt, gs)
        _torch_lion(tps, [torch.tensor(g) for g in gs], ms, **full)
        for p, tp in zip(ps, tps):
            np.testing.assert_allclose(p.data, tp.numpy(), rtol=1e-12, atol=1e-14)
    for p, m in zip(ps, ms):
        np.testing.assert_allclose(opt.state[p]["exp_avg"].data, m.numpy(), rtol=1e-12, atol=1e-14)


def test_lion_defaults_and_sign_of_zero():
    opt = optim.Lion([ag.zeros(2, requires_grad=True)])
    g = opt.param_groups[0]
    assert (g["lr"], g["betas"], g["weight_decay"]) == (1e-4, (0.9, 0.99), 0.0)
    w = ag.tensor([1.0, 1.0], requires_grad=True)
    opt = optim.Lion([w], lr=0.1)
    w.grad = ag.tensor([0.0, -2.0])
    opt.step()
    np.testing.assert_allclose(w.data, [1.0, 1.1])  # sign(0) = 0: no move


def test_defaults_match_torch():
    for name in ["SGD", "Adam", "AdamW", "Adagrad", "RMSprop", "NAdam", "Adadelta"]:
        mine = getattr(optim, name)([ag.zeros(1, requires_grad=True)]).defaults
        theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)]).defaults
        assert set(mine) == set(theirs), name
        for k in mine:
            if k not in ("foreach", "fused"):
                assert mine[k] == theirs[k], (name, k)


def test_state_dict_layout_matches_torch():
    for name, options in CASES:
        init, seq = initial_params(), grad_sequence(2)
        ps, opt = ours(name, options, init, groups=True)
        tps, topt = _torch_opt(name, options, init, groups=True)
        for gs in seq:
            run_ours(ps, opt, gs)
            for tp, g in zip(tps, gs):
                tp.grad = torch.tensor(g.copy())
            topt.step()
        mine, theirs = opt.state_dict(), topt.state_dict()
        assert [g["params"] for g in mine["param_groups"]] == [g["params"] for g in theirs["param_groups"]]
        assert [set(g) for g in mine["param_groups"]] == [set(g) for g in theirs["param_groups"]], name
        assert {k: set(v) for k, v in mine["state"].items()} == {k: set(v) for k, v in theirs["state"].items()}, name


@pytest.mark.parametrize("name,options", [c for c in CASES if c[0] in ("SGD", "Adam", "RMSprop", "NAdam")][1::2])
def test_resume_from_a_torch_state_dict(name, options):
    """A torch state dict (tensors turned into numpy) loads and continues on torch's trajectory."""
    init, seq = initial_params(), grad_sequence(8)
    tps, topt = _torch_opt(name, options, init, groups=True)
    for gs in seq[:4]:
        for tp, g in zip(tps, gs):
            tp.grad = torch.tensor(g.copy())
        topt.step()
    sd = topt.state_dict()
    def to_numpy(v):
        return v.numpy().copy() if isinstance(v, torch.Tensor) else v

    converted = {
        "state": {k: {kk: to_numpy(vv) for kk, vv in v.items()} for k, v in sd["state"].items()},
        "param_groups": sd["param_groups"],
    }
    ps, opt = ours(name, options, [t.detach().numpy().copy() for t in tps], groups=True)
    opt.load_state_dict(converted)
    for gs in seq[4:]:
        run_ours(ps, opt, gs)
        for tp, g in zip(tps, gs):
            tp.grad = torch.tensor(g.copy())
        topt.step()
    for p, tp in zip(ps, tps):
        np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-12, atol=1e-14)
