"""Source of notebooks/04_losses_and_activations.ipynb (build it with: python notebooks/build.py)."""

# %% [markdown]
# # 4. Losses and activations
#
# 1. every activation of `nn.functional` and its derivative (computed by autograd, not by hand);
# 2. the losses and their gradients: regression losses against the residual, classification losses
#    against the logit;
# 3. why `log_softmax` / `cross_entropy` and `binary_cross_entropy_with_logits` take logits: what
#    happens to the naive formulas at large logits;
# 4. focal loss on imbalanced data.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import nn.functional as F
import optim
from autograd.data import DataLoader, TensorDataset

_ = ag.manual_seed(0)


def derivative(f, x):
    """f(x) and f'(x) elementwise, by autograd (the sum's gradient is the elementwise derivative)."""
    x = x.detach().requires_grad_()
    y = f(x)
    (dy,) = ag.grad(y.sum(), [x])
    return y.detach().numpy(), dy.numpy()


# %% [markdown]
# ## 1. Activations and their derivatives
#
# The derivative decides how gradients flow back through a layer: where it is near 0 (sigmoid and
# tanh for large |x|, ReLU for x < 0) the layer passes almost nothing back. Notebook 5 shows what
# that does to a deep network.

# %%
ACTIVATIONS = {
    "relu": F.relu,
    "leaky_relu(0.1)": lambda x: F.leaky_relu(x, 0.1),
    "elu": F.elu,
    "gelu": F.gelu,
    "gelu(tanh)": lambda x: F.gelu(x, approximate="tanh"),
    "silu": F.silu,
    "softplus": F.softplus,
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "logsigmoid": F.logsigmoid,
    "hardtanh": F.hardtanh,
    "relu6": F.relu6,
}
x = ag.linspace(-4, 8, 481)
fig, axes = plt.subplots(3, 4, figsize=(13, 8), sharex=True)
for ax, (name, f) in zip(axes.ravel(), ACTIVATIONS.items()):
    y, dy = derivative(f, x)
    ax.plot(x.numpy(), y, label="f(x)")
    ax.plot(x.numpy(), dy, "--", label="f'(x)")
    ax.axhline(0, color="0.6", linewidth=0.6)
    ax.set_title(name)
    ax.set_ylim(-2.2, 4.2)
    ax.grid(alpha=0.3)
axes[0, 0].legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# Every activation has second derivatives too (its backward is made of autograd ops), which is what
# `gradgradcheck` verifies:

# %%
xs = ag.tensor([-1.7, -0.3, 0.4, 2.2], dtype=ag.float64, requires_grad=True)
for name, f in ACTIVATIONS.items():
    print(f"{name:16s} gradcheck {ag.gradcheck(f, (xs,))}  gradgradcheck {ag.gradgradcheck(f, (xs,))}")

# %% [markdown]
# ## 2. Losses and their gradients
#
# **Regression.** MSE punishes large residuals quadratically, and its gradient grows with them
# (outliers dominate); L1's gradient is ±1 whatever the residual; Huber and smooth L1 are quadratic
# near 0 and linear beyond `delta` / `beta`, so their gradient is bounded.

# %%
r = ag.linspace(-3, 3, 301)
zeros = ag.zeros(301)
REGRESSION = {
    "MSE": lambda p: F.mse_loss(p, zeros, reduction="none"),
    "L1": lambda p: F.l1_loss(p, zeros, reduction="none"),
    "Huber(delta=1)": lambda p: F.huber_loss(p, zeros, reduction="none", delta=1.0),
    "SmoothL1(beta=0.5)": lambda p: F.smooth_l1_loss(p, zeros, reduction="none", beta=0.5),
}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
for name, loss in REGRESSION.items():
    value, grad = derivative(loss, r)
    ax1.plot(r.numpy(), value, label=name)
    ax2.plot(r.numpy(), grad, label=name)
ax1.set(title="loss against the residual (prediction - target)", ylim=(0, 4))
ax2.set(title="its gradient with respect to the prediction")
for ax in (ax1, ax2):
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# **Classification.** For one sample of two classes with logits `(0, z)` and target class 1, the
# cross-entropy is $\log(1 + e^{-z})$: the same as `binary_cross_entropy_with_logits(z, 1)`.
# Focal loss multiplies it by $(1 - p_t)^\gamma$, which shrinks the loss of examples already
# classified well ($p_t \to 1$) so training concentrates on the hard ones. The gradient of the
# cross-entropy with respect to the logits is `softmax(logits) - one_hot(target)`.

# %%
z = ag.linspace(-6, 6, 241)
pair = lambda z: ag.stack([ag.zeros_like(z), z], dim=1)  # noqa: E731  logits (0, z) per row
ones = ag.ones(241, dtype=ag.int64)
CLASSIFICATION = {
    "cross-entropy": lambda z: F.cross_entropy(pair(z), ones, reduction="none"),
    "BCE with logits": lambda z: F.binary_cross_entropy_with_logits(z, ag.ones(241), reduction="none"),
    "focal, gamma=1": lambda z: F.focal_loss(pair(z), ones, gamma=1.0, reduction="none"),
    "focal, gamma=2": lambda z: F.focal_loss(pair(z), ones, gamma=2.0, reduction="none"),
    "focal, gamma=5": lambda z: F.focal_loss(pair(z), ones, gamma=5.0, reduction="none"),
    "sigmoid focal (RetinaNet)": lambda z: F.sigmoid_focal_loss(z, ag.ones(241), alpha=-1, gamma=2.0),
}
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.6))
for i, (name, loss) in enumerate(CLASSIFICATION.items()):
    value, grad = derivative(loss, z)
    style = ":" if name == "BCE with logits" else "-"
    ax1.plot(z.numpy(), value, style, label=name, color=f"C{i}")
    ax2.plot(z.numpy(), grad, style, label=name, color=f"C{i}")
ax1.set(title="loss against the logit z of the true class", xlabel="z", ylim=(0, 4))
ax2.set(title="gradient with respect to z", xlabel="z")
for ax in (ax1, ax2):
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
plt.show()

logits = ag.randn(4, 5, requires_grad=True)
target = ag.tensor([0, 3, 3, 1])
F.cross_entropy(logits, target).backward()
expected = (F.softmax(logits, dim=1) - F.one_hot(target, 5)) / 4  # / 4: the mean over the batch
same = np.allclose(logits.grad.numpy(), expected.detach().numpy(), atol=1e-6)
print("cross-entropy gradient == (softmax - one_hot) / N:", same)

# %% [markdown]
# ## 3. Why losses take logits
#
# **Softmax.** $\mathrm{softmax}(x)_i = e^{x_i} / \sum_j e^{x_j}$ computed as written overflows as
# soon as a logit exceeds ~88 in float32 ($e^{89} = \infty$), giving `inf / inf = nan`.
# `log_softmax` subtracts the row maximum first, $\log\mathrm{softmax}(x)_i = x_i - m -
# \log\sum_j e^{x_j - m}$, and is exact at any scale; `cross_entropy` is built on it.
# (NumPy's overflow warnings are silenced below: the point is what the numbers become.)

# %%
big = ag.tensor([[1000.0, 0.0, -1000.0]], requires_grad=True)
label = ag.tensor([1])

with np.errstate(all="ignore"):
    naive = -(big.exp() / big.exp().sum(dim=1, keepdim=True)).log()[0, 1]
    naive.backward()
print("naive -log(softmax):  loss", naive.item(), " gradient", big.grad.numpy())

big.grad = None
stable = F.cross_entropy(big, label)
stable.backward()
print("F.cross_entropy:      loss", stable.item(), " gradient", big.grad.numpy())
print("log_softmax:", F.log_softmax(big, dim=1).detach().numpy())

# %% [markdown]
# **Sigmoid + binary cross-entropy.** For a confidently wrong prediction (logit 100 with target 0,
# or -100 with target 1), `sigmoid` rounds to exactly 1 or 0 in float32. Written out by hand, the
# loss takes `log(0)`: the loss and its gradient are infinite; `F.binary_cross_entropy` clamps the log at -100 (as
# PyTorch does), but the sigmoid in front of it is saturated, so the gradient reaching the logit is
# practically zero: the worst mistakes teach the model nothing. `binary_cross_entropy_with_logits`
# works on the logit directly, $\max(z, 0) - z y + \log(1 + e^{-|z|})$, so the loss is exact and the
# gradient is $\sigma(z) - y$: ±1, as large as it gets.

# %%
logit = ag.tensor([100.0, -100.0, 3.0], requires_grad=True)
y = ag.tensor([0.0, 1.0, 1.0])


def grad_of(loss_fn):
    logit.grad = None
    with np.errstate(all="ignore"):
        loss = loss_fn()
        loss.backward()
    return f"loss {loss.item():9.4g}   d loss / d logit {np.array2string(logit.grad.numpy(), precision=3)}"


def bce_by_hand():
    p = logit.sigmoid()
    return -(y * p.log() + (1 - y) * (1 - p).log()).sum()


print("by hand, -(y log p + (1-y) log(1-p)):", grad_of(bce_by_hand))
print("F.binary_cross_entropy(sigmoid(z)): ", grad_of(lambda: F.binary_cross_entropy(logit.sigmoid(), y, reduction="sum")))
print("F.binary_cross_entropy_with_logits: ", grad_of(lambda: F.binary_cross_entropy_with_logits(logit, y, reduction="sum")))

# %% [markdown]
# ## 4. Focal loss on imbalanced data
#
# Two classes in 2-D: 2,000 points of a common class around the origin and 40 of a rare class that
# overlaps its edge. With the plain cross-entropy the many easy common points dominate the loss, and
# the model gives up on much of the rare class. Focal loss (with `gamma=2` and class weights `alpha`)
# and a class-weighted cross-entropy shift the decision boundary towards the rare class, buying
# recall with precision.

# %%
rng = np.random.default_rng(0)


def blobs(n_common, n_rare):
    common = rng.normal(0.0, 1.0, (n_common, 2))
    rare = rng.normal(0.0, 0.6, (n_rare, 2)) + [1.6, 1.6]
    x = np.concatenate([common, rare]).astype(np.float32)
    y = np.r_[np.zeros(n_common), np.ones(n_rare)].astype(np.int64)
    return ag.tensor(x), ag.tensor(y)


x_train, y_train = blobs(2000, 40)
x_test, y_test = blobs(2000, 40)


def train(loss_fn, epochs=30):
    _ = ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 2))
    opt = optim.Adam(model.parameters(), lr=1e-2)
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=128, shuffle=True,
                        generator=ag.Generator().manual_seed(0))
    for _ in range(epochs):
        for xb, yb in loader:
            opt.zero_grad()
            loss_fn(model(xb), yb).backward()
            opt.step()
    return model


LOSSES = {
    "cross-entropy": nn.CrossEntropyLoss(),
    "focal (gamma=2)": nn.FocalLoss(gamma=2.0),
    "focal (gamma=2, alpha=[0.25, 0.75])": nn.FocalLoss(alpha=[0.25, 0.75], gamma=2.0),
    "cross-entropy, class weights [1, 10]": nn.CrossEntropyLoss(weight=ag.tensor([1.0, 10.0])),
}
models = {}
truth = y_test.numpy()
for name, loss_fn in LOSSES.items():
    models[name] = model = train(loss_fn)
    with ag.no_grad():
        pred = model(x_test).argmax(dim=1).numpy()
    recall = (pred[truth == 1] == 1).mean()
    precision = (truth[pred == 1] == 1).mean() if (pred == 1).any() else float("nan")
    print(f"{name:38s} rare-class recall {recall:.2f}  precision {precision:.2f}  accuracy {(pred == truth).mean():.3f}")

# %%
gx, gy = np.meshgrid(np.linspace(-3.5, 4, 200), np.linspace(-3.5, 4, 200))
grid = ag.tensor(np.c_[gx.ravel(), gy.ravel()].astype(np.float32))
fig, axes = plt.subplots(1, 4, figsize=(16, 4), sharey=True)
xt = x_test.numpy()
for ax, (name, model) in zip(axes, models.items()):
    with ag.no_grad():
        p_rare = F.softmax(model(grid), dim=1)[:, 1].numpy().reshape(gx.shape)
    ax.contourf(gx, gy, p_rare, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.5)
    ax.contour(gx, gy, p_rare, levels=[0.5], colors="k", linewidths=1.5)
    ax.scatter(*xt[truth == 0].T, s=2, color="C0", alpha=0.3)
    ax.scatter(*xt[truth == 1].T, s=12, color="C3", edgecolor="k", linewidth=0.4)
    ax.set_title(name, fontsize=9)
fig.suptitle("P(rare class) and the decision boundary (black) on the test set; red dots: the rare class")
fig.tight_layout()
plt.show()

# %% [markdown]
# **Next:** notebook 5 uses gradient norms and the gradient-health drawing to diagnose training
# that goes wrong.
