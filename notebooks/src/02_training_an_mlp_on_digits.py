"""Source of notebooks/02_training_an_mlp_on_digits.ipynb (build it with: python notebooks/build.py)."""

# %% [markdown]
# # 2. Training an MLP on handwritten digits
#
# The whole training pipeline on the 1,797 8x8 handwritten digits bundled with numbagrad:
#
# 1. the data: a stratified train/validation/test split and shuffled mini-batches,
# 2. a plain PyTorch-style loop: initialisation, forward, loss, backward, optimizer step, epochs,
# 3. the same with `nn.training.fit`: metrics, early stopping, checkpoints, a plotted history,
# 4. the test set: accuracy, a confusion matrix, the digits the model gets wrong.
#
# Everything here is PyTorch code with the imports changed (`import autograd as torch` works too).

# %%
import os
import tempfile
import time

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag
import nn
import optim
from autograd.data import DataLoader, load_digits
from nn.training import EarlyStopping, ModelCheckpoint, evaluate, fit, load_checkpoint

_ = ag.manual_seed(0)

# %% [markdown]
# ## 1. The data
#
# `load_digits()` returns three `TensorDataset`s of `(features, label)`: 64 pixel values scaled to
# [0, 1] per image, labels 0..9. The split is stratified (each part has the same class proportions)
# and fixed by its `seed`.

# %%
train, val, test = load_digits()
print(len(train), "train /", len(val), "validation /", len(test), "test samples")
x0, y0 = train[0]
print("one sample:", x0.shape, x0.dtype, "label", int(y0))

fig, axes = plt.subplots(2, 8, figsize=(9, 2.6))
for ax, i in zip(axes.ravel(), range(16)):
    x, y = train[i]
    ax.imshow(x.reshape(8, 8).numpy(), cmap="gray_r")
    ax.set_title(int(y), fontsize=9)
    ax.axis("off")
plt.show()

# %% [markdown]
# A `DataLoader` cuts a data set into mini-batches; `shuffle=True` draws a new order every epoch
# (from its own `Generator`, so runs are reproducible).

# %%
train_loader = DataLoader(train, batch_size=64, shuffle=True, generator=ag.Generator().manual_seed(0))
val_loader = DataLoader(val, batch_size=512)
test_loader = DataLoader(test, batch_size=512)
xb, yb = next(iter(train_loader))
print(len(train_loader), "batches per epoch; one batch:", xb.shape, yb.shape, yb[:10].tolist())

# %% [markdown]
# ## 2. A plain training loop
#
# A multi-layer perceptron 64 -> 64 -> 10. `nn.Linear` starts with PyTorch's default
# initialisation (Kaiming-uniform weights with `a=sqrt(5)`, small uniform biases); here we
# re-initialise the weights explicitly with He (Kaiming) normal initialisation, the usual choice
# before ReLU, and zero the biases.
#
# The loss is the cross-entropy of the logits (`nn.CrossEntropyLoss` applies log-softmax itself),
# the optimizer SGD with momentum.

# %%
def make_model():
    model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
    for layer in model:
        if isinstance(layer, nn.Linear):
            nn.init.kaiming_normal_(layer.weight, nonlinearity="relu")
            nn.init.zeros_(layer.bias)
    return model


model = make_model()
print(model)
print(sum(p.numel() for p in model.parameters()), "parameters:", [(n, tuple(p.shape)) for n, p in model.named_parameters()])
loss_fn = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

# %% [markdown]
# One epoch is one pass over the shuffled training set; after each we measure the validation
# loss and accuracy, in `eval()` mode and without recording a graph.

# %%
def run_epoch(model, loader, optimizer):
    model.train()
    total_loss = correct = seen = 0
    for x, y in loader:
        logits = model(x)  # forward
        loss = loss_fn(logits, y)  # loss
        optimizer.zero_grad()  # clear last step's gradients
        loss.backward()  # backward: d loss / d every parameter
        optimizer.step()  # update the parameters
        total_loss += loss.item() * len(y)
        correct += int((logits.argmax(dim=1) == y).sum())
        seen += len(y)
    return total_loss / seen, correct / seen


def validate(model, loader):
    model.eval()
    total_loss = correct = seen = 0
    with ag.no_grad():
        for x, y in loader:
            logits = model(x)
            total_loss += loss_fn(logits, y).item() * len(y)
            correct += int((logits.argmax(dim=1) == y).sum())
            seen += len(y)
    return total_loss / seen, correct / seen


log = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
t0 = time.perf_counter()
for epoch in range(1, 16):
    tl, ta = run_epoch(model, train_loader, optimizer)
    vl, va = validate(model, val_loader)
    for key, value in zip(log, (tl, ta, vl, va)):
        log[key].append(value)
    if epoch % 3 == 0:
        print(f"epoch {epoch:2d}  train loss {tl:.4f} acc {ta:.3f}   val loss {vl:.4f} acc {va:.3f}")
print(f"{time.perf_counter() - t0:.1f} s")

# %%
fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3.5))
epochs = range(1, len(log["train_loss"]) + 1)
ax1.plot(epochs, log["train_loss"], label="train")
ax1.plot(epochs, log["val_loss"], label="validation")
ax1.set_title("cross-entropy loss")
ax2.plot(epochs, log["train_acc"], label="train")
ax2.plot(epochs, log["val_acc"], label="validation")
ax2.set_title("accuracy")
for ax in (ax1, ax2):
    ax.set_xlabel("epoch")
    ax.grid(alpha=0.3)
    ax.legend()
plt.show()

# %% [markdown]
# ## 3. The same with `fit`, early stopping and a checkpoint
#
# `nn.training.fit` runs exactly that loop and adds what one usually bolts on: validation metrics,
# the gradient norm, the learning rate, a per-epoch table, schedulers and callbacks.
#
# * `EarlyStopping` stops when the validation loss has not improved for `patience` epochs, and
#   (with `restore_best_weights`) puts the best epoch's weights back;
# * `ModelCheckpoint` saves the best model, the optimizer state and the history with
#   `autograd.save` (a safe format that never runs code on load), here into a temporary folder;
# * `ReduceLROnPlateau` halves the learning rate when the validation loss stalls.
#
# A wider network with Adam overfits this small training set after a while, so early stopping has
# something to do.

# %%
_ = ag.manual_seed(1)
model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
optimizer = optim.Adam(model.parameters(), lr=3e-3)
scheduler = optim.lr_scheduler.ReduceLROnPlateau(optimizer, factor=0.5, patience=2)
run_dir = tempfile.mkdtemp(prefix="digits-")
ckpt_path = os.path.join(run_dir, "best.ngd")
stopper = EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)
checkpoint = ModelCheckpoint(ckpt_path, monitor="val_loss")

history = fit(model, loss_fn, optimizer, train_loader, val_loader, epochs=40, scheduler=scheduler,
              callbacks=[stopper, checkpoint], progress=False)

# %%
print(history.stop_reason)
print("best epoch:", history.best("val_loss")["epoch"], "| checkpoint:", os.path.basename(checkpoint.best_path),
      f"({os.path.getsize(checkpoint.best_path) / 1024:.0f} KiB)")
history.plot(title="MLP 64-128-128-10 on digits")

# %% [markdown]
# The top-left panel shows the per-step training loss (grey) under the epoch averages; the dotted
# line marks the best validation epoch, whose weights early stopping restored and the checkpoint holds.
#
# A checkpoint restores into a fresh model (and optimizer, to resume training):

# %%
restored = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 10))
ckpt = load_checkpoint(ckpt_path, restored, optim.Adam(restored.parameters(), lr=3e-3))
print("checkpoint of epoch", ckpt["epoch"], "with", sorted(ckpt))
print("same validation metrics:", evaluate(restored, val_loader, loss_fn), evaluate(model, val_loader, loss_fn), sep="\n  ")

# %% [markdown]
# ## 4. The test set
#
# The test set was never used to choose anything, so its accuracy estimates how the model does on
# new digits. The confusion matrix counts, for each true digit (row), what the model predicted (column).

# %%
restored.eval()
with ag.no_grad():
    x_test, y_test = test.tensors
    pred = restored(x_test).argmax(dim=1).numpy()
truth = y_test.numpy()
print(f"test accuracy: {(pred == truth).mean():.3f} on {len(truth)} digits")

confusion = np.zeros((10, 10), dtype=int)
np.add.at(confusion, (truth, pred), 1)
fig, ax = plt.subplots(figsize=(5, 4.5))
ax.imshow(confusion, cmap="Blues")
for i in range(10):
    for j in range(10):
        if confusion[i, j]:
            ax.text(j, i, confusion[i, j], ha="center", va="center", fontsize=8,
                    color="white" if confusion[i, j] > confusion.max() / 2 else "black")
ax.set_xticks(range(10))
ax.set_yticks(range(10))
ax.set_xlabel("predicted")
ax.set_ylabel("true")
ax.set_title("confusion matrix (test set)")
plt.show()

# %%
wrong = np.flatnonzero(pred != truth)[:8]
if len(wrong):
    fig, axes = plt.subplots(1, len(wrong), figsize=(1.2 * len(wrong), 1.6), squeeze=False)
    for ax, i in zip(axes[0], wrong):
        ax.imshow(x_test[int(i)].reshape(8, 8).numpy(), cmap="gray_r")
        ax.set_title(f"{truth[i]} as {pred[i]}", fontsize=8)
        ax.axis("off")
    plt.show()

# %% [markdown]
# **Next:** notebook 3 compares optimizers and learning-rate schedules on this problem.
