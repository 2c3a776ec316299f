"""``History``: what ``fit`` recorded, per epoch and per step, with a table and a plot.

Example:
    >>> from nn.training import History
    >>> h = History()
    >>> h.add_epoch({"epoch": 1, "train_loss": 0.9, "val_loss": 1.0, "lr": 0.1})
    >>> h.add_epoch({"epoch": 2, "train_loss": 0.5, "val_loss": 0.7, "lr": 0.1})
    >>> h["val_loss"], h.best("val_loss")["epoch"]
    ([1.0, 0.7], 2)
"""

from __future__ import annotations

import math
import os
from typing import Any

_STEP_KEYS = ("epoch", "loss", "grad_norm", "lr")


def infer_mode(monitor: str, mode: str = "auto") -> str:
    """``"min"`` or ``"max"`` for a monitored quantity: ``auto`` means max for accuracy-like names, else min.

    Example:
        >>> from nn.training.history import infer_mode
        >>> infer_mode("val_loss"), infer_mode("val_accuracy"), infer_mode("val_f1", "max")
        ('min', 'max', 'max')
    """
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode != "auto":
        return mode
    return "max" if any(s in monitor for s in ("acc", "auc", "f1", "precision", "recall")) else "min"


def _fmt(v) -> str:
    if v is None:
        return "-"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float) and (v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e4)):
        return f"{v:.3e}"
    return f"{v:.4f}" if isinstance(v, float) else str(v)


class History:
    """Per-epoch logs (``epochs``: a list of dicts), per-step arrays (``steps``), and why training stopped.

    ``history["val_loss"]`` is the list of that key over epochs (``None`` where it was not logged).

    Example:
        >>> from nn.training import History
        >>> h = History()
        >>> h.add_epoch({"epoch": 1, "train_loss": 0.5})
        >>> len(h), h.keys(), h.last["train_loss"]
        (1, ['epoch', 'train_loss'], 0.5)
    """

    def __init__(self) -> None:
        self.epochs: list[dict[str, Any]] = []
        self.steps: dict[str, list] = {k: [] for k in _STEP_KEYS}
        self.stop_reason: str | None = None

    # ---- recording --------------------------------------------------------------------------------
    def add_epoch(self, logs: dict[str, Any]) -> None:
        """Append one epoch's logs."""
        self.epochs.append(dict(logs))

    def add_step(self, epoch: int, loss: float, grad_norm: float | None, lr: float) -> None:
        """Append one optimisation step."""
        for k, v in zip(_STEP_KEYS, (epoch, loss, grad_norm, lr)):
            self.steps[k].append(v)

    # ---- reading ----------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.epochs)

    def __getitem__(self, key: str) -> list:
        if not any(key in e for e in self.epochs):
            raise KeyError(f"History has no {key!r}; it has {self.keys()}")
        return [e.get(key) for e in self.epochs]

    def __contains__(self, key: str) -> bool:
        return any(key in e for e in self.epochs)

    def keys(self) -> list[str]:
        """Every key logged in some epoch, in first-seen order."""
        seen: dict[str, None] = {}
        for e in self.epochs:
            seen.update(dict.fromkeys(e))
        return list(seen)

    @property
    def last(self) -> dict[str, Any]:
        """The last epoch's logs (empty before the first epoch)."""
        return self.epochs[-1] if self.epochs else {}

    def best(self, monitor: str = "val_loss", mode: str = "auto") -> dict[str, Any]:
        """The logs of the epoch with the best ``monitor`` value (lowest, or highest for accuracy-like names).

        Example:
            >>> from nn.training import History
            >>> h = History()
            >>> for e, acc in enumerate([0.8, 0.9, 0.85], 1): h.add_epoch({"epoch": e, "val_accuracy": acc})
            >>> h.best("val_accuracy")["epoch"]
            2
        """
        vals = [(e[monitor], i) for i, e in enumerate(self.epochs) if e.get(monitor) is not None and not math.isnan(e[monitor])]
        if not vals:
            raise KeyError(f"History: no epoch has a value for {monitor!r}; keys: {self.keys()}")
        sign = 1.0 if infer_mode(monitor, mode) == "min" else -1.0
        return self.epochs[min(vals, key=lambda t: (sign * t[0], t[1]))[1]]  # the earliest best epoch

    def to_dict(self) -> dict[str, Any]:
        """Plain data (lists, numbers, strings), for ``autograd.save`` or JSON.

        Example:
            >>> from nn.training import History
            >>> h = History(); h.add_epoch({"epoch": 1, "train_loss": 0.5})
            >>> History.from_dict(h.to_dict()).epochs
            [{'epoch': 1, 'train_loss': 0.5}]
        """
        return {"epochs": [dict(e) for e in self.epochs], "steps": {k: list(v) for k, v in self.steps.items()},
                "stop_reason": self.stop_reason}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> History:
        """Rebuild a History from ``to_dict()`` output."""
        h = cls()
        h.epochs = [dict(e) for e in d.get("epochs", [])]
        for k in _STEP_KEYS:
            h.steps[k] = list(d.get("steps", {}).get(k, []))
        h.stop_reason = d.get("stop_reason")
        return h

    def table(self, keys: list[str] | None = None) -> str:
        """The epochs as a text table.

        Example:
            >>> from nn.training import History
            >>> h = History(); h.add_epoch({"epoch": 1, "train_loss": 0.5, "lr": 0.001})
            >>> print(h.table())
            epoch  train_loss  lr
                1      0.5000  0.0010
        """
        keys = keys or self.keys()
        rows = [[_fmt(e.get(k)) for k in keys] for e in self.epochs]
        widths = [max(len(k), *(len(r[i]) for r in rows)) if rows else len(k) for i, k in enumerate(keys)]
        lines = ["  ".join(k.ljust(w) for k, w in zip(keys, widths)).rstrip()]
        lines += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"History({len(self)} epochs, keys={self.keys()}, stop_reason={self.stop_reason!r})"

    # ---- plotting ---------------------------------------------------------------------------------
    def plot(self, path: str | os.PathLike | None = None, title: str | None = None, dpi: int = 110):
        """Plot losses, metrics, gradient norm and learning rate (2x2 panels); save a PNG when ``path`` is given.

        Needs matplotlib (``pip install numbagrad[plot]``). Returns the matplotlib ``Figure``
        (no pyplot state is touched, so it works headless and in notebooks).

        Example:
            >>> import os, tempfile
            >>> from nn.training import History
            >>> h = History()
            >>> for e in range(1, 4): h.add_epoch({"epoch": e, "train_loss": 1 / e, "val_loss": 1.2 / e, "lr": 0.1})
            >>> fig = h.plot(os.path.join(tempfile.mkdtemp(), "history.png"))
            >>> len(fig.axes)
            4
        """
        try:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
        except ImportError:
            raise ImportError("History.plot needs matplotlib: pip install 'numbagrad[plot]'") from None
        if not self.epochs:
            raise ValueError("History.plot: nothing to plot yet (no epoch recorded)")
        fig = Figure(figsize=(11, 7.5), layout="constrained")
        FigureCanvasAgg(fig)
        ax_loss, ax_metric, ax_grad, ax_lr = fig.subplots(2, 2).ravel()
        ep = self["epoch"] if "epoch" in self else list(range(1, len(self) + 1))
        n_steps = len(self.steps["loss"])
        step_x = None
        if n_steps:  # steps of epoch e sit between e-1 and e on the epoch axis
            step_ep, step_x, counts = self.steps["epoch"], [], {}
            for e in step_ep:
                counts[e] = counts.get(e, 0) + 1
            seen: dict[int, int] = {}
            for e in step_ep:
                seen[e] = seen.get(e, 0) + 1
                step_x.append(e - 1 + seen[e] / counts[e])

        def series(ax, key, **kw):
            if key in self:
                pts = [(x, v) for x, v in zip(ep, self[key]) if v is not None]
                if pts:
                    ax.plot(*zip(*pts), marker="o", markersize=3, label=key, **kw)

        if step_x:
            ax_loss.plot(step_x, self.steps["loss"], color="0.75", linewidth=0.8, label="train_loss (steps)")
        series(ax_loss, "train_loss", color="C0")
        series(ax_loss, "val_loss", color="C1")
        ax_loss.set_title("loss")
        metric_keys = [k for k in self.keys() if k.startswith(("train_", "val_")) and not k.endswith("_loss")]
        for i, k in enumerate(metric_keys):
            series(ax_metric, k, color=f"C{i}", linestyle="--" if k.startswith("train_") else "-")
        ax_metric.set_title("metrics" if metric_keys else "metrics (none logged)")
        if step_x and any(g is not None for g in self.steps["grad_norm"]):
            pts = [(x, g) for x, g in zip(step_x, self.steps["grad_norm"]) if g is not None and g > 0 and math.isfinite(g)]
            if pts:
                ax_grad.plot(*zip(*pts), color="0.6", linewidth=0.8, label="per step")
        series(ax_grad, "grad_norm", color="C2")
        ax_grad.set_title("global gradient norm (before clipping)")
        if ax_grad.lines:
            ax_grad.set_yscale("log")
        if step_x:
            ax_lr.plot(step_x, self.steps["lr"], color="C3", label="lr (steps)")
        else:
            series(ax_lr, "lr", color="C3")
        ax_lr.set_title("learning rate")
        lrs = self.steps["lr"] if step_x else (self["lr"] if "lr" in self else [])
        lrs = [v for v in lrs if v]
        if lrs and max(lrs) / min(lrs) > 20:
            ax_lr.set_yscale("log")
        best = self.best("val_loss")["epoch"] if "val_loss" in self and any(v is not None for v in self["val_loss"]) else None
        for ax in (ax_loss, ax_metric, ax_grad, ax_lr):
            if best is not None:
                ax.axvline(best, color="0.4", linestyle=":", linewidth=1, label=f"best val_loss (epoch {best})")
            ax.set_xlabel("epoch")
            ax.grid(alpha=0.3)
            if ax.lines:
                ax.legend(fontsize=8)
        if title or self.stop_reason:
            fig.suptitle(" — ".join(t for t in (title, self.stop_reason) if t), fontsize=10)
        if path is not None:
            fig.savefig(os.fspath(path), dpi=dpi)
        return fig
