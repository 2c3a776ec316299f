"""``fit`` and ``evaluate``: the training loop for when you do not want to write one.

One step is the PyTorch loop you would write: ``out = model(x)``, ``loss = loss_fn(out, y)``,
``optimizer.zero_grad()``, ``loss.backward()``, optional clipping, ``optimizer.step()``, and a
scheduler step per batch or per epoch. ``fit`` adds what people bolt on by hand: validation
each epoch, metrics, the global gradient norm, the learning rate, timing, a progress bar, a
per-epoch table, callbacks (early stopping, checkpoints) and a ``History``.

Example:
    >>> import autograd as ag, nn
    >>> from autograd.data import DataLoader, TensorDataset
    >>> from nn.training import fit
    >>> _ = ag.manual_seed(0)
    >>> x = ag.randn(64, 3); y = x @ ag.tensor([[1.0], [-2.0], [0.5]])
    >>> model = nn.Linear(3, 1)
    >>> class SGD:  # any torch.optim-style optimizer works, e.g. optim.SGD
    ...     def __init__(self, params, lr): self.param_groups = [{"params": list(params), "lr": lr}]
    ...     def zero_grad(self): [setattr(p, "grad", None) for p in self.param_groups[0]["params"]]
    ...     def step(self):
    ...         with ag.no_grad():
    ...             for p in self.param_groups[0]["params"]: p -= self.param_groups[0]["lr"] * p.grad
    >>> mse = lambda out, target: ((out - target) ** 2).mean()
    >>> hist = fit(model, mse, SGD(model.parameters(), 0.1), DataLoader(TensorDataset(x, y), batch_size=16),
    ...            epochs=20, metrics=[], verbose=False, progress=False)
    >>> hist["train_loss"][-1] < 1e-3
    True
"""

from __future__ import annotations

import inspect
import math
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

import autograd as ag

from ..utils import clip_grad_norm_
from .callbacks import Callback
from .history import History, _fmt

# ---- metrics -------------------------------------------------------------------------------------------


def accuracy(output, target) -> float:
    """Share of correct predictions: argmax over classes for ``(N, C)`` logits, ``> 0`` for ``(N,)``/``(N, 1)`` logits.

    Example:
        >>> import autograd as ag
        >>> from nn.training import accuracy
        >>> accuracy(ag.tensor([[2.0, 1.0], [0.0, 3.0]]), ag.tensor([0, 0]))
        0.5
    """
    out, t = output.data, target.data
    if out.ndim >= 2 and out.shape[-1] > 1:
        pred = out.argmax(-1)
        if t.shape != pred.shape:  # one-hot or probability targets
            t = t.argmax(-1)
    else:
        pred = out.reshape(t.shape) > 0
        t = t > 0.5
    return float((pred == t).mean()) if pred.size else 0.0


_BUILTIN_METRICS: dict[str, Callable] = {"accuracy": accuracy, "acc": accuracy}


def _metric_table(metrics) -> dict[str, Callable]:
    if metrics is None:
        return {}
    if isinstance(metrics, dict):
        items = list(metrics.items())
    else:
        items = []
        for m in metrics:
            if isinstance(m, str):
                if m not in _BUILTIN_METRICS:
                    raise ValueError(f"fit: unknown metric {m!r}; built in: {sorted(_BUILTIN_METRICS)}, or pass a function")
                items.append(("accuracy" if m == "acc" else m, _BUILTIN_METRICS[m]))
            elif callable(m):
                items.append((getattr(m, "__name__", type(m).__name__), m))
            else:
                raise TypeError(f"fit: a metric must be a name or a function (output, target) -> float, got {m!r}")
    return dict(items)


def _split_batch(batch) -> tuple[tuple, Any]:
    if isinstance(batch, list | tuple) and len(batch) >= 2:
        return tuple(batch[:-1]), batch[-1]
    raise TypeError(
        f"fit: each batch must be (inputs..., target), got {type(batch).__name__}"
        + (f" of length {len(batch)}" if isinstance(batch, list | tuple) else "")
    )


def _as_float(v) -> float:
    return float(v.item() if isinstance(v, ag.Tensor) else v)


def evaluate(model, loader, loss_fn: Callable | None = None, metrics: Iterable = ("accuracy",)) -> dict[str, float]:
    """Average loss and metrics of ``model`` over ``loader``, in eval mode without gradients.

    Averages are weighted by batch size, so they equal the full-data-set values for
    mean-reduced losses. The model's train/eval mode is restored afterwards.

    Example:
        >>> import autograd as ag, nn
        >>> from autograd.data import DataLoader, TensorDataset
        >>> from nn.training import evaluate
        >>> model = nn.Linear(2, 2)
        >>> with ag.no_grad(): _ = model.weight.copy_(ag.eye(2)); _ = model.bias.zero_()
        >>> x, y = ag.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 3.0]]), ag.tensor([0, 1, 0])
        >>> loader = DataLoader(TensorDataset(x, y), batch_size=2)
        >>> evaluate(model, loader)["accuracy"]
        0.6666666666666666
    """
    table = _metric_table(metrics)
    was_training = getattr(model, "training", False)
    model.eval()
    totals: dict[str, float] = {}
    n = 0
    try:
        with ag.no_grad():
            for batch in loader:
                inputs, target = _split_batch(batch)
                out = model(*inputs)
                k = len(target)
                if loss_fn is not None:
                    totals["loss"] = totals.get("loss", 0.0) + _as_float(loss_fn(out, target)) * k
                for name, fn in table.items():
                    totals[name] = totals.get(name, 0.0) + _as_float(fn(out, target)) * k
                n += k
    finally:
        model.train(was_training)
    if n == 0:
        raise ValueError("evaluate: the loader yielded no samples")
    return {k: v / n for k, v in totals.items()}


# ---- the loop ----------------------------------------------------------------------------------------


def grad_norm(parameters) -> float:
    """The global L2 norm of all gradients (parameters without a gradient are skipped).

    Example:
        >>> import autograd as ag
        >>> from nn.training import grad_norm
        >>> w = ag.zeros(2, requires_grad=True); w.grad = ag.tensor([3.0, 4.0])
        >>> grad_norm([w])
        5.0
    """
    total = 0.0
    for p in parameters:
        if p.grad is not None:
            g = p.grad.data.ravel()
            total += float(np.dot(g, g)) if g.dtype.kind == "f" else float(np.vdot(g, g).real)
    return math.sqrt(total)


def _is_plateau(scheduler) -> bool:
    """ReduceLROnPlateau-like: its ``step`` takes the monitored value."""
    try:
        params = inspect.signature(scheduler.step).parameters
    except (TypeError, ValueError):
        return False
    return "metrics" in params


def _stderr_is_tty() -> bool:
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class FitState:
    """What callbacks see: the objects being trained and where training is.

    Attributes: ``model``, ``optimizer``, ``schedulers``, ``loss_fn``, ``train_loader``,
    ``val_loader``, ``history``, ``epoch`` (1-based), ``step`` (global), ``log_keys`` (the keys
    each epoch logs), ``stop_training`` and ``stop_reason`` (set them to stop).

    Example:
        >>> from nn.training import FitState
        >>> FitState.__name__
        'FitState'
    """

    def __init__(self, **kw) -> None:
        self.__dict__.update(kw)
        self.epoch, self.step = 0, 0
        self.stop_training, self.stop_reason = False, None
        self._marks: list[str] = []

    def log(self, msg: str) -> None:
        """Print a message (through tqdm, so progress bars stay intact) unless fit is quiet."""
        if self.verbose:
            self._write(msg)

    def mark(self, note: str) -> None:
        """Attach a short note to this epoch's table row (e.g. 'saved best.ngd')."""
        self._marks.append(note)


def fit(
    model,
    loss_fn: Callable,
    optimizer,
    train_loader,
    val_loader=None,
    epochs: int = 10,
    *,
    scheduler=None,
    scheduler_interval: str = "epoch",
    scheduler_monitor: str | None = None,
    callbacks: Sequence[Callback] = (),
    metrics: Iterable | dict | None = ("accuracy",),
    clip_grad_norm: float | None = None,
    progress: bool | None = None,
    verbose: bool = True,
    history: History | None = None,
    file=None,
) -> History:
    """Train ``model`` for ``epochs`` over ``train_loader``; return the ``History``.

    Args:
        loss_fn: ``loss_fn(output, target)`` -> scalar Tensor (e.g. ``nn.CrossEntropyLoss()``).
        optimizer: a ``torch.optim``-style optimizer (``zero_grad``, ``step``, ``param_groups``).
        val_loader: evaluated after every epoch (``val_loss`` and ``val_<metric>``).
        scheduler: one LR scheduler or a list, stepped every epoch or every batch
            (``scheduler_interval="step"``); a ``ReduceLROnPlateau`` is stepped each epoch with
            ``scheduler_monitor`` (default ``val_loss``, or ``train_loss`` without validation).
        callbacks: ``EarlyStopping``, ``ModelCheckpoint``, your own ``Callback``.
        metrics: names (``"accuracy"``) or functions ``(output, target) -> float``, or a dict
            name -> function; logged as ``train_<name>`` (on the training batches) and ``val_<name>``.
        clip_grad_norm: clip the global gradient norm to this value before each step.
        progress: tqdm progress bar per epoch with the running loss; default: only when stderr
            is a terminal.
        verbose: print a table row per epoch and callback messages.
        history: continue an existing History (epochs are numbered after its last one).

    Each epoch logs ``epoch``, ``train_loss``, ``train_<metric>``, ``val_loss``, ``val_<metric>``,
    ``grad_norm`` (mean global norm before clipping), ``lr`` (group 0, at the end of the epoch's
    steps) and ``time``; every step logs loss, gradient norm and learning rate in
    ``history.steps``. A non-finite loss stops training before that step's update (the weights
    are those of the last finite step); Ctrl-C stops it after the current batch. Either way the
    callbacks' ``on_train_end`` runs (best weights restored, ...) and the History is returned
    with ``stop_reason`` set.

    Example:
        >>> import autograd as ag, nn
        >>> from autograd.data import DataLoader, TensorDataset
        >>> from nn.training import fit
        >>> model = nn.Linear(4, 3)
        >>> class SGD:
        ...     param_groups = [{"lr": 0.5}]
        ...     def zero_grad(self): model.zero_grad()
        ...     def step(self):
        ...         with ag.no_grad():
        ...             for p in model.parameters(): p -= 0.5 * p.grad
        >>> ce = lambda out, y: -out.log_softmax(1).gather(1, y.reshape(-1, 1)).mean()
        >>> x = ag.randn(30, 4); y = x[:, :3].argmax(1)
        >>> h = fit(model, ce, SGD(), DataLoader(TensorDataset(x, y), batch_size=10), epochs=2, verbose=False)
        >>> h.keys()
        ['epoch', 'train_loss', 'train_accuracy', 'grad_norm', 'lr', 'time']
    """
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    if scheduler_interval not in ("epoch", "step"):
        raise ValueError(f"fit: scheduler_interval must be 'epoch' or 'step', got {scheduler_interval!r}")
    if clip_grad_norm is not None and not clip_grad_norm > 0:
        raise ValueError(f"fit: clip_grad_norm must be positive, got {clip_grad_norm!r}")
    if not hasattr(optimizer, "step") or not hasattr(optimizer, "zero_grad"):
        raise TypeError(f"fit: optimizer must have step() and zero_grad(), got {type(optimizer).__name__}")
    try:
        n_batches = len(train_loader)
    except TypeError:
        n_batches = None
    if n_batches == 0:
        raise ValueError("fit: train_loader yields no batches (empty data set, or drop_last with batch_size > data set size)")
    for cb in callbacks:
        if not isinstance(cb, Callback):
            raise TypeError(f"fit: callbacks must be Callback instances, got {type(cb).__name__}")
    schedulers = [] if scheduler is None else list(scheduler) if isinstance(scheduler, list | tuple) else [scheduler]
    table = _metric_table(metrics)
    params = [p for p in model.parameters() if p.requires_grad]
    history = history if history is not None else History()
    start_epoch = history.last.get("epoch", 0) if history.epochs else 0

    keys = ["epoch", "train_loss", *(f"train_{m}" for m in table)]
    if val_loader is not None:
        keys += ["val_loss", *(f"val_{m}" for m in table)]
    keys += ["grad_norm", "lr", "time"]
    plateau_monitor = scheduler_monitor or ("val_loss" if val_loader is not None else "train_loss")
    if any(_is_plateau(s) for s in schedulers) and plateau_monitor not in keys:
        raise ValueError(f"fit: ReduceLROnPlateau monitors {plateau_monitor!r}, but fit logs {keys}")

    out_file = file if file is not None else sys.stdout
    show_bar = _stderr_is_tty() if progress is None else bool(progress)
    if show_bar:
        from tqdm.auto import tqdm  # the notebook widget where one is available
    else:
        from tqdm.std import tqdm  # no bar: no widget, and no IProgress warning in Jupyter

    def write(msg: str) -> None:
        tqdm.write(msg, file=out_file)

    state = FitState(model=model, optimizer=optimizer, schedulers=schedulers, loss_fn=loss_fn, train_loader=train_loader,
                     val_loader=val_loader, history=history, log_keys=keys, verbose=verbose, _write=write)
    for cb in callbacks:  # option errors (unknown monitor, unwritable folder) surface before any training
        cb.on_train_begin(state)

    def lr_now() -> float:
        groups = getattr(optimizer, "param_groups", None)
        return float(groups[0]["lr"]) if groups else float("nan")

    widths = {k: max(len(k), 10) for k in keys}
    if verbose:
        write("  ".join(k.rjust(widths[k]) for k in keys))
    bar = None
    try:
        for epoch in range(start_epoch + 1, start_epoch + epochs + 1):
            state.epoch, state._marks = epoch, []
            for cb in callbacks:
                cb.on_epoch_begin(state)
            model.train()
            t0 = time.perf_counter()
            loss_sum, n_seen, norms = 0.0, 0, []
            metric_sums = dict.fromkeys(table, 0.0)
            bar = tqdm(total=n_batches, desc=f"epoch {epoch}/{start_epoch + epochs}", leave=False, disable=not show_bar,
                       unit="batch", dynamic_ncols=True)
            for batch in train_loader:
                inputs, target = _split_batch(batch)
                out = model(*inputs)
                loss = loss_fn(out, target)
                loss_value = _as_float(loss)
                if not math.isfinite(loss_value):
                    state.stop_training = True
                    state.stop_reason = (f"loss became {loss_value} at epoch {epoch}, step {state.step + 1}; stopped before "
                                         "that update (lower the learning rate, or clip gradients)")
                    break
                optimizer.zero_grad()
                loss.backward()
                norm = float(clip_grad_norm_(params, clip_grad_norm)) if clip_grad_norm is not None else grad_norm(params)
                optimizer.step()
                state.step += 1
                lr = lr_now()
                if scheduler_interval == "step":
                    for s in schedulers:
                        if not _is_plateau(s):
                            s.step()
                k = len(target)
                loss_sum += loss_value * k
                n_seen += k
                norms.append(norm)
                if table:
                    with ag.no_grad():
                        for name, fn in table.items():
                            metric_sums[name] += _as_float(fn(out, target)) * k
                history.add_step(epoch, loss_value, norm, lr)
                step_logs = {"step": state.step, "loss": loss_value, "grad_norm": norm, "lr": lr}
                for cb in callbacks:
                    cb.on_batch_end(state, step_logs)
                bar.update(1)
                if show_bar:
                    bar.set_postfix(loss=f"{loss_sum / n_seen:.4f}", refresh=False)
                if state.stop_training:
                    break
            bar.close()
            if n_seen == 0:  # stopped on the first batch of the epoch
                break
            logs: dict[str, Any] = {"epoch": epoch, "train_loss": loss_sum / n_seen}
            logs.update({f"train_{m}": v / n_seen for m, v in metric_sums.items()})
            if val_loader is not None:
                val = evaluate(model, val_loader, loss_fn, table)
                logs["val_loss"] = val["loss"]
                logs.update({f"val_{m}": val[m] for m in table})
            logs["grad_norm"] = float(np.mean(norms))
            logs["lr"] = lr_now()
            logs["time"] = time.perf_counter() - t0
            for s in schedulers:
                if _is_plateau(s):
                    s.step(logs[plateau_monitor])
                elif scheduler_interval == "epoch":
                    s.step()
            history.add_epoch(logs)
            for cb in callbacks:
                cb.on_epoch_end(state, logs)
            if verbose:
                row = "  ".join(_fmt(logs.get(k)).rjust(widths[k]) for k in keys)
                write(row + ("  " + ", ".join(state._marks) if state._marks else ""))
            if state.stop_training:
                break
    except KeyboardInterrupt:
        if bar is not None:
            bar.close()
        state.stop_reason = f"interrupted (Ctrl-C) during epoch {state.epoch}"
    history.stop_reason = state.stop_reason
    for cb in callbacks:
        cb.on_train_end(state)
    if verbose and state.stop_reason:
        write(state.stop_reason)
    return history
