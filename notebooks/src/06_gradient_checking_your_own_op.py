"""Source of notebooks/06_gradient_checking_your_own_op.ipynb (build it with: python notebooks/build.py)."""

# %% [markdown]
# # 6. Gradient checking your own op
#
# When an op is missing you write it as an `autograd.Function` (the same API as
# `torch.autograd.Function`), and then you make sure its gradient is right:
#
# 1. a custom `Function`: Mish, $x \tanh(\mathrm{softplus}(x))$, with its forward on NumPy arrays and
#    its backward in autograd ops;
# 2. `gradcheck` and `gradgradcheck`, and what they report for a subtly wrong backward;
# 3. an op with two inputs and broadcasting;
# 4. the op inside a model;
# 5. the op in the registry of test cases: the library's own checks (finite differences in float64
#    and float32, non-contiguous inputs, PyTorch) and the gradient-correctness report of `benchmarks/`.

# %% [markdown]
# ## 1. A custom `Function`
#
# * `forward(ctx, *args)` receives the call's arguments (Tensors and plain values), computes on the
#   NumPy arrays (`x.data`) and returns an array. It keeps what backward needs with
#   `ctx.save_for_backward(...)`.
# * `backward(ctx, grad)` receives the gradient of the loss with respect to the output and returns
#   one gradient per forward argument. It is written with autograd ops (`tanh`, `sigmoid`, `*`, ...),
#   so the backward pass is itself differentiable: second derivatives come for free.
# * `name` is what graph drawings and error messages call the op.
#
# $\mathrm{mish}(x) = x\,t$ with $t = \tanh(\mathrm{softplus}(x))$; since
# $\mathrm{softplus}' = \sigma$ (the sigmoid), $\;\mathrm{mish}'(x) = t + x\,(1 - t^2)\,\sigma(x)$.
#
# The op goes into a small module, `my_ops.py`, so that the gradient report of section 5 can import
# it as well. This notebook writes its files into a scratch folder:

# %%
import os
import tempfile

os.chdir(tempfile.mkdtemp(prefix="my-ops-"))
print("working in", os.getcwd())

# %%
%%writefile my_ops.py
"""My own ops for numbagrad."""
import numpy as np

import autograd as ag


class Mish(ag.Function):
    """mish(x) = x * tanh(softplus(x)) (Misra 2019)."""

    name = "mish"

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data * np.tanh(np.logaddexp(0.0, x.data))  # logaddexp(0, x) = softplus(x), without overflow

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = ag.softplus(x).tanh()
        return grad * (t + x * (1 - t * t) * x.sigmoid())


def mish(x):
    return Mish.apply(x)

# %%
import importlib
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from autograd.data import DataLoader, load_digits
from nn.training import fit

# %%
import my_ops  # the module the cell above wrote into the working folder
from my_ops import Mish, mish

_ = ag.manual_seed(0)
x = ag.tensor([-2.0, -0.5, 0.0, 1.0, 3.0], requires_grad=True)
y = mish(x)
y.sum().backward()
print("mish(x) =", y)
print("grad    =", x.grad)
ag.draw_graph({"loss": (mish(x) ** 2).sum()}, params={"x": x}, rankdir="LR")

# %% [markdown]
# ## 2. `gradcheck` and `gradgradcheck`
#
# `gradcheck(f, inputs)` compares the Jacobian from your backward with central finite differences,
# element by element, for every input that requires grad; `gradgradcheck` does the same for the
# gradient of the gradient. Use float64 inputs: in float32 the finite differences themselves are
# only good to about 1e-3.

# %%
x64 = ag.randn(3, 4, dtype=ag.float64, requires_grad=True)
print("gradcheck:    ", ag.gradcheck(mish, (x64,)))
print("gradgradcheck:", ag.gradgradcheck(mish, (x64,)))

# %% [markdown]
# A subtly wrong backward: say we forgot the factor $\sigma(x)$ of the chain rule through softplus.
# The values are still plausible (near the right ones for large x), the loss still goes down in
# training, and only a gradient check finds it. `gradcheck` raises a `GradcheckError` that shows both
# Jacobians and the worst element; `raise_exception=False` returns False instead.

# %%
class MishWrong(Mish):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        t = ag.softplus(x).tanh()
        return grad * (t + x * (1 - t * t))  # missing: * x.sigmoid()


print("gradcheck of the wrong backward:", ag.gradcheck(MishWrong.apply, (x64,), raise_exception=False))
try:
    ag.gradcheck(MishWrong.apply, (ag.tensor([-1.0, 0.5, 2.0], dtype=ag.float64, requires_grad=True),))
except ag.GradcheckError as e:
    print(str(e)[:1200])

# %%
grid = ag.linspace(-4, 3, 200, dtype=ag.float64)
fig, ax = plt.subplots(figsize=(7, 3.2))
for name, fn in [("mish", mish), ("wrong backward", MishWrong.apply)]:
    g = grid.detach().requires_grad_()
    (d,) = ag.grad(fn(g).sum(), [g])
    ax.plot(grid.numpy(), d.numpy(), label=f"d/dx, {name}")
ax.plot(grid.numpy(), mish(grid).numpy(), "k:", label="mish(x)")
ax.legend()
ax.grid(alpha=0.3)
ax.set_title("the wrong derivative agrees for x > 1 and is far off for x < 0")
plt.show()

# %% [markdown]
# ## 3. Two inputs and broadcasting
#
# `softclip(x, limit) = limit * tanh(x / limit)` squashes `x` smoothly into `(-limit, limit)`, with
# a learnable `limit` per feature. Three things to know:
#
# * backward returns one gradient per input **with the shape of the output**: when `limit` of shape
#   `(3,)` was broadcast against `x` of shape `(4, 3)`, the engine sums its gradient back to `(3,)`.
#   Never unbroadcast in an op.
# * `ctx.next_edges[i] is None` when input `i` needs no gradient: skip that work and return None.
# * plain (non-Tensor) arguments get None as their gradient.
#
# With $u = x / l$: $\partial/\partial x = 1 - \tanh^2 u$ and $\partial/\partial l = \tanh u - u\,(1 - \tanh^2 u)$.

# %%
class SoftClip(ag.Function):
    name = "softclip"

    @staticmethod
    def forward(ctx, x, limit):
        u = x.data / limit.data
        ctx.save_for_backward(x, limit)
        return limit.data * np.tanh(u)

    @staticmethod
    def backward(ctx, grad):
        x, limit = ctx.saved_tensors
        u = x / limit
        t = u.tanh()
        dx = grad * (1 - t * t) if ctx.next_edges[0] is not None else None
        dlimit = grad * (t - u * (1 - t * t)) if ctx.next_edges[1] is not None else None
        return dx, dlimit


def softclip(x, limit):
    return SoftClip.apply(x, limit)


xs = ag.randn(4, 3, dtype=ag.float64, requires_grad=True) * 3
xs.retain_grad()
limit = ag.tensor([0.5, 1.0, 2.0], dtype=ag.float64, requires_grad=True)
out = softclip(xs, limit)
out.sum().backward()
print("out.shape", out.shape, "| limit.grad.shape", limit.grad.shape, "(summed over the 4 rows by the engine)")
print("gradcheck:    ", ag.gradcheck(softclip, (xs.detach().requires_grad_(), limit)))
print("gradgradcheck:", ag.gradgradcheck(softclip, (xs.detach().requires_grad_(), limit)))
print("only x needs a gradient:", ag.gradcheck(softclip, (xs.detach().requires_grad_(), limit.detach())))

# %% [markdown]
# ## 4. The op in a model
#
# Wrap it in a module and use it like any layer; here Mish replaces ReLU in the digits MLP.

# %%
class MishLayer(nn.Module):
    def forward(self, x):
        return mish(x)


train, val, _test = load_digits()
model = nn.Sequential(nn.Linear(64, 64), MishLayer(), nn.Linear(64, 10))
history = fit(model, nn.CrossEntropyLoss(), optim.Adam(model.parameters(), lr=3e-3),
              DataLoader(train, batch_size=64, shuffle=True, generator=ag.Generator().manual_seed(0)),
              DataLoader(val, batch_size=512), epochs=5, verbose=False, progress=False)
print(history.table(["epoch", "train_loss", "val_loss", "val_accuracy"]))
nn.draw_model(model, train.tensors[0][:8], nn.CrossEntropyLoss(), train.tensors[1][:8], rankdir="LR")

# %% [markdown]
# ## 5. Into the registry, through the checks and the gradient report
#
# numbagrad's tests and its gradient-correctness report run off one registry of op cases
# (`autograd.testing`): an `OpCase` says how to call the op (`fn`), on what inputs (`InputSpec`:
# shape, value domain, dtype), and what PyTorch calls the same thing (`torch_fn`, optional).
# `family="elementwise"` lets the report also try broadcasting shapes. We add the cases to
# `my_ops.py`, so that importing it registers them:

# %%
%%writefile -a my_ops.py


# ---- registry cases: `python -m benchmarks.gradients --module my_ops.py --op mish` checks them ----
from autograd.testing import InputSpec, OpCase, register  # noqa: E402

register(OpCase("mish", mish, [InputSpec((4, 5))], torch_fn=lambda torch, x: torch.nn.functional.mish(x),
                family="elementwise"))

# %%
from autograd.testing import cases, check_gradcheck, check_gradgradcheck, check_kernels, check_layouts, check_torch

importlib.reload(my_ops)  # re-runs my_ops.py: its register() call adds the case
(case,) = cases("mish")
print(case.id, [(spec.shape, spec.dtype) for spec in case.inputs])

try:
    import torch
except ImportError:
    torch = None

results = [
    check_gradcheck(case),  # float64 finite differences, and backward with/without create_graph
    check_gradcheck(case, dtype=np.float32),  # float32, with looser tolerances
    check_gradgradcheck(case),
    check_layouts(case, layouts=["transposed"]),  # non-contiguous input: same values and gradients
    check_kernels(case),  # Numba kernels against NumPy twins: the ones our backward uses (softplus, tanh, ...)
    check_torch(case, torch) if torch is not None else None,
]
for r in results:
    if r is None:
        print("torch        : PyTorch is not installed, comparison skipped")
    else:
        status = f"skipped ({r.skipped})" if r.skipped else ("pass" if r.passed else "FAIL")
        print(f"{r.check:13s}: {status:40s} max abs err {r.max_abs:.1e}, max rel err {r.max_rel:.1e}")

# %% [markdown]
# The same checks, and more (float32 second order, broadcasting variants, PyTorch in float32 and
# float64), run in the gradient-correctness report, `python -m benchmarks.gradients`, from the root
# of the repository. `--module` imports your file first; `--op` selects cases. The report is a table
# on screen plus `gradients.md` and `gradients.json` in `--out`. (`benchmarks/` ships with the
# repository, not with the installed package, so the cell looks for it next to `autograd/`.)

# %%
repo = Path(ag.__file__).resolve().parents[1]
if (repo / "benchmarks" / "gradients.py").exists():
    command = [sys.executable, "-m", "benchmarks.gradients", "--module", os.path.abspath("my_ops.py"), "--op", "mish",
               "--out", os.path.abspath("grad-report")]
    run = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=300)
    print(run.stdout[-2500:] or run.stderr[-2500:])
    print("exit status", run.returncode, "(0: every check passed)")
    assert run.returncode == 0, run.stderr[-2000:]
else:
    print(f"no benchmarks/ next to {repo}: clone the repository to run the gradient report")

# %% [markdown]
# To make a new op part of numbagrad itself, the registration goes into the library's case modules
# (`autograd/testing/op_cases.py`, or a `*_cases.py` module of `nn` / `optim`), where the test suite
# picks it up: every public op must have a case, and `pytest` runs all these checks on it.
