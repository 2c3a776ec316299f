"""A hand-written NumPy training step for an MLP (ReLU hidden layers, cross-entropy, Adam): the speed baseline.

What a careful NumPy programmer writes without an autodiff engine: forward with the
activations kept, the backward pass derived by hand, and Adam as in-place array updates
(``out=`` everywhere, no per-step allocation for the optimizer state). Weights are stored as
PyTorch's ``Linear`` stores them (``(out, in)``) so the same initial values can be loaded.

Example:
    >>> import numpy as np
    >>> from benchmarks.numpy_mlp import NumpyMLP
    >>> net = NumpyMLP((4, 8, 3), seed=0)
    >>> x = np.ones((2, 4), np.float32); y = np.array([0, 2])
    >>> l0 = net.step(x, y); l1 = net.step(x, y)
    >>> bool(l1 < l0)
    True
"""

from __future__ import annotations

import numpy as np


class NumpyMLP:
    """``Linear -> ReLU -> ... -> Linear`` with a cross-entropy loss (mean over the batch), trained by Adam.

    ``weights``/``biases``: float32 arrays, ``weights[i]`` of shape ``(out, in)``; ``step(x, y)`` runs one
    forward, backward and Adam update and returns the loss (before the update).
    """

    def __init__(self, sizes, seed: int = 0, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 dtype=np.float32) -> None:
        rng = np.random.default_rng(seed)
        self.weights, self.biases = [], []
        for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
            bound = 1 / np.sqrt(fan_in)
            self.weights.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(dtype))
            self.biases.append(rng.uniform(-bound, bound, fan_out).astype(dtype))
        self.lr, (self.b1, self.b2), self.eps = lr, betas, eps
        self.t = 0
        params = self.params()
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.grads = [np.zeros_like(p) for p in params]
        self.tmp = [np.zeros_like(p) for p in params]

    def params(self) -> list:
        """``[W0, b0, W1, b1, ...]`` (the arrays themselves)."""
        return [a for pair in zip(self.weights, self.biases) for a in pair]

    def load(self, arrays: list) -> None:
        """Copy ``[W0, b0, W1, b1, ...]`` into the parameters (e.g. PyTorch's initial weights)."""
        for p, a in zip(self.params(), arrays):
            p[...] = a

    def forward_backward(self, x: np.ndarray, y: np.ndarray) -> float:
        """Loss of the batch; fills ``self.grads`` with its gradients."""
        acts = [x]
        n_layers = len(self.weights)
        h = x
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ w.T
            h += b
            if i < n_layers - 1:
                np.maximum(h, 0, out=h)
                acts.append(h)
        # cross-entropy on the logits h: mean over rows of logsumexp - logit of the target
        rows = np.arange(h.shape[0])
        shifted = h - h.max(axis=1, keepdims=True)
        e = np.exp(shifted)
        s = e.sum(axis=1, keepdims=True)
        loss = float(np.mean(np.log(s[:, 0]) - shifted[rows, y]))
        d = e / s
        d[rows, y] -= 1
        d /= h.shape[0]
        for i in range(n_layers - 1, -1, -1):
            np.matmul(d.T, acts[i], out=self.grads[2 * i])
            np.sum(d, axis=0, out=self.grads[2 * i + 1])
            if i:
                d = d @ self.weights[i]
                d *= acts[i] > 0
        return loss

    def adam(self) -> None:
        """One Adam update of every parameter from ``self.grads`` (PyTorch's formula, default options)."""
        self.t += 1
        bc1, bc2 = 1 - self.b1**self.t, 1 - self.b2**self.t
        step = self.lr / bc1
        for p, g, m, v, tmp in zip(self.params(), self.grads, self.m, self.v, self.tmp):
            m *= self.b1
            np.multiply(g, 1 - self.b1, out=tmp)
            m += tmp
            v *= self.b2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - self.b2
            v += tmp
            np.sqrt(v, out=tmp)
            tmp *= 1 / np.sqrt(bc2)
            tmp += self.eps
            np.divide(m, tmp, out=tmp)
            tmp *= step
            p -= tmp

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        """Forward, backward, Adam; the loss before the update."""
        loss = self.forward_backward(x, y)
        self.adam()
        return loss
