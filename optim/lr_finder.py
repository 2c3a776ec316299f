"""The learning-rate range test (Smith 2017; fastai's and torch-lr-finder's ``LRFinder``).

Train for ``num_iter`` mini-batches while the learning rate grows exponentially from
``start_lr`` to ``end_lr``; record the loss, smoothed with an exponential moving average
(with bias correction, so the first points are not pulled towards 0); stop once the
smoothed loss exceeds ``diverge_th`` times the best one. A good learning rate is where
the smoothed loss falls fastest: ``suggestion()`` returns the rate at the steepest
negative slope of the loss against ``log10(lr)``. Afterwards the model's and the
optimizer's states (and the gradients) are put back as they were, so the test costs
nothing but time.

The model is duck-typed: anything callable with ``parameters()``, ``state_dict()`` and
``load_state_dict()`` (an ``nn.Module``, or your own class); ``criterion(outputs,
targets)`` returns a scalar loss Tensor; the loader is any iterable of ``(inputs,
targets)`` (it is restarted if it runs out).

Example:
    >>> import autograd as ag, optim
    >>> class Line:                              # y = x @ w, with a state dict
    ...     def __init__(self): self.w = ag.zeros(3, 1, requires_grad=True)
    ...     def __call__(self, x): return x @ self.w
    ...     def parameters(self): return [self.w]
    ...     def state_dict(self): return {"w": self.w}
    ...     def load_state_dict(self, sd): self.w.data[...] = sd["w"].data
    >>> _ = ag.manual_seed(0)
    >>> x = ag.randn(256, 3); y = x @ ag.tensor([[1.0], [-2.0], [0.5]])
    >>> batches = [(x[i:i + 32], y[i:i + 32]) for i in range(0, 256, 32)]
    >>> model = Line(); opt = optim.SGD(model.parameters(), lr=0.01)
    >>> finder = optim.LRFinder(model, opt, lambda out, t: ((out - t) ** 2).mean())
    >>> hist = finder.range_test(batches, start_lr=1e-4, end_lr=10, num_iter=60, smooth_beta=0.9)
    >>> 1e-2 < finder.suggestion() < 1.0, float(model.w.abs().sum()), opt.param_groups[0]["lr"]  # restored
    (True, 0.0, 0.01)
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd.tensor import Tensor, _wrap

from .optimizer import Optimizer

__all__ = ["LRFinder"]


def _clone(obj: Any) -> Any:
    """A deep copy in which every Tensor/array gets its own memory (state dicts share it with the model)."""
    if isinstance(obj, Tensor):
        return _wrap(np.array(obj.data, copy=True), None, False)
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if isinstance(obj, dict):
        out = copy.copy(obj)  # keeps OrderedDict & co.
        for k, v in obj.items():
            out[k] = _clone(v)
        return out
    if isinstance(obj, (list, tuple)):
        return type(obj)(_clone(v) for v in obj)
    return copy.deepcopy(obj)


class LRFinder:
    """Range test for the learning rate of ``optimizer`` training ``model`` on ``criterion``.

    After ``range_test``, ``history`` holds ``"lr"``, ``"loss"`` (smoothed) and
    ``"raw_loss"``, one entry per mini-batch; ``best_loss`` is the lowest smoothed loss.

    Example:
        >>> import autograd as ag, optim
        >>> w = ag.ones(1, requires_grad=True)
        >>> class Model:
        ...     def __call__(self, x): return x * w
        ...     def parameters(self): return [w]
        ...     def state_dict(self): return {"w": w}
        ...     def load_state_dict(self, sd): w.data[...] = sd["w"].data
        >>> finder = optim.LRFinder(Model(), optim.SGD([w], lr=0.1), lambda out, t: ((out - t) ** 2).mean())
        >>> h = finder.range_test([(ag.ones(4), ag.zeros(4))], start_lr=1e-3, end_lr=1.0, num_iter=4)
        >>> [round(lr, 6) for lr in h["lr"]], w
        ([0.001, 0.01, 0.1, 1.0], tensor([1.], requires_grad=True))
    """

    def __init__(self, model: Any, optimizer: Optimizer, criterion: Callable[[Any, Any], Tensor]) -> None:
        for attr in ("state_dict", "load_state_dict", "parameters"):
            if not callable(getattr(model, attr, None)):
                raise TypeError(f"LRFinder: the model must have a {attr}() method (got {type(model).__name__})")
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"LRFinder: expected an optim.Optimizer, got {type(optimizer).__name__}")
        if not callable(criterion):
            raise TypeError(f"LRFinder: criterion must be callable, got {type(criterion).__name__}")
        self.model = model
        self.optimizer = optimizer
        self.criterion = criterion
        self.history: dict[str, list[float]] = {"lr": [], "loss": [], "raw_loss": []}
        self.best_loss: float | None = None

    def range_test(
        self,
        train_loader: Iterable,
        start_lr: float = 1e-7,
        end_lr: float = 10.0,
        num_iter: int = 100,
        step_mode: str = "exp",
        smooth_beta: float = 0.98,
        diverge_th: float = 5.0,
    ) -> dict[str, list[float]]:
        """Run the test and return ``history`` (the model and the optimizer are restored afterwards).

        Args:
            train_loader: iterable of ``(inputs, targets)`` mini-batches (restarted when exhausted).
            start_lr, end_lr: the first and the last learning rate.
            num_iter: number of mini-batches (at most; the test stops early when the loss diverges).
            step_mode: ``"exp"`` (geometric growth, the default) or ``"linear"``.
            smooth_beta: weight of the past in the moving average of the loss (0: no smoothing).
            diverge_th: stop when the smoothed loss exceeds ``diverge_th`` times the best one.
        """
        if not (isinstance(num_iter, int) and num_iter >= 2):
            raise ValueError(f"LRFinder.range_test: num_iter must be an integer >= 2, got {num_iter!r}")
        if not (0 < start_lr < end_lr and math.isfinite(end_lr)):
            raise ValueError(f"LRFinder.range_test: need 0 < start_lr < end_lr, got start_lr={start_lr}, end_lr={end_lr}")
        if step_mode not in ("exp", "linear"):
            raise ValueError(f"LRFinder.range_test: step_mode must be 'exp' or 'linear', got {step_mode!r}")
        if not 0.0 <= smooth_beta < 1.0:
            raise ValueError(f"LRFinder.range_test: smooth_beta must be in [0, 1), got {smooth_beta}")
        if not diverge_th > 1.0:
            raise ValueError(f"LRFinder.range_test: diverge_th must be > 1, got {diverge_th}")
        self.history = {"lr": [], "loss": [], "raw_loss": []}
        self.best_loss = None
        saved = self._snapshot()
        try:
            batches = _cycle(train_loader)
            avg = 0.0
            for i in range(num_iter):
                frac = i / (num_iter - 1)
                lr = start_lr * (end_lr / start_lr) ** frac if step_mode == "exp" else start_lr + (end_lr - start_lr) * frac
                for group in self.optimizer.param_groups:
                    group["lr"] = lr
                inputs, targets = next(batches)
                loss = self._train_batch(inputs, targets)
                avg = smooth_beta * avg + (1 - smooth_beta) * loss
                smoothed = avg / (1 - smooth_beta ** (i + 1))
                self.history["lr"].append(lr)
                self.history["raw_loss"].append(loss)
                self.history["loss"].append(smoothed)
                if not math.isfinite(smoothed) or (self.best_loss is not None and smoothed > diverge_th * self.best_loss):
                    break
                if self.best_loss is None or smoothed < self.best_loss:
                    self.best_loss = smoothed
        finally:
            self._restore(saved)
        return self.history

    def _train_batch(self, inputs: Any, targets: Any) -> float:
        self.optimizer.zero_grad()
        loss = self.criterion(self.model(inputs), targets)
        if not isinstance(loss, Tensor) or loss.numel() != 1:
            raise TypeError(f"LRFinder: criterion must return a one-element loss Tensor, got {type(loss).__name__}")
        loss.backward()
        self.optimizer.step()
        return float(loss.item())

    def _snapshot(self) -> dict[str, Any]:
        params = list(self.model.parameters())
        return {
            "model": _clone(self.model.state_dict()),
            "optimizer": _clone(self.optimizer.state_dict()),
            "grads": [(p, None if p.grad is None else _clone(p.grad)) for p in params],
            "training": getattr(self.model, "training", None),
        }

    def _restore(self, saved: dict[str, Any]) -> None:
        self.model.load_state_dict(saved["model"])
        self.optimizer.load_state_dict(saved["optimizer"])
        for p, g in saved["grads"]:
            p.grad = g
        if saved["training"] is not None and callable(getattr(self.model, "train", None)):
            self.model.train(saved["training"])

    def suggestion(self, skip_start: int = 10, skip_end: int = 5) -> float:
        """The learning rate where the smoothed loss falls fastest against ``log10(lr)``.

        The first ``skip_start`` and last ``skip_end`` points are left out (noisy start, divergence), and
        only the run up to the lowest smoothed loss is searched: a fall after a blow-up is no advice.
        """
        lrs, losses = self._trimmed(skip_start, skip_end)
        lowest = int(np.argmin(losses)) + 1 if losses else 0
        if lowest >= 3:
            lrs, losses = lrs[:lowest], losses[:lowest]
        if len(lrs) < 3:
            raise RuntimeError(
                f"LRFinder.suggestion: only {len(lrs)} points left after skipping {skip_start} at the start and "
                f"{skip_end} at the end; run range_test with a larger num_iter or pass smaller skips"
            )
        slope = np.gradient(np.asarray(losses), np.log10(lrs))
        return float(lrs[int(np.argmin(slope))])

    def _trimmed(self, skip_start: int, skip_end: int) -> tuple[list[float], list[float]]:
        if not self.history["lr"]:
            raise RuntimeError("LRFinder: no results yet; call range_test first")
        if skip_start < 0 or skip_end < 0:
            raise ValueError(f"LRFinder: skip_start and skip_end must be >= 0, got {skip_start}, {skip_end}")
        n = len(self.history["lr"])
        sl = slice(skip_start, n - skip_end)
        return self.history["lr"][sl], self.history["loss"][sl]

    def plot(self, ax: Any = None, skip_start: int = 10, skip_end: int = 5, suggest: bool = True) -> Any:
        """Plot the smoothed loss against the learning rate (log axis) with matplotlib; returns the axes.

        With ``suggest`` the suggested rate is marked (when there are enough points).
        """
        try:
            import matplotlib.pyplot as plt
        except ImportError as e:
            raise ImportError("LRFinder.plot needs matplotlib: pip install matplotlib") from e
        lrs, losses = self._trimmed(skip_start, skip_end)
        if ax is None:
            _, ax = plt.subplots()
        ax.plot(lrs, losses)
        ax.set_xscale("log")
        ax.set_xlabel("Learning rate")
        ax.set_ylabel("Loss (smoothed)")
        if suggest and len(lrs) >= 3:
            best = self.suggestion(skip_start, skip_end)
            ax.scatter([best], [losses[lrs.index(best)]], s=60, color="red", zorder=3, label=f"suggested lr = {best:.2e}")
            ax.legend()
        return ax


def _cycle(loader: Iterable):
    while True:
        empty = True
        for batch in loader:
            empty = False
            if not (isinstance(batch, (tuple, list)) and len(batch) == 2):
                raise TypeError(f"LRFinder: the loader must yield (inputs, targets) pairs, got {type(batch).__name__}")
            yield batch
        if empty:
            raise ValueError(
                "LRFinder: the train loader yielded no batches (an exhausted iterator cannot be restarted: "
                "pass a list or a DataLoader)"
            )
