"""Optimizer updates in the gradient report: each ``optim`` optimizer against its formula and PyTorch.

The op registry has no optimizer entries (an update is not differentiated), so the report
checks every optimizer here, over ``STEPS`` steps on two parameters with fixed gradients
(some exact zeros, to reach ``sign(0)``):

- ``formula-f64``: our float64 parameters against the update rule written below in NumPy
  float64 from PyTorch's documentation (Lion: the paper's Program 1); ``formula-f32``: our
  float32 run against the same float64 reference (looser tolerance);
- ``numba-twins-f64``/``-f32``: our fused Numba update against its NumPy twin;
- ``torch-f64``/``-f32``: against ``torch.optim`` (Lion has no PyTorch counterpart).

Example:
    >>> from benchmarks.optim_checks import CASES, run_case
    >>> records = run_case(CASES[0], torch=None)
    >>> [(r.check, r.passed) for r in records][:2]
    [('formula-f64', True), ('formula-f32', True)]
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from .grad_checks import Record
from .kernel_sets import use

STEPS = 8
SHAPES = ((3, 4), (5,))
TOL = {"float64": (1e-12, 1e-10), "float32": (1e-5, 1e-4)}
"""(atol, rtol) for our parameters against the float64 formula, by our dtype; the same for PyTorch of the same dtype.
Numba against twins: (1e-12, 1e-10) in float64 and (1e-6, 1e-5) in float32."""


@dataclass(frozen=True)
class OptimCase:
    """One optimizer with one set of options; ``label`` tells the cases of one optimizer apart."""

    name: str
    options: dict
    label: str = ""

    @property
    def id(self) -> str:
        return f"optim.{self.name}[{self.label}]" if self.label else f"optim.{self.name}"


CASES = [
    OptimCase("SGD", {"lr": 0.1}),
    OptimCase("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.05}, "momentum"),
    OptimCase("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True, "weight_decay": 0.1, "maximize": True}, "nesterov"),
    OptimCase("Adam", {"lr": 0.05}),
    OptimCase("Adam", {"lr": 0.05, "betas": (0.5, 0.9), "eps": 1e-6, "weight_decay": 0.1, "amsgrad": True}, "amsgrad-wd"),
    OptimCase("AdamW", {"lr": 0.05, "weight_decay": 0.3, "maximize": True}),
    OptimCase("Adagrad", {"lr": 0.1, "lr_decay": 0.1, "weight_decay": 0.1, "initial_accumulator_value": 0.5}),
    OptimCase("RMSprop", {"lr": 0.01, "alpha": 0.9, "weight_decay": 0.1}),
    OptimCase("RMSprop", {"lr": 0.01, "momentum": 0.9, "centered": True}, "centered-momentum"),
    OptimCase("NAdam", {"lr": 0.01}),
    OptimCase("NAdam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}, "decoupled"),
    OptimCase("Adadelta", {"lr": 0.5, "rho": 0.5, "weight_decay": 0.1}),
    OptimCase("Lion", {"lr": 0.01, "weight_decay": 0.1}),
    OptimCase("Lion", {"lr": 0.01, "betas": (0.8, 0.95), "maximize": True}, "maximize"),
]


# ---- the update rules, float64 NumPy, one parameter at a time ---------------------------------------
def _defaults(name: str) -> dict:
    import inspect

    import optim

    sig = inspect.signature(getattr(optim, name).__init__)
    return {k: v.default for k, v in sig.parameters.items() if v.default is not inspect.Parameter.empty}


def reference(name: str, options: dict, p0: np.ndarray, grads: list) -> np.ndarray:
    """The parameter after ``len(grads)`` updates of optimizer ``name``, written from its documented formula.

    Example:
        >>> import numpy as np
        >>> from benchmarks.optim_checks import reference
        >>> reference("SGD", {"lr": 0.5}, np.array([1.0]), [np.array([2.0])])
        array([0.])
    """
    o = {**_defaults(name), **options}
    p = np.array(p0, dtype=np.float64)
    z = np.zeros_like(p)
    st = {"m": z.copy(), "v": z.copy(), "vmax": z.copy(), "buf": None, "gavg": z.copy(), "acc": z.copy(),
          "s": np.full_like(p, o.get("initial_accumulator_value", 0.0)), "mu_product": np.float32(1.0)}
    for t, g in enumerate(grads, start=1):
        g = np.array(g, dtype=np.float64)
        g = -g if o.get("maximize") else g
        p = _STEP[name](p, g, t, o, st)
    return p


def _sgd(p, g, t, o, st):
    g = g + o["weight_decay"] * p
    if o["momentum"]:
        st["buf"] = g.copy() if st["buf"] is None else o["momentum"] * st["buf"] + (1 - o["dampening"]) * g
        g = g + o["momentum"] * st["buf"] if o["nesterov"] else st["buf"]
    return p - o["lr"] * g


def _adam(p, g, t, o, st, decoupled=False):
    b1, b2 = o["betas"]
    if decoupled or o.get("decoupled_weight_decay"):
        p = p * (1 - o["lr"] * o["weight_decay"])
    else:
        g = g + o["weight_decay"] * p
    st["m"] = b1 * st["m"] + (1 - b1) * g
    st["v"] = b2 * st["v"] + (1 - b2) * g * g
    v = st["v"]
    if o["amsgrad"]:
        st["vmax"] = np.maximum(st["vmax"], st["v"])
        v = st["vmax"]
    denom = np.sqrt(v) / math.sqrt(1 - b2**t) + o["eps"]
    return p - o["lr"] / (1 - b1**t) * st["m"] / denom


def _adagrad(p, g, t, o, st):
    g = g + o["weight_decay"] * p
    clr = o["lr"] / (1 + (t - 1) * o["lr_decay"])
    st["s"] = st["s"] + g * g
    return p - clr * g / (np.sqrt(st["s"]) + o["eps"])


def _rmsprop(p, g, t, o, st):
    a = o["alpha"]
    g = g + o["weight_decay"] * p
    st["v"] = a * st["v"] + (1 - a) * g * g
    if o["centered"]:
        st["gavg"] = a * st["gavg"] + (1 - a) * g
        avg = np.sqrt(st["v"] - st["gavg"] ** 2) + o["eps"]
    else:
        avg = np.sqrt(st["v"]) + o["eps"]
    if o["momentum"] > 0:
        st["buf"] = (0 * p if st["buf"] is None else o["momentum"] * st["buf"]) + g / avg
        return p - o["lr"] * st["buf"]
    return p - o["lr"] * g / avg


def _nadam(p, g, t, o, st):
    b1, b2 = o["betas"]
    if o["decoupled_weight_decay"]:
        p = p * (1 - o["lr"] * o["weight_decay"])
    else:
        g = g + o["weight_decay"] * p
    mu = b1 * (1 - 0.5 * 0.96 ** (t * o["momentum_decay"]))
    mu_next = b1 * (1 - 0.5 * 0.96 ** ((t + 1) * o["momentum_decay"]))
    st["mu_product"] = np.float32(st["mu_product"] * np.float32(mu))  # a float32 counter, as PyTorch keeps it
    mp = float(st["mu_product"])
    st["m"] = b1 * st["m"] + (1 - b1) * g
    st["v"] = b2 * st["v"] + (1 - b2) * g * g
    denom = np.sqrt(st["v"] / (1 - b2**t)) + o["eps"]
    p = p - o["lr"] * (1 - mu) / (1 - mp) * g / denom
    return p - o["lr"] * mu_next / (1 - mp * mu_next) * st["m"] / denom


def _adadelta(p, g, t, o, st):
    rho = o["rho"]
    g = g + o["weight_decay"] * p
    st["v"] = rho * st["v"] + (1 - rho) * g * g
    delta = np.sqrt(st["acc"] + o["eps"]) / np.sqrt(st["v"] + o["eps"]) * g
    st["acc"] = rho * st["acc"] + (1 - rho) * delta * delta
    return p - o["lr"] * delta


def _lion(p, g, t, o, st):
    b1, b2 = o["betas"]
    p = p * (1 - o["lr"] * o["weight_decay"])
    p = p - o["lr"] * np.sign(b1 * st["m"] + (1 - b1) * g)
    st["m"] = b2 * st["m"] + (1 - b2) * g
    return p


_STEP = {"SGD": _sgd, "Adam": _adam, "AdamW": lambda *a: _adam(*a, decoupled=True), "Adagrad": _adagrad,
         "RMSprop": _rmsprop, "NAdam": _nadam, "Adadelta": _adadelta, "Lion": _lion}


# ---- running ours and PyTorch's --------------------------------------------------------------------
def problem(dtype, steps: int = STEPS) -> tuple:
    """Initial parameters and ``steps`` lists of gradients (an exact zero in each, for sign(0))."""
    rng = np.random.default_rng(0)
    params = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = []
    for _ in range(steps):
        gs = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
        gs[1][0] = 0
        grads.append(gs)
    return params, grads


def run_ours(case: OptimCase, dtype, impl: str = "default") -> list:
    """Our parameters (NumPy arrays) after ``STEPS`` steps, with the kernels on ``impl``."""
    import autograd as ag
    import optim

    params, grads = problem(dtype)
    ps = [ag.tensor(a.copy(), requires_grad=True) for a in params]
    opt = getattr(optim, case.name)(ps, **case.options)
    with use(impl):
        for gs in grads:
            for p, g in zip(ps, gs):
                p.grad = ag.tensor(g.copy())
            opt.step()
    return [p.data for p in ps]


def run_torch(torch, case: OptimCase, dtype) -> list:
    """PyTorch's parameters after the same steps."""
    params, grads = problem(dtype)
    ps = [torch.tensor(a.copy(), requires_grad=True) for a in params]
    opt = getattr(torch.optim, case.name)(ps, **case.options)
    for gs in grads:
        for p, g in zip(ps, gs):
            p.grad = torch.tensor(g.copy())
        opt.step()
    return [p.detach().numpy() for p in ps]


def _compare(case: OptimCase, check: str, ours: list, ref: list, atol: float, rtol: float, t0: float) -> Record:
    from autograd.testing.checks import errors

    worst_abs = worst_rel = 0.0
    message = ""
    for i, (a, b) in enumerate(zip(ours, ref)):
        ea, er = errors(a, b)
        worst_abs, worst_rel = max(worst_abs, ea), max(worst_rel, er)
        if not message and not np.allclose(np.asarray(a, np.float64), np.asarray(b, np.float64), atol=atol, rtol=rtol):
            message = (f"parameter {i} after {STEPS} steps differs by up to {ea:.3g} (atol={atol}, rtol={rtol}):\n"
                       f"{a}\nreference:\n{b}")
    return Record(case.id, case.id, check, not message, "", worst_abs, worst_rel, time.perf_counter() - t0, message)


def run_case(case: OptimCase, torch) -> list:
    """Every check of one optimizer case as ``Record``s (``op`` is ``optim.<Name>``)."""
    from .kernel_sets import numba_active

    op = f"optim.{case.name}"
    records = []
    for dt in (np.float64, np.float32):
        t0 = time.perf_counter()
        params, grads = problem(dt)
        ref = [reference(case.name, case.options, p, [g[i] for g in grads]) for i, p in enumerate(params)]
        records.append(_compare(case, f"formula-f{np.dtype(dt).itemsize * 8}", run_ours(case, dt), ref,
                                *TOL[np.dtype(dt).name], t0))
    for dt in (np.float64, np.float32):
        name = f"numba-twins-f{np.dtype(dt).itemsize * 8}"
        t0 = time.perf_counter()
        if not numba_active():
            records.append(Record(op, case.id, name, skipped="Numba kernels are not in use"))
            continue
        tol = (1e-12, 1e-10) if dt == np.float64 else (1e-6, 1e-5)
        records.append(_compare(case, name, run_ours(case, dt, "numba"), run_ours(case, dt, "twins"), *tol, t0))
    for dt in (np.float64, np.float32):
        name = f"torch-f{np.dtype(dt).itemsize * 8}"
        t0 = time.perf_counter()
        if torch is None:
            records.append(Record(op, case.id, name, skipped="PyTorch unavailable"))
        elif not hasattr(torch.optim, case.name):
            records.append(Record(op, case.id, name, skipped=f"PyTorch has no {case.name}"))
        else:
            records.append(_compare(case, name, run_ours(case, dt), run_torch(torch, case, dt), *TOL[np.dtype(dt).name], t0))
    for r in records:
        r.op = op
    return records
