"""Every schedule against torch.optim.lr_scheduler 2.13, value for value, and state_dict round trips."""

from __future__ import annotations

import math
import warnings

import pytest

import autograd as ag
import optim
from optim import lr_scheduler as ours_L

torch = pytest.importorskip("torch")
torch_L = torch.optim.lr_scheduler

LRS = [0.1, 0.05]


def _opts(kind="SGD"):
    mine = getattr(optim, kind)([{"params": [ag.zeros(1, requires_grad=True)], "lr": lr} for lr in LRS], momentum=0.9) \
        if kind == "SGD" else getattr(optim, kind)([{"params": [ag.zeros(1, requires_grad=True)], "lr": lr} for lr in LRS])
    kw = dict(momentum=0.9) if kind == "SGD" else {}
    theirs = getattr(torch.optim, kind)([{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in LRS], **kw)
    return mine, theirs


def _seq(L, opt):
    warmup = L.LinearLR(opt, start_factor=0.1, total_iters=4)
    return L.SequentialLR(opt, [warmup, L.CosineAnnealingLR(opt, T_max=10, eta_min=1e-3)], milestones=[4])


def _seq3(L, opt):
    return L.SequentialLR(
        opt, [L.ConstantLR(opt, factor=0.5, total_iters=3), L.ExponentialLR(opt, gamma=0.9), L.StepLR(opt, step_size=2)],
        milestones=[3, 8],
    )


SCHEDULES = {
    "StepLR": lambda L, o: L.StepLR(o, step_size=3, gamma=0.5),
    "MultiStepLR": lambda L, o: L.MultiStepLR(o, milestones=[2, 5, 5, 9], gamma=0.3),
    "ExponentialLR": lambda L, o: L.ExponentialLR(o, gamma=0.9),
    "CosineAnnealingLR": lambda L, o: L.CosineAnnealingLR(o, T_max=7, eta_min=0.001),
    "CosineAnnealingLR-no-min": lambda L, o: L.CosineAnnealingLR(o, T_max=5),
    "CosineAnnealingWarmRestarts": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=4, eta_min=1e-4),
    "CosineAnnealingWarmRestarts-mult": lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=3, T_mult=2),
    "LinearLR": lambda L, o: L.LinearLR(o, start_factor=0.2, end_factor=0.9, total_iters=6),
    "LinearLR-decay": lambda L, o: L.LinearLR(o, start_factor=1.0, end_factor=0.1, total_iters=10),
    "ConstantLR": lambda L, o: L.ConstantLR(o, factor=0.25, total_iters=4),
    "PolynomialLR": lambda L, o: L.PolynomialLR(o, total_iters=8, power=2.0),
    "LambdaLR": lambda L, o: L.LambdaLR(o, lambda e: 0.95**e),
    "LambdaLR-per-group": lambda L, o: L.LambdaLR(o, [lambda e: 1 / (1 + e), lambda e: 0.9**e]),
    "MultiplicativeLR": lambda L, o: L.MultiplicativeLR(o, lambda e: 0.97),
    "SequentialLR": _seq,
    "SequentialLR-3": _seq3,
    "ChainedScheduler": lambda L, o: L.ChainedScheduler([L.ConstantLR(o, 0.5, total_iters=3), L.ExponentialLR(o, gamma=0.9)]),
    "OneCycleLR": lambda L, o: L.OneCycleLR(o, max_lr=[1.0, 0.5], total_steps=25),
    "OneCycleLR-linear-3phase": lambda L, o: L.OneCycleLR(
        o, max_lr=0.3, epochs=5, steps_per_epoch=5, pct_start=0.4, anneal_strategy="linear", three_phase=True, div_factor=10.0
    ),
}


def _run(factory, opt, L, steps):
    sched = factory(L, opt)
    out = []
    for _ in range(steps):
        out.append((sched.get_last_lr(), [g["lr"] for g in opt.param_groups], [g.get("momentum") for g in opt.param_groups]))
        opt.step()
        sched.step()
    return sched, out


@pytest.mark.parametrize("name", list(SCHEDULES))
def test_schedule_matches_torch_step_by_step(name):
    mine, theirs = _opts()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, a = _run(SCHEDULES[name], mine, ours_L, 25)
        _, b = _run(SCHEDULES[name], theirs, torch_L, 25)
    for step, (x, y) in enumerate(zip(a, b)):
        assert x == y, f"step {step}: {x} != {y}"


def test_one_cycle_cycles_adam_beta1_as_torch():
    mine, theirs = _opts("Adam")
    res = []
    for opt, L in ((mine, ours_L), (theirs, torch_L)):
        sched = L.OneCycleLR(opt, max_lr=0.01, total_steps=12, base_momentum=0.8)
        vals = []
        for _ in range(12):
            vals.append((sched.get_last_lr(), [g["betas"] for g in opt.param_groups]))
            opt.step()
            sched.step()
        res.append(vals)
    assert res[0] == res[1]
    with pytest.raises(ValueError, match="Tried to step 13 times"):
        sched = ours_L.OneCycleLR(mine, max_lr=0.01, total_steps=12)
        for _ in range(13):
            sched.step()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(mode="max", factor=0.5, patience=2, threshold=0.1, threshold_mode="abs", cooldown=2),
        dict(factor=0.5, patience=1, min_lr=[0.02, 0.04], cooldown=1),
        dict(factor=0.5, patience=0, eps=0.01),
    ],
)
def test_reduce_on_plateau_matches_torch(kwargs):
    metrics = [1.0, 0.9, 0.95, 0.95, 0.94, 0.96, 0.97, 0.8, 0.85, 0.85, 0.9, 0.9, 0.7, 0.75, 0.75, 0.76, 0.77, 0.78] * 2
    mine, theirs = _opts()
    s1, s2 = ours_L.ReduceLROnPlateau(mine, **kwargs), torch_L.ReduceLROnPlateau(theirs, **kwargs)
    for m in metrics:
        s1.step(m)
        s2.step(m)
        assert s1.get_last_lr() == s2.get_last_lr()
        assert (s1.best, s1.num_bad_epochs, s1.cooldown_counter) == (s2.best, s2.num_bad_epochs, s2.cooldown_counter)


def test_warm_restarts_with_fractional_epochs_matches_torch():
    mine, theirs = _opts()
    s1 = ours_L.CosineAnnealingWarmRestarts(mine, T_0=2, T_mult=3, eta_min=0.001)
    s2 = torch_L.CosineAnnealingWarmRestarts(theirs, T_0=2, T_mult=3, eta_min=0.001)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(40):
            epoch = i / 4
            s1.step(epoch)
            s2.step(epoch)
            assert s1.get_last_lr() == s2.get_last_lr(), epoch


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR", "LinearLR", "PolynomialLR"])
def test_step_with_epoch_uses_the_closed_form_as_torch(name):
    mine, theirs = _opts()
    s1, s2 = SCHEDULES[name](ours_L, mine), SCHEDULES[name](torch_L, theirs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for epoch in [3, 7, 1, 12, 5]:
            s1.step(epoch)
            s2.step(epoch)
            assert s1.get_last_lr() == s2.get_last_lr()
    with pytest.warns(UserWarning, match="epoch parameter"):
        s1.step(2)


def test_cosine_warmup_formula_and_torch_lambda():
    T = 6
    mine, theirs = _opts()
    s1 = ours_L.CosineWarmup(mine, warmup_steps=T)
    s2 = torch_L.LambdaLR(theirs, lambda t: 0.5 * (1 + math.cos(math.pi - math.pi * min(t, T) / T)))
    for t in range(12):
        expected = [lr * 0.5 * (1 + math.cos(math.pi - math.pi * min(t, T) / T)) for lr in LRS]
        assert s1.get_last_lr() == pytest.approx(expected, rel=1e-15, abs=1e-18)
        assert s1.get_last_lr() == s2.get_last_lr()
        mine.step()
        theirs.step()
        s1.step()
        s2.step()
    assert s1.get_last_lr() == LRS  # constant after the warmup
    with pytest.raises(ValueError, match="positive integer warmup_steps"):
        ours_L.CosineWarmup(mine, warmup_steps=0)


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "SequentialLR", "OneCycleLR", "LambdaLR", "ChainedScheduler"])
def test_state_dict_round_trip_resumes_the_schedule(name):
    opt, _ = _opts()
    sched = SCHEDULES[name](ours_L, opt)
    for _ in range(7):
        opt.step()
        sched.step()
    saved_sched, saved_opt = sched.state_dict(), opt.state_dict()
    assert "optimizer" not in saved_sched
    rest = []
    for _ in range(8):
        opt.step()
        sched.step()
        rest.append(sched.get_last_lr())

    opt2, _ = _opts()
    sched2 = SCHEDULES[name](ours_L, opt2)
    opt2.load_state_dict(saved_opt)
    sched2.load_state_dict(saved_sched)
    again = []
    for _ in range(8):
        opt2.step()
        sched2.step()
        again.append(sched2.get_last_lr())
    assert again == rest


def test_initial_lr_and_last_epoch_as_torch():
    opt, topt = _opts()
    s = ours_L.StepLR(opt, step_size=2)
    assert [g["initial_lr"] for g in opt.param_groups] == LRS and s.last_epoch == 0 and s.base_lrs == LRS
    with pytest.raises(KeyError, match="initial_lr"):
        ours_L.StepLR(_opts()[0], step_size=2, last_epoch=3)
    with pytest.raises(TypeError, match="is not an Optimizer"):
        ours_L.StepLR(topt, step_size=2)


def test_scheduler_errors_match_torch():
    opt, topt = _opts()
    cases = [
        (lambda L, o: L.LinearLR(o, start_factor=0.0), ValueError, "Starting multiplicative factor"),
        (lambda L, o: L.ConstantLR(o, factor=1.5), ValueError, "between 0 and 1"),
        (lambda L, o: L.ReduceLROnPlateau(o, factor=1.0), ValueError, "Factor should be < 1.0."),
        (lambda L, o: L.ReduceLROnPlateau(o, mode="avg"), ValueError, "mode avg is unknown!"),
        (lambda L, o: L.CosineAnnealingWarmRestarts(o, T_0=0), ValueError, "Expected positive integer T_0"),
        (lambda L, o: L.OneCycleLR(o, max_lr=0.1), ValueError, "You must define either total_steps OR"),
        (lambda L, o: L.OneCycleLR(o, max_lr=[0.1], total_steps=5), ValueError, "max_lr must have the same length"),
        (lambda L, o: L.SequentialLR(o, [L.StepLR(o, 2)], milestones=[3]), ValueError, "one more than the number of milestone"),
        (lambda L, o: L.LambdaLR(o, [lambda e: 1.0]), ValueError, "Expected 2 lr_lambdas, but got 1"),
    ]
    for make, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            make(ours_L, opt)
        with pytest.raises(exc, match=msg):
            make(torch_L, topt)
