"""Source of notebooks/01_autograd_from_scratch.ipynb (build it with: python notebooks/build.py)."""

# %% [markdown]
# # 1. Autograd from scratch
#
# numbagrad's `autograd` package is a reverse-mode automatic differentiation engine with the
# PyTorch API: `import autograd as ag` is `import torch`. This notebook builds up everything
# the later notebooks use:
#
# 1. tensors and the graph they record,
# 2. `backward()` and the chain rule, on an example checked by hand, by finite differences and by `gradcheck`,
# 3. how gradients accumulate and why the graph is freed after `backward()`,
# 4. gradients through broadcasting,
# 5. `no_grad`, `detach`, hooks,
# 6. higher-order gradients,
# 7. drawing the graph.

# %%
import math

import matplotlib.pyplot as plt
import numpy as np

import autograd as ag

_ = ag.manual_seed(0)  # a fixed seed: the same numbers on every run

# %% [markdown]
# ## 1. Tensors
#
# A `Tensor` wraps one NumPy array (`.data`). The default float dtype is float32, as in PyTorch;
# gradient checks use float64.

# %%
a = ag.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(a)
print("shape", a.shape, "dtype", a.dtype, "| the NumPy array underneath:", type(a.data).__name__)
print(ag.randn(2, 3, dtype=ag.float64))
print(a.sum(dim=1), a.mean(), (a @ a.T).shape)

# %% [markdown]
# ## 2. The graph
#
# A tensor created with `requires_grad=True` is a *leaf* the engine will differentiate with respect
# to. Every operation on it records a node: the result's `grad_fn`. Each node points at the nodes
# that made its inputs, or at the inputs themselves when they are leaves (`next_edges`), so the
# output holds the whole graph, built as the code runs.
#
# Our example: $z = x y + \sin x$ and $f = z^2$ at $x = 2$, $y = -3$.

# %%
x = ag.tensor(2.0, requires_grad=True)
y = ag.tensor(-3.0, requires_grad=True)
z = x * y + x.sin()
f = z ** 2
print("f =", f)
print("x is a leaf:", x.is_leaf, "| f.grad_fn:", f.grad_fn)


names = {id(x): "x", id(y): "y"}


def show(node, depth=0):
    """Print the graph below a node: an edge is (parent node, output index, shape), or (leaf tensor, -1, shape)."""
    if isinstance(node, ag.Tensor):
        print("  " * depth + f"leaf {names.get(id(node), '?')}")
        return
    print("  " * depth + type(node).__name__)
    for edge in node.next_edges:
        if edge is not None:
            show(edge[0], depth + 1)


show(f.grad_fn)

# %% [markdown]
# `draw_graph` draws the same graph (it shows inline in Jupyter; `render_graph(g, "graph.svg")`
# writes a file; without Graphviz's `dot` program installed you get the DOT text and an install hint).
# `show_data=True` adds the values of small tensors.

# %%
ag.draw_graph({"f": f}, params={"x": x, "y": y}, show_data=True)

# %% [markdown]
# ## 3. `backward()` and the chain rule
#
# `f.backward()` walks the graph from `f` back to the leaves, multiplying local derivatives
# (the chain rule) and leaves $\partial f / \partial x$ in `x.grad`. By hand:
#
# $$\frac{\partial f}{\partial x} = 2z\,(y + \cos x), \qquad \frac{\partial f}{\partial y} = 2z\,x.$$

# %%
f.backward()
zv = 2.0 * -3.0 + math.sin(2.0)
by_hand = (2 * zv * (-3.0 + math.cos(2.0)), 2 * zv * 2.0)
print("engine :", x.grad.item(), y.grad.item())
print("by hand:", *by_hand)
assert abs(x.grad.item() - by_hand[0]) < 1e-4 and abs(y.grad.item() - by_hand[1]) < 1e-4

# %% [markdown]
# Reverse mode is the chain rule evaluated from the output back: each node receives the
# gradient of `f` with respect to its output (the *adjoint*) and passes on adjoint times local
# derivative. The same computation by hand, node by node:

# %%
xv, yv = 2.0, -3.0
m, s = xv * yv, math.sin(xv)  # forward: m = x*y, s = sin x, z = m + s, f = z^2
zv = m + s
f_bar = 1.0  # df/df
z_bar = f_bar * 2 * zv  # through f = z^2
m_bar, s_bar = z_bar, z_bar  # through z = m + s
x_bar = m_bar * yv + s_bar * math.cos(xv)  # x feeds two nodes: their contributions add up
y_bar = m_bar * xv
print(x_bar, y_bar)

# %% [markdown]
# ### Checking gradients numerically
#
# A central finite difference $\frac{f(x+\varepsilon) - f(x-\varepsilon)}{2\varepsilon}$ approximates
# the derivative. `ag.gradcheck` does this for every input element and compares with the
# analytical gradient; use float64, since float32 cannot resolve small differences.

# %%
def f_of(x, y):
    return (x * y + x.sin()) ** 2


x64 = ag.tensor(2.0, dtype=ag.float64, requires_grad=True)
y64 = ag.tensor(-3.0, dtype=ag.float64, requires_grad=True)
eps = 1e-6
fd = (f_of(x64 + eps, y64) - f_of(x64 - eps, y64)).item() / (2 * eps)
print("finite difference df/dx:", fd)
print("gradcheck:", ag.gradcheck(f_of, (x64, y64)))

A = ag.randn(3, 4, dtype=ag.float64, requires_grad=True)
B = ag.randn(4, 2, dtype=ag.float64, requires_grad=True)
print("gradcheck of (A @ B).tanh().sum():", ag.gradcheck(lambda A, B: (A @ B).tanh().sum(), (A, B)))

# %% [markdown]
# ## 4. Gradients accumulate; the graph is freed
#
# `backward()` *adds* into `.grad` (so several losses can contribute), which is why training loops
# call `optimizer.zero_grad()`. The intermediate values the graph saved are freed after
# `backward()`; a second pass needs `retain_graph=True`.

# %%
w = ag.tensor(3.0, requires_grad=True)
loss = w * w
loss.backward(retain_graph=True)
print("after one backward :", w.grad)
loss.backward()
print("after two backwards:", w.grad, "(2w + 2w)")
w.grad = None

try:
    loss.backward()
except RuntimeError as e:
    print("RuntimeError:", str(e)[:90], "...")

# %% [markdown]
# ## 5. Broadcasting
#
# When an operation broadcasts an input (a bias of shape `(3,)` added to every row of a `(4, 3)`
# matrix), each copy receives a gradient; the engine sums them back to the input's shape.

# %%
X = ag.randn(4, 3)
bias = ag.zeros(3, requires_grad=True)
col = ag.ones(4, 1, requires_grad=True)
out = (X + bias) * col
out.sum().backward()
print("bias.grad", bias.grad, "= number of rows for each column")
print("col.grad ", col.grad.reshape(-1), "= row sums of X + bias:", (X + bias).sum(dim=1).detach())

# %% [markdown]
# ## 6. Turning recording off: `no_grad`, `detach`; hooks
#
# Inside `with ag.no_grad():` nothing is recorded (evaluation, parameter updates). `detach()`
# cuts a tensor out of the graph. `register_hook` sees (and may replace) a gradient as it flows,
# and `retain_grad()` keeps the gradient of a non-leaf tensor.

# %%
with ag.no_grad():
    frozen = x * 2
print("under no_grad:", frozen.requires_grad, frozen.grad_fn)
print("detached:", (x * 2).detach().requires_grad)

v = ag.tensor([1.0, -2.0], requires_grad=True)
h = v * 3
h.retain_grad()
handle = v.register_hook(lambda g: print("gradient arriving at v:", g))
(h ** 2).sum().backward()
print("h.grad (kept by retain_grad):", h.grad)
handle.remove()

# %% [markdown]
# ## 7. Higher-order gradients
#
# Every op's backward is itself written with autograd ops, so `create_graph=True` records the
# backward pass too and its result can be differentiated again. `ag.grad(outputs, inputs)`
# returns the gradients instead of accumulating them into `.grad`. Here: the first three
# derivatives of $\tanh$, against their closed forms.

# %%
t = ag.linspace(-3, 3, 121, dtype=ag.float64, requires_grad=True)
y0 = t.tanh()
(d1,) = ag.grad(y0.sum(), [t], create_graph=True)
(d2,) = ag.grad(d1.sum(), [t], create_graph=True)
(d3,) = ag.grad(d2.sum(), [t])

tt = t.detach().numpy()
th = np.tanh(tt)
closed = [1 - th**2, -2 * th * (1 - th**2), (1 - th**2) * (6 * th**2 - 2)]
for name, ours, ref in zip(["d1", "d2", "d3"], [d1, d2, d3], closed):
    print(name, "max error vs closed form:", float(np.abs(ours.detach().numpy() - ref).max()))

fig, ax = plt.subplots(figsize=(7, 3.5))
for label, arr in [("tanh", y0), ("1st derivative", d1), ("2nd", d2), ("3rd", d3)]:
    ax.plot(tt, arr.detach().numpy(), label=label)
ax.legend()
ax.grid(alpha=0.3)
ax.set_title("tanh and its derivatives, by repeated autograd.grad")
plt.show()

print("gradgradcheck of tanh:", ag.gradgradcheck(ag.tanh, (ag.tensor([0.3, -1.2], dtype=ag.float64, requires_grad=True),)))

# %% [markdown]
# ## 8. The graph of a small network, coloured by gradient
#
# A two-layer network on a batch of 8. A `GradWatch` created before `backward()` records the
# gradient of every intermediate tensor; `show_grads=True` then colours each node by its gradient
# norm (blue: vanishing, green: healthy, orange: exploding, red: NaN or inf). Notebook 5 uses this to diagnose training.

# %%
W1 = ag.randn(4, 16, requires_grad=True)
b1 = ag.zeros(16, requires_grad=True)
W2 = ag.randn(16, 1, requires_grad=True)
xb = ag.randn(8, 4)
target = ag.randn(8, 1)
pred = (xb @ W1 + b1).relu() @ W2
mse = ((pred - target) ** 2).mean()
watch = ag.GradWatch(mse)
mse.backward(retain_graph=True)  # keep the saved tensors, so the drawing finds the input x
ag.draw_graph({"loss": mse}, params={"W1": W1, "b1": b1, "W2": W2}, inputs={"x": xb}, show_grads=True, rankdir="LR")

# %% [markdown]
# **Next:** notebook 2 trains a real model with these pieces: `nn` layers, a loss, an optimizer
# and mini-batches of handwritten digits.
