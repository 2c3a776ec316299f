"""Source of notebooks/05_diagnosing_training.ipynb (build it with: python notebooks/build.py)."""

# %% [markdown]
# # 5. Diagnosing training
#
# When a network does not learn, look at its gradients. This notebook makes the classic failures
# visible on 12-layer networks trained on the digits, and shows the standard cures:
#
# 1. **vanishing gradients**: a deep sigmoid network against a ReLU network with He initialisation;
# 2. **exploding gradients**: too large an initialisation, and gradient clipping;
# 3. **residual connections** and 4. **batch normalisation**, which keep gradients alive through depth;
# 5. the **gradient-health drawing** (`nn.draw_model` / `autograd.draw_graph` with `show_grads`);
# 6. **overfitting**, and dropout and weight decay against it.
#
# The tools: per-layer gradient norms after one backward pass, the global gradient norm that `fit`
# logs every step (`history.steps["grad_norm"]`), and the drawings.

# %%
import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from autograd.data import DataLoader, TensorDataset, load_digits
from nn.training import fit

_ = ag.manual_seed(0)
train, val, _test = load_digits()
x_batch, y_batch = train.tensors[0][:256], train.tensors[1][:256]
loss_fn = nn.CrossEntropyLoss()
DEPTH, WIDTH = 12, 64


def mlp(depth=DEPTH, width=WIDTH, act=nn.Sigmoid, init=None, batchnorm=False):
    """``depth`` hidden layers Linear -> [BatchNorm1d] -> act, then a Linear head; ``init(linear)`` re-initialises."""
    layers, n_in = [], 64
    for _ in range(depth):
        linear = nn.Linear(n_in, width)
        if init is not None:
            init(linear)
        layers += [linear, *([nn.BatchNorm1d(width)] if batchnorm else []), act()]
        n_in = width
    layers.append(nn.Linear(n_in, 10))
    return nn.Sequential(*layers)


def he_init(linear):
    nn.init.kaiming_normal_(linear.weight, nonlinearity="relu")
    nn.init.zeros_(linear.bias)


def layer_grad_norms(model):
    """The gradient norm of each weight matrix (input side first) after one backward pass on a batch."""
    model.zero_grad()
    loss_fn(model(x_batch), y_batch).backward()
    norms = [float(p.grad.norm()) for name, p in model.named_parameters() if name.endswith("weight") and p.ndim == 2]
    model.zero_grad()
    return norms


def train_model(model, lr=0.02, epochs=8, clip=None):
    loader = DataLoader(train, batch_size=64, shuffle=True, generator=ag.Generator().manual_seed(0))
    opt = optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    return fit(model, loss_fn, opt, loader, DataLoader(val, batch_size=512), epochs=epochs, clip_grad_norm=clip,
               verbose=False, progress=False)


norms, histories = {}, {}

# %% [markdown]
# ## 1. Vanishing gradients
#
# The derivative of the sigmoid is at most 1/4. Backpropagation multiplies one such factor (and a
# weight matrix) per layer, so with PyTorch's default initialisation the gradient shrinks by roughly
# an order of magnitude per layer: the first layers of a 12-layer sigmoid network get gradients
# ~1e10 times smaller than the last and do not learn. ReLU's derivative is 1 where it is active,
# and He initialisation (weights with variance 2 / fan_in) keeps the signal's scale from layer to
# layer, so every layer gets a gradient of the same size.

# %%
_ = ag.manual_seed(0)
models = {
    "sigmoid, default init": mlp(act=nn.Sigmoid),
    "ReLU, He init": mlp(act=nn.ReLU, init=he_init),
}
for name, model in models.items():
    norms[name] = layer_grad_norms(model)
    print(f"{name:24s}", " ".join(f"{v:.0e}" for v in norms[name]))


def plot_norms(names, title):
    fig, ax = plt.subplots(figsize=(7, 3.5))
    for name in names:
        ax.plot(range(1, len(norms[name]) + 1), norms[name], marker="o", label=name)
    ax.set(yscale="log", xlabel="layer (1 = input side)", ylabel="‖∂loss/∂W‖", title=title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    plt.show()


plot_norms(models, "gradient norm per layer, at initialisation")

# %% [markdown]
# The consequence in training (SGD with momentum, 8 epochs): the sigmoid network stays at the loss of
# guessing (log 10 ≈ 2.30), the ReLU network learns.

# %%
for name, model in models.items():
    histories[name] = train_model(model)
    print(f"{name:24s} val loss per epoch:", " ".join(f"{v:.2f}" for v in histories[name]["val_loss"]))

# %% [markdown]
# ## 2. Exploding gradients, and clipping
#
# The opposite failure: weights a bit too large (here a standard deviation of 2.5 / √fan_in, where He
# uses √2 / √fan_in) amplify the signal in every layer. The gradients are ~1000 times too large, the
# first SGD steps throw the weights far away, and within a few steps the loss is `nan`. `fit` notices
# a non-finite loss and stops before applying that update.

# %%
def too_large_init(linear):
    nn.init.normal_(linear.weight, std=2.5 / np.sqrt(linear.in_features))
    nn.init.zeros_(linear.bias)


_ = ag.manual_seed(0)
norms["ReLU, init too large"] = layer_grad_norms(mlp(act=nn.ReLU, init=too_large_init))
print("gradient norms:", " ".join(f"{v:.0e}" for v in norms["ReLU, init too large"]))

_ = ag.manual_seed(0)
with np.errstate(over="ignore", invalid="ignore"):  # NumPy would warn about the overflow on the way to nan
    exploded = train_model(mlp(act=nn.ReLU, init=too_large_init))
print("stopped:", exploded.stop_reason)

# %% [markdown]
# **Gradient clipping** rescales the gradients whenever their global norm exceeds a threshold, so no
# single step can be larger than `lr * max_norm`. In your own loop:
#
# ```python
# loss.backward()
# total_norm = nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)  # returns the norm before clipping
# optimizer.step()
# ```
#
# and `fit(..., clip_grad_norm=1.0)` does the same. The same badly initialised network now trains;
# the logged norm (before clipping) shows the gradients calming down as the weights settle.

# %%
_ = ag.manual_seed(0)
histories["ReLU, init too large, clipped"] = clipped = train_model(mlp(act=nn.ReLU, init=too_large_init), clip=1.0)
print("val loss per epoch:", " ".join(f"{v:.2f}" for v in clipped["val_loss"]))

fig, ax = plt.subplots(figsize=(7, 3.2))
ax.plot(clipped.steps["grad_norm"], label="ReLU, init too large, clip_grad_norm=1")
ax.plot(histories["ReLU, He init"].steps["grad_norm"], label="ReLU, He init")
ax.plot(histories["sigmoid, default init"].steps["grad_norm"], label="sigmoid, default init")
ax.axhline(1.0, color="k", linestyle=":", linewidth=1, label="clipping threshold")
ax.set(yscale="log", xlabel="step", ylabel="global gradient norm", title="gradient norm during training (before clipping)")
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## 3. Residual connections
#
# A residual block computes `x + f(x)`: its backward pass adds the gradient coming through `f` to an
# identity path that passes the gradient on unchanged. Even with sigmoids inside, the gradient reaches
# the first layer at full strength. (The blocks here are "pre-activation": `x + Linear(sigmoid(x))`.)

# %%
class Residual(nn.Module):
    def __init__(self, width, act=nn.Sigmoid):
        super().__init__()
        self.act = act()
        self.linear = nn.Linear(width, width)

    def forward(self, x):
        return x + self.linear(self.act(x))


def resnet(depth=DEPTH, width=WIDTH):
    return nn.Sequential(nn.Linear(64, width), *[Residual(width) for _ in range(depth - 1)], nn.Linear(width, 10))


_ = ag.manual_seed(0)
model = resnet()
norms["sigmoid, residual"] = layer_grad_norms(model)
histories["sigmoid, residual"] = train_model(model)
print("val loss per epoch:", " ".join(f"{v:.2f}" for v in histories["sigmoid, residual"]["val_loss"]))

# %% [markdown]
# ## 4. Batch normalisation
#
# `BatchNorm1d` before each sigmoid re-centres and re-scales the pre-activations of every batch, so
# they stay in the sigmoid's steep middle where its derivative is largest, whatever the layers
# before did. The same 12-layer sigmoid network now trains.

# %%
_ = ag.manual_seed(0)
model = mlp(act=nn.Sigmoid, batchnorm=True)
norms["sigmoid, batch norm"] = layer_grad_norms(model)
histories["sigmoid, batch norm"] = train_model(model)
print("val loss per epoch:", " ".join(f"{v:.2f}" for v in histories["sigmoid, batch norm"]["val_loss"]))

# %%
plot_norms(norms, "gradient norm per layer, at initialisation")

fig, ax = plt.subplots(figsize=(7, 3.5))
for name, h in histories.items():
    ax.plot(h["epoch"], h["val_loss"], marker="o", markersize=3, label=name)
ax.set(xlabel="epoch", ylabel="validation loss", title="12-layer networks, SGD + momentum", yscale="log")
ax.grid(alpha=0.3)
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# ## 5. The gradient-health drawing
#
# `nn.draw_model(model, x, loss_fn, target)` runs one forward and backward step (restoring the
# model's gradients and buffers afterwards) and draws the graph with every tensor coloured by its
# gradient norm: dark blue vanishing, light blue small, green healthy, orange large or exploding,
# red NaN/inf. `max_depth=1` folds each layer into one box. Six layers deep, so the picture fits:
# the sigmoid network fades to blue towards the input...

# %%
_ = ag.manual_seed(0)
x_small, y_small = x_batch[:32], y_batch[:32]
nn.draw_model(mlp(depth=6, act=nn.Sigmoid), x_small, loss_fn, y_small, max_depth=1, rankdir="LR")

# %% [markdown]
# ... the over-scaled ReLU network turns orange ...

# %%
_ = ag.manual_seed(0)
nn.draw_model(mlp(depth=6, act=nn.ReLU, init=lambda m: nn.init.normal_(m.weight, std=4.0 / np.sqrt(m.in_features))),
              x_small, loss_fn, y_small, max_depth=1, rankdir="LR")

# %% [markdown]
# ... and if we train that network anyway (plain SGD, learning rate 0.1, no clipping), the loss
# explodes within a few steps and the gradients become NaN. Here `autograd.draw_graph` draws the
# step after `backward()`, with a `GradWatch` recording the intermediate gradients: NaN/inf is red,
# and each node counts its NaN elements.

# %%
_ = ag.manual_seed(0)
model = mlp(depth=6, act=nn.ReLU, init=lambda m: nn.init.normal_(m.weight, std=4.0 / np.sqrt(m.in_features)))
opt = optim.SGD(model.parameters(), lr=0.1)
with np.errstate(all="ignore"):
    for step in range(1, 21):
        opt.zero_grad()
        loss = loss_fn(model(x_small), y_small)
        watch = ag.GradWatch(loss)
        loss.backward()
        print(f"step {step}: loss {loss.item():.4g}")
        if not all(np.isfinite(p.grad.numpy()).all() for p in model.parameters()):
            break
        opt.step()
ag.draw_graph({"loss": loss}, params=model, show_grads=True, rankdir="LR")

# %% [markdown]
# ... and with batch normalisation the layers are green. Without `max_depth` every op is drawn,
# grouped by the module that ran it. Note the biases of the `Linear` layers in front of each
# `BatchNorm1d`: dark blue, a gradient of practically zero. That is no bug: batch norm subtracts the
# batch mean, which removes any constant added before it, so these biases cannot change the loss
# (which is why such layers are usually built with `bias=False`).

# %%
_ = ag.manual_seed(0)
nn.draw_model(mlp(depth=2, width=16, act=nn.Sigmoid, batchnorm=True), x_small, loss_fn, y_small, rankdir="LR")

# %% [markdown]
# The same colouring works on any graph with `autograd.draw_graph(loss, params=model, show_grads=True)`
# after `backward()`; create an `autograd.GradWatch(loss)` before `backward()` to colour the
# intermediate tensors as well as the parameters.
#
# ## 6. Overfitting: dropout and weight decay
#
# A wide network trained long enough memorises its training set. To make that visible we train on
# 400 digits of which 30% have a random label: the plain network learns the real pattern first
# (validation accuracy peaks early), then memorises the wrong labels, and its validation accuracy
# falls while the training loss keeps dropping. Dropout (randomly zeroing half the hidden units at
# each step) and weight decay (pulling the weights towards 0; `AdamW`'s decoupled form) both make
# memorising harder.

# %%
rng = np.random.default_rng(0)
x_few, y_few = train.tensors[0][:400], train.tensors[1][:400].clone()
noisy = rng.random(400) < 0.3
y_few.data[noisy] = rng.integers(0, 10, int(noisy.sum()))
print(f"{int(noisy.sum())} of 400 labels replaced by random ones")


def wide(dropout=0.0):
    drop = [nn.Dropout(dropout)] if dropout else []
    return nn.Sequential(nn.Linear(64, 256), nn.ReLU(), *drop, nn.Linear(256, 256), nn.ReLU(), *drop, nn.Linear(256, 10))


RUNS = {
    "plain (Adam)": (0.0, lambda ps: optim.Adam(ps, lr=1e-3)),
    "dropout 0.5": (0.5, lambda ps: optim.Adam(ps, lr=1e-3)),
    "weight decay (AdamW, 2.0)": (0.0, lambda ps: optim.AdamW(ps, lr=1e-3, weight_decay=2.0)),
    "dropout 0.5 + AdamW 1.0": (0.5, lambda ps: optim.AdamW(ps, lr=1e-3, weight_decay=1.0)),
}
overfit = {}
for name, (p, make_optimizer) in RUNS.items():
    _ = ag.manual_seed(0)
    model = wide(p)
    loader = DataLoader(TensorDataset(x_few, y_few), batch_size=32, shuffle=True, generator=ag.Generator().manual_seed(0))
    overfit[name] = h = fit(model, loss_fn, make_optimizer(model.parameters()), loader, DataLoader(val, batch_size=512),
                            epochs=80, verbose=False, progress=False)
    best = h.best("val_accuracy")
    print(f"{name:28s} val accuracy: best {best['val_accuracy']:.3f} (epoch {best['epoch']}), final {h.last['val_accuracy']:.3f};"
          f" final train loss {h.last['train_loss']:.3f}")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 3.8))
for i, (name, h) in enumerate(overfit.items()):
    ax1.plot(h["epoch"], h["train_loss"], color=f"C{i}", label=name)
    ax2.plot(h["epoch"], h["val_accuracy"], color=f"C{i}", label=name)
ax1.set(title="training loss (30% noisy labels)", xlabel="epoch", yscale="log")
ax2.set(title="validation accuracy (clean labels)", xlabel="epoch")
for ax in (ax1, ax2):
    ax.grid(alpha=0.3)
ax2.legend(fontsize=8)
plt.show()

# %% [markdown]
# Early stopping on the validation loss (notebook 2) is the third cure: it would keep the plain
# network's weights from around its best epoch.
#
# **Next:** notebook 6 writes a new differentiable op and checks its gradients.
