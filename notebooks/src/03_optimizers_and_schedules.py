"""Source of notebooks/03_optimizers_and_schedules.ipynb (build it with: python notebooks/build.py)."""

# %% [markdown]
# # 3. Optimizers and learning-rate schedules
#
# 1. eight optimizers train the same network from the same initial weights: SGD, SGD with momentum,
#    Nesterov momentum, AdaGrad, RMSprop, Adam, NAdam and Lion;
# 2. their paths on a 2-D function, the Rosenbrock valley;
# 3. every learning-rate schedule of `optim.lr_scheduler`, plotted;
# 4. the learning-rate range test (`optim.LRFinder`) and a one-cycle run at the rate it suggests.
#
# `optim` mirrors `torch.optim`: the same class names, arguments, defaults and `state_dict`s; the
# updates run in fused Numba kernels.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from autograd.data import DataLoader, load_digits
from nn.training import fit
from optim import lr_scheduler

_ = ag.manual_seed(0)

# %% [markdown]
# ## 1. Eight optimizers on the digits
#
# One small MLP, one set of initial weights (copied into each run), one shuffling order; only the
# optimizer changes. Each runs at a learning rate that suits it (Lion's sign updates need a rate
# several times smaller than Adam's; plain SGD a larger one), for 10 epochs.

# %%
train, val, _test = load_digits()
val_loader = DataLoader(val, batch_size=512)


def make_model():
    return nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))


initial = {k: v.clone() for k, v in make_model().state_dict().items()}

OPTIMIZERS = {
    "SGD": lambda ps: optim.SGD(ps, lr=0.1),
    "SGD + momentum": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9),
    "Nesterov": lambda ps: optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True),
    "AdaGrad": lambda ps: optim.Adagrad(ps, lr=0.05),
    "RMSprop": lambda ps: optim.RMSprop(ps, lr=1e-3),
    "Adam": lambda ps: optim.Adam(ps, lr=3e-3),
    "NAdam": lambda ps: optim.NAdam(ps, lr=3e-3),
    "Lion": lambda ps: optim.Lion(ps, lr=1e-3),
}

histories = {}
for name, make_optimizer in OPTIMIZERS.items():
    model = make_model()
    model.load_state_dict(initial)
    loader = DataLoader(train, batch_size=64, shuffle=True, generator=ag.Generator().manual_seed(0))
    histories[name] = fit(model, nn.CrossEntropyLoss(), make_optimizer(model.parameters()), loader, val_loader,
                          epochs=10, verbose=False, progress=False)
    h = histories[name].last
    print(f"{name:15s} train loss {h['train_loss']:.4f}   val loss {h['val_loss']:.4f}   val acc {h['val_accuracy']:.3f}")

# %%
def smooth(values, beta=0.9):
    out, avg = [], 0.0
    for i, v in enumerate(values, 1):
        avg = beta * avg + (1 - beta) * v
        out.append(avg / (1 - beta**i))
    return out


fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4))
for i, (name, h) in enumerate(histories.items()):
    style = dict(color=f"C{i}", linestyle="--" if i >= 4 else "-")
    ax1.plot(smooth(h.steps["loss"]), label=name, **style)
    ax2.plot(h["epoch"], h["val_loss"], marker="o", markersize=3, label=name, **style)
ax1.set(title="training loss per step (smoothed)", xlabel="step", yscale="log")
ax2.set(title="validation loss per epoch", xlabel="epoch", yscale="log")
for ax in (ax1, ax2):
    ax.grid(alpha=0.3)
ax2.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## 2. Paths on the Rosenbrock function
#
# $f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$ has its minimum at $(1, 1)$ at the bottom of a long,
# curved, narrow valley: steep across, nearly flat along. Plain gradient descent must use a rate
# small enough for the steep direction and then crawls along the flat one; momentum builds up
# speed along the valley; adaptive methods (AdaGrad, RMSprop, Adam) rescale each coordinate; Lion
# moves every coordinate by exactly `lr` per step (the sign of its momentum).
#
# The parameters are a single tensor of two float64 numbers; each optimizer takes 1000 steps from
# $(-1.2, 1)$.

# %%
def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


PATH_OPTIMIZERS = {
    "SGD": lambda ps: optim.SGD(ps, lr=1.5e-3),
    "SGD + momentum": lambda ps: optim.SGD(ps, lr=5e-4, momentum=0.9),
    "Nesterov": lambda ps: optim.SGD(ps, lr=5e-4, momentum=0.9, nesterov=True),
    "AdaGrad": lambda ps: optim.Adagrad(ps, lr=1.0),
    "RMSprop": lambda ps: optim.RMSprop(ps, lr=0.01),
    "Adam": lambda ps: optim.Adam(ps, lr=0.05),
    "NAdam": lambda ps: optim.NAdam(ps, lr=0.05),
    "Lion": lambda ps: optim.Lion(ps, lr=0.01),
}

paths = {}
for name, make_optimizer in PATH_OPTIMIZERS.items():
    p = ag.tensor([-1.2, 1.0], dtype=ag.float64, requires_grad=True)
    opt = make_optimizer([p])
    trail = [p.detach().numpy().copy()]
    for _ in range(1000):
        opt.zero_grad()
        rosenbrock(p).backward()
        opt.step()
        trail.append(p.detach().numpy().copy())
    paths[name] = np.array(trail)
    print(f"{name:15s} ends at ({trail[-1][0]:+.3f}, {trail[-1][1]:+.3f}), f = {rosenbrock(ag.tensor(trail[-1])).item():.2e}")

# %%
gx, gy = np.meshgrid(np.linspace(-2, 2, 300), np.linspace(-1, 3, 300))
gf = (1 - gx) ** 2 + 100 * (gy - gx**2) ** 2
fig, axes = plt.subplots(2, 4, figsize=(14, 6.5), sharex=True, sharey=True)
for ax, (name, trail) in zip(axes.ravel(), paths.items()):
    ax.contour(gx, gy, np.log10(gf + 1e-3), levels=20, cmap="Greys", linewidths=0.6)
    ax.plot(trail[:, 0], trail[:, 1], ".-", markersize=2, linewidth=0.8, color="C3")
    ax.plot(*trail[0], "o", color="C0")
    ax.plot(1, 1, "*", color="gold", markersize=12, markeredgecolor="k")
    ax.set_title(name)
fig.suptitle("1000 steps on the Rosenbrock function from (-1.2, 1); the star is the minimum")
fig.tight_layout()
plt.show()

fig, ax = plt.subplots(figsize=(7, 3.5))
for i, (name, trail) in enumerate(paths.items()):
    values = [(1 - a) ** 2 + 100 * (b - a * a) ** 2 for a, b in trail]
    ax.plot(values, label=name, color=f"C{i}", linestyle="--" if i >= 4 else "-")
ax.set(yscale="log", xlabel="step", ylabel="f", title="distance to the minimum value")
ax.legend(fontsize=7, ncol=2)
ax.grid(alpha=0.3)
plt.show()

# %% [markdown]
# ## 3. Learning-rate schedules
#
# A scheduler changes `optimizer.param_groups[i]["lr"]` each time you call `scheduler.step()`
# (once per epoch, or once per batch for warmup and one-cycle schedules; `fit(...,
# scheduler_interval="step")` does the latter). Below, every scheduler in `optim.lr_scheduler`
# drives an optimizer with base rate 0.1 for 100 steps. `ReduceLROnPlateau` needs the monitored
# value: here a loss that stops improving after step 30.

# %%
def trace(make, steps=100, metric=None):
    opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    sched = make(opt)
    lrs = []
    for t in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step(metric(t)) if metric else sched.step()
    return lrs


L = lr_scheduler
SCHEDULES = {
    "StepLR(step_size=30, gamma=0.5)": lambda o: L.StepLR(o, step_size=30, gamma=0.5),
    "MultiStepLR([20, 50, 80], 0.3)": lambda o: L.MultiStepLR(o, milestones=[20, 50, 80], gamma=0.3),
    "ConstantLR(factor=1/3, 25)": lambda o: L.ConstantLR(o, factor=1 / 3, total_iters=25),
    "LinearLR(0.1 -> 1, 40)": lambda o: L.LinearLR(o, start_factor=0.1, end_factor=1.0, total_iters=40),
    "ExponentialLR(0.97)": lambda o: L.ExponentialLR(o, gamma=0.97),
    "PolynomialLR(100, power=2)": lambda o: L.PolynomialLR(o, total_iters=100, power=2.0),
    "LambdaLR(1 / (1 + t/10))": lambda o: L.LambdaLR(o, lambda t: 1 / (1 + t / 10)),
    "MultiplicativeLR(x0.98)": lambda o: L.MultiplicativeLR(o, lambda t: 0.98),
    "CosineAnnealingLR(T_max=100)": lambda o: L.CosineAnnealingLR(o, T_max=100, eta_min=0.001),
    "CosineAnnealingWarmRestarts(20, 2)": lambda o: L.CosineAnnealingWarmRestarts(o, T_0=20, T_mult=2),
    "CosineWarmup(warmup_steps=30)": lambda o: L.CosineWarmup(o, warmup_steps=30),
    "SequentialLR(warmup, cosine)": lambda o: L.SequentialLR(
        o, [L.LinearLR(o, start_factor=0.01, total_iters=10), L.CosineAnnealingLR(o, T_max=90)], milestones=[10]),
    "ChainedScheduler(Constant, Exp)": lambda o: L.ChainedScheduler(
        [L.ConstantLR(o, factor=0.5, total_iters=20), L.ExponentialLR(o, gamma=0.98)]),
    "OneCycleLR(max_lr=0.1, 100)": lambda o: L.OneCycleLR(o, max_lr=0.1, total_steps=100),
    "OneCycleLR(three_phase, linear)": lambda o: L.OneCycleLR(o, max_lr=0.1, total_steps=100, three_phase=True,
                                                              anneal_strategy="linear"),
}
plateau_loss = lambda t: 1.0 / (1 + min(t, 30))  # noqa: E731  improves until step 30, then flat

fig, axes = plt.subplots(4, 4, figsize=(14, 10), sharex=True)
for ax, (name, make) in zip(axes.ravel(), SCHEDULES.items()):
    ax.plot(trace(make))
    ax.set_title(name, fontsize=9)
ax = axes.ravel()[-1]
ax.plot(trace(lambda o: L.ReduceLROnPlateau(o, factor=0.5, patience=5), metric=plateau_loss))
ax.set_title("ReduceLROnPlateau(0.5, patience=5)", fontsize=9)
for ax in axes.ravel():
    ax.grid(alpha=0.3)
fig.supxlabel("step")
fig.supylabel("learning rate")
fig.tight_layout()
plt.show()

# %% [markdown]
# `OneCycleLR` also cycles the momentum (Adam's `beta1`) the other way round: high momentum while
# the rate is low, low while it is high.

# %%
opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
sched = L.OneCycleLR(opt, max_lr=0.1, total_steps=100)
lr_m = []
for _ in range(100):
    lr_m.append((opt.param_groups[0]["lr"], opt.param_groups[0]["momentum"]))
    opt.step()
    sched.step()
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot([a for a, _ in lr_m], label="lr")
ax2 = ax.twinx()
ax2.plot([m for _, m in lr_m], color="C1", label="momentum")
ax.set(xlabel="step", ylabel="lr", title="OneCycleLR: learning rate and momentum")
ax2.set_ylabel("momentum")
fig.legend(loc="upper right", fontsize=8)
plt.show()

# %% [markdown]
# ## 4. The learning-rate range test
#
# `LRFinder.range_test` trains for a few dozen mini-batches while the rate grows exponentially,
# records the (smoothed) loss, stops when it diverges, and then puts the model and the optimizer
# back as they were. The loss falls fastest around a good rate; `suggestion()` returns the rate at
# the steepest descent of the curve. (`diverge_th=3` stops the test once the smoothed loss is three
# times its best: past that point the curve says nothing useful, and its wobbles could look steep.)

# %%
_ = ag.manual_seed(0)
model = make_model()
optimizer = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
train_loader = DataLoader(train, batch_size=64, shuffle=True, generator=ag.Generator().manual_seed(0))
finder = optim.LRFinder(model, optimizer, nn.CrossEntropyLoss())
finder.range_test(train_loader, start_lr=1e-4, end_lr=10, num_iter=100, diverge_th=3)
suggested = finder.suggestion()
print(f"tested {len(finder.history['lr'])} rates from {finder.history['lr'][0]:.0e} to {finder.history['lr'][-1]:.2g};"
      f" suggested lr = {suggested:.3g}")
print("model and optimizer restored: lr is back to", optimizer.param_groups[0]["lr"])
ax = finder.plot()
ax.set_title("LR range test: SGD with momentum on the digits MLP")
plt.show()

# %% [markdown]
# A common recipe: one-cycle training, stepped every batch, with `max_lr` between the suggested rate
# and the rate where the loss is lowest (here three times the suggestion; the warmup keeps it stable).

# %%
optimizer = optim.SGD(model.parameters(), lr=suggested, momentum=0.9)
sched = L.OneCycleLR(optimizer, max_lr=min(3 * suggested, 1.0), epochs=10, steps_per_epoch=len(train_loader))
history = fit(model, nn.CrossEntropyLoss(), optimizer, train_loader, val_loader, epochs=10, scheduler=sched,
              scheduler_interval="step", verbose=False, progress=False)
print(f"one-cycle SGD: val loss {history.last['val_loss']:.4f}, val accuracy {history.last['val_accuracy']:.3f}"
      f"  (constant-rate SGD + momentum above: {histories['SGD + momentum'].last['val_loss']:.4f},"
      f" {histories['SGD + momentum'].last['val_accuracy']:.3f})")
history.plot(title="one-cycle SGD at the LR finder's rate")

# %% [markdown]
# **Next:** notebook 4 looks at the losses and activations these models are built from.
