"""Shared by the optim tests: the same problem run through numbagrad's and PyTorch's optimizers."""

from __future__ import annotations

import numpy as np

import autograd as ag
import optim

SHAPES = [(3, 4), (5,), (2,)]  # the last parameter never gets a gradient (must be skipped)


def initial_params(dtype=np.float64, seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


def grad_sequence(steps: int, dtype=np.float64, seed: int = 1) -> list[list[np.ndarray]]:
    """Gradients for the first two parameters, one list per step (some exact zeros, to hit sign(0))."""
    rng = np.random.default_rng(seed)
    seq = []
    for _ in range(steps):
        gs = [rng.standard_normal(s).astype(dtype) for s in SHAPES[:2]]
        gs[1][0] = 0.0
        seq.append(gs)
    return seq


def ours(name: str, options: dict, arrays: list[np.ndarray], groups: bool = False):
    params = [ag.tensor(a.copy(), requires_grad=True) for a in arrays]
    if groups:  # two groups: the second with its own learning rate
        lr2 = options.get("lr", 1e-2) * 0.5
        spec = [{"params": params[:1]}, {"params": params[1:], "lr": lr2}]
    else:
        spec = params
    return params, getattr(optim, name)(spec, **options)


def run_ours(params, opt, grads) -> None:
    for p, g in zip(params, grads):
        p.grad = ag.tensor(g.copy())
    opt.step()
