"""Training-step speed of an MLP 784-256-128-10 (ReLU, cross-entropy, SGD) against PyTorch.

One step = forward, cross-entropy, backward, and the update: by default a plain SGD update under
no_grad (``p -= lr * p.grad; p.grad = None``); ``--optim sgd|adam`` uses ``optim.SGD``/``optim.Adam``
against ``torch.optim``'s (default settings) instead. Both sides run the same model
(PyTorch's initial weights copied into ours) on the same data, with their default
settings (threads included). Runs alternate between the two libraries; the figure
is the median over rounds of (our time / PyTorch's time).

Run: ``python benchmarks/mlp_step.py [--rounds 15] [--steps 20] [--batches 32 128 512] [--profile 32] [--blas-threads 1]``

``--profile B`` prints a cProfile of our steps at batch B (where the time goes).
``--blas-threads N`` sets ``OPENBLAS_NUM_THREADS`` for our side before NumPy loads; ``--torch-threads N``
calls ``torch.set_num_threads(N)`` (both default to the libraries' own choice). On a busy machine
multi-threaded BLAS falls apart on both sides; ``--blas-threads 1 --torch-threads 1`` gives stable figures.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time

if "--blas-threads" in sys.argv:  # must happen before NumPy loads OpenBLAS
    os.environ["OPENBLAS_NUM_THREADS"] = sys.argv[sys.argv.index("--blas-threads") + 1]

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import autograd as ag  # noqa: E402
import nn  # noqa: E402
import nn.functional as F  # noqa: E402

SIZES = (784, 256, 128, 10)
LR = 0.01


def cross_entropy(logits, target):
    """F.cross_entropy when the losses are there, else log_softmax + gather."""
    if hasattr(F, "cross_entropy"):
        return F.cross_entropy(logits, target)
    return -logits.log_softmax(1).gather(1, target.reshape(-1, 1)).mean()


def build_ours(torch_model=None) -> nn.Module:
    layers = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(nn.ReLU() if hasattr(nn, "ReLU") else _ReLU())
    model = nn.Sequential(*layers)
    if torch_model is not None:
        model.load_state_dict({k: ag.tensor(v.detach().numpy()) for k, v in torch_model.state_dict().items()})
    return model


class _ReLU(nn.Module):
    def forward(self, x):
        return x.relu()


def build_torch(torch):
    layers = []
    for i, (a, b) in enumerate(zip(SIZES[:-1], SIZES[1:])):
        layers.append(torch.nn.Linear(a, b))
        if i < len(SIZES) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def make_update(lib_optim, no_grad, params, kind: str):
    """The parameter update after backward: ``manual`` (``p -= lr * grad`` under no_grad) or an optimizer."""
    if kind == "manual":

        def update():
            with no_grad():
                for p in params:
                    p.sub_(p.grad, alpha=LR)
                    p.grad = None

        return update
    opt = lib_optim.SGD(params, lr=LR) if kind == "sgd" else lib_optim.Adam(params, lr=1e-3)

    def step():
        opt.step()
        opt.zero_grad()

    return step


def our_step(model, update, x, y):
    loss = cross_entropy(model(x), y)
    loss.backward()
    update()
    return loss


def torch_step(torch, model, update, x, y):
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    update()
    return loss


def timed(fn, steps: int) -> float:
    t = time.perf_counter()
    for _ in range(steps):
        fn()
    return (time.perf_counter() - t) / steps


def run(batches, rounds: int, steps: int, kind: str = "manual") -> list:
    import torch

    import optim

    rows = []
    for B in batches:
        rng = np.random.default_rng(B)
        xs = rng.standard_normal((B, SIZES[0])).astype(np.float32)
        ys = rng.integers(0, SIZES[-1], B)
        tmodel = build_torch(torch)
        model = build_ours(tmodel)
        params = make_update(optim, ag.no_grad, list(model.parameters()), kind)
        tparams = make_update(torch.optim, torch.no_grad, list(tmodel.parameters()), kind)
        x, y = ag.tensor(xs), ag.tensor(ys)
        tx, ty = torch.from_numpy(xs), torch.from_numpy(ys)
        # same first loss on the same weights and data
        l0, t0 = float(our_step(model, params, x, y)), float(torch_step(torch, tmodel, tparams, tx, ty))
        assert abs(l0 - t0) < 1e-4 * max(1, abs(t0)), (l0, t0)
        for _ in range(3):  # warm up (Numba loads, BLAS threads, allocator)
            our_step(model, params, x, y)
            torch_step(torch, tmodel, tparams, tx, ty)
        ours, theirs, ratios = [], [], []
        for _ in range(rounds):
            a = timed(lambda m=model, p=params, x=x, y=y: our_step(m, p, x, y), steps)
            b = timed(lambda m=tmodel, p=tparams, x=tx, y=ty: torch_step(torch, m, p, x, y), steps)
            ours.append(a)
            theirs.append(b)
            ratios.append(a / b)
        rows.append((B, statistics.median(ours), statistics.median(theirs), statistics.median(ratios)))
    return rows


def profile(B: int, steps: int = 300, kind: str = "manual") -> None:
    rng = np.random.default_rng(0)
    import optim

    model = build_ours()
    params = make_update(optim, ag.no_grad, list(model.parameters()), kind)
    x = ag.tensor(rng.standard_normal((B, SIZES[0])).astype(np.float32))
    y = ag.tensor(rng.integers(0, SIZES[-1], B))
    for _ in range(5):
        our_step(model, params, x, y)
    pr = cProfile.Profile()
    pr.enable()
    for _ in range(steps):
        our_step(model, params, x, y)
    pr.disable()
    st = pstats.Stats(pr)
    st.sort_stats("tottime").print_stats(25)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--batches", type=int, nargs="+", default=[32, 128, 512])
    ap.add_argument("--profile", type=int, default=0, help="profile our step at this batch size instead")
    ap.add_argument("--blas-threads", type=int, default=0, help="OPENBLAS_NUM_THREADS for our side (default: OpenBLAS's)")
    ap.add_argument(
        "--optim", choices=["manual", "sgd", "adam"], default="manual", help="the update: p -= lr*grad, optim.SGD, optim.Adam"
    )
    ap.add_argument("--torch-threads", type=int, default=0, help="torch.set_num_threads (default: PyTorch's)")
    args = ap.parse_args()
    if args.profile:
        profile(args.profile, kind=args.optim)
        return
    try:
        import torch
    except ImportError:
        print("PyTorch is not installed: nothing to compare against")
        return
    if args.torch_threads:
        torch.set_num_threads(args.torch_threads)
    targets = {32: 0.5, 128: 0.6, 512: 0.8}
    print(
        f"MLP {'-'.join(map(str, SIZES))} training step (forward, cross-entropy, backward, {args.optim} update), "
        f"torch {torch.__version__}, "
        f"{torch.get_num_threads()} torch threads; medians of {args.rounds} alternating rounds of {args.steps} steps"
    )
    print(f"{'batch':>6} {'ours (ms)':>10} {'torch (ms)':>11} {'ours/torch':>11} {'target':>7}")
    for B, a, b, r in run(args.batches, args.rounds, args.steps, args.optim):
        tgt = targets.get(B)
        print(f"{B:>6} {a * 1e3:>10.3f} {b * 1e3:>11.3f} {r:>11.2f} {f'<= {tgt:.1f}' if tgt else '':>7}")


if __name__ == "__main__":
    main()
