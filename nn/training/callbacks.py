"""Callbacks for ``fit``: ``Callback`` (the hooks), ``EarlyStopping``, ``ModelCheckpoint``, ``LambdaCallback``.

Every hook gets the ``FitState`` (``state.model``, ``state.optimizer``, ``state.history``,
``state.epoch``, ``state.log_keys``, ...); setting ``state.stop_training = True`` ends training
after the current epoch (or batch).

Example:
    >>> from nn.training import Callback
    >>> class PrintEpoch(Callback):
    ...     def on_epoch_end(self, state, logs):
    ...         print("epoch", logs["epoch"], "loss", round(logs["train_loss"], 2))
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

import autograd as ag

from .history import infer_mode


class Callback:
    """Base class: override the hooks you need (all do nothing by default).

    Order: ``on_train_begin`` -> per epoch (``on_epoch_begin``, ``on_batch_end`` per step,
    ``on_epoch_end`` with the epoch's logs) -> ``on_train_end`` (always runs, also after an
    interruption).

    Example:
        >>> from nn.training import Callback
        >>> Callback().on_epoch_end(None, {}) is None
        True
    """

    def on_train_begin(self, state) -> None:
        """Before the first epoch: check options against ``state.log_keys``, prepare files."""

    def on_epoch_begin(self, state) -> None:
        """Before each epoch (``state.epoch`` is 1-based)."""

    def on_batch_end(self, state, logs: dict[str, Any]) -> None:
        """After each optimisation step: ``logs`` has ``step``, ``loss``, ``grad_norm``, ``lr``."""

    def on_epoch_end(self, state, logs: dict[str, Any]) -> None:
        """After each epoch's validation: ``logs`` is the epoch's row of the history."""

    def on_train_end(self, state) -> None:
        """After the last epoch, early stop, non-finite loss or Ctrl-C."""


class LambdaCallback(Callback):
    """A callback from plain functions.

    Example:
        >>> from nn.training import LambdaCallback
        >>> seen = []
        >>> cb = LambdaCallback(on_epoch_end=lambda state, logs: seen.append(logs["epoch"]))
        >>> cb.on_epoch_end(None, {"epoch": 1}); seen
        [1]
    """

    def __init__(self, on_train_begin=None, on_epoch_begin=None, on_batch_end=None, on_epoch_end=None, on_train_end=None):
        for name, fn in list(locals().items()):
            if name != "self" and fn is not None:
                setattr(self, name, fn)


def _check_monitor(who: str, monitor: str, state) -> None:
    if monitor not in state.log_keys:
        hint = " (pass val_loader to fit to get val_* keys)" if monitor.startswith("val_") and state.val_loader is None else ""
        raise ValueError(f"{who}: cannot monitor {monitor!r}: fit logs {sorted(state.log_keys)}{hint}")


class _Monitor:
    """Tracks the best value of one logged quantity."""

    def __init__(self, monitor: str, mode: str, min_delta: float = 0.0) -> None:
        self.monitor, self.mode, self.min_delta = monitor, infer_mode(monitor, mode), abs(min_delta)
        self.best = math.inf if self.mode == "min" else -math.inf
        self.best_epoch: int | None = None

    def improved(self, value: float) -> bool:
        if value is None or math.isnan(value):
            return False
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta


class EarlyStopping(Callback):
    """Stop when ``monitor`` has not improved by more than ``min_delta`` for ``patience`` epochs.

    ``mode`` is ``"min"``, ``"max"`` or ``"auto"`` (max for accuracy-like names). With
    ``restore_best_weights`` the model gets the weights of its best epoch back when training
    ends. ``baseline``: stop if the monitored value has not beaten it after ``patience`` epochs.

    Example:
        >>> from nn.training import EarlyStopping
        >>> es = EarlyStopping(monitor="val_loss", patience=3, min_delta=1e-4, restore_best_weights=True)
        >>> es.mode
        'min'
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        patience: int = 5,
        min_delta: float = 0.0,
        restore_best_weights: bool = False,
        baseline: float | None = None,
        start_from_epoch: int = 0,
    ) -> None:
        if not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be a non-negative int, got {patience!r}")
        self.monitor, self.patience, self.restore_best_weights = monitor, patience, restore_best_weights
        self.min_delta, self.baseline, self.start_from_epoch = min_delta, baseline, start_from_epoch
        self.mode = infer_mode(monitor, mode)
        self._reset()

    def _reset(self) -> None:
        self.tracker = _Monitor(self.monitor, self.mode, self.min_delta)
        if self.baseline is not None:
            self.tracker.best = self.baseline
        self.wait, self.stopped_epoch, self.best_weights = 0, None, None

    @property
    def best(self) -> float:
        return self.tracker.best

    @property
    def best_epoch(self) -> int | None:
        return self.tracker.best_epoch

    def on_train_begin(self, state) -> None:
        _check_monitor("EarlyStopping", self.monitor, state)
        self._reset()

    def on_epoch_end(self, state, logs: dict[str, Any]) -> None:
        epoch = logs["epoch"]
        if epoch <= self.start_from_epoch:
            return
        value = logs.get(self.monitor)
        if self.tracker.improved(value):
            self.tracker.best, self.tracker.best_epoch, self.wait = value, epoch, 0
            if self.restore_best_weights:
                self.best_weights = snapshot_weights(state.model)
            return
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            state.stop_training = True
            best = "none yet" if self.best_epoch is None else f"best {self.best:.4g} at epoch {self.best_epoch}"
            state.stop_reason = f"early stopping: {self.monitor} did not improve for {self.wait} epochs ({best})"

    def on_train_end(self, state) -> None:
        if self.restore_best_weights and self.best_weights is not None:
            last = state.history.last.get("epoch")
            if last != self.best_epoch:
                state.model.load_state_dict({k: ag.tensor(v) for k, v in self.best_weights.items()})
                state.log(f"restored the weights of epoch {self.best_epoch} ({self.monitor} {self.best:.4g})")


class ModelCheckpoint(Callback):
    """Save the model (and the optimizer, scheduler, epoch and history) through ``autograd.save``.

    ``filepath`` may hold format fields from the epoch's logs: ``"ckpt-{epoch:03d}-{val_loss:.3f}.ngd"``.
    ``save_best_only=True`` saves when ``monitor`` improves (a fixed ``filepath`` then always
    holds the best model); ``False`` saves every ``every_n_epochs``. ``save_weights_only`` saves
    just ``model.state_dict()``; otherwise a checkpoint dict that ``load_checkpoint`` restores.
    The folder is created, and checked writable, before training starts; writes are atomic.

    Example:
        >>> import os, tempfile
        >>> from nn.training import ModelCheckpoint
        >>> ck = ModelCheckpoint(os.path.join(tempfile.mkdtemp(), "best.ngd"), monitor="val_accuracy")
        >>> ck.mode, ck.save_best_only
        ('max', True)
    """

    def __init__(
        self,
        filepath: str | os.PathLike,
        monitor: str = "val_loss",
        mode: str = "auto",
        save_best_only: bool = True,
        save_weights_only: bool = False,
        every_n_epochs: int = 1,
    ) -> None:
        if not isinstance(every_n_epochs, int) or every_n_epochs < 1:
            raise ValueError(f"ModelCheckpoint: every_n_epochs must be a positive int, got {every_n_epochs!r}")
        self.filepath = os.fspath(filepath)
        self.monitor, self.save_best_only, self.save_weights_only = monitor, save_best_only, save_weights_only
        self.every_n_epochs = every_n_epochs
        self.mode = infer_mode(monitor, mode)
        self.tracker = _Monitor(monitor, self.mode)
        self.best_path: str | None = None
        self.saved: list[str] = []

    @property
    def best(self) -> float:
        return self.tracker.best

    def on_train_begin(self, state) -> None:
        if self.save_best_only:
            _check_monitor("ModelCheckpoint", self.monitor, state)
        try:
            self.filepath.format(**{k: 1 for k in state.log_keys})
        except (KeyError, ValueError, IndexError) as e:
            raise ValueError(f"ModelCheckpoint: filepath {self.filepath!r} uses an unknown field {e}; "
                             f"fields available: {sorted(state.log_keys)}") from None
        folder = Path(self.filepath).parent
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise type(e)(f"ModelCheckpoint: cannot create the folder {str(folder)!r}: {e.strerror}") from None
        if not os.access(folder, os.W_OK | os.X_OK):
            raise PermissionError(f"ModelCheckpoint: the folder {str(folder)!r} is not writable")
        self.tracker = _Monitor(self.monitor, self.mode)
        self.best_path, self.saved = None, []

    def checkpoint(self, state, logs: dict[str, Any]) -> dict[str, Any]:
        """What gets saved: the state dict alone, or model + optimizer + schedulers + epoch + history."""
        if self.save_weights_only:
            return state.model.state_dict()
        return {
            "format": "numbagrad-checkpoint",
            "epoch": logs["epoch"],
            "model": state.model.state_dict(),
            "optimizer": state.optimizer.state_dict(),
            "schedulers": [s.state_dict() for s in state.schedulers],
            "monitor": self.monitor,
            "best": self.tracker.best if self.tracker.best_epoch is not None else None,
            "logs": dict(logs),
            "history": state.history.to_dict(),
        }

    def on_epoch_end(self, state, logs: dict[str, Any]) -> None:
        epoch = logs["epoch"]
        if epoch % self.every_n_epochs:
            return
        if self.save_best_only:
            value = logs.get(self.monitor)
            if not self.tracker.improved(value):
                return
            self.tracker.best, self.tracker.best_epoch = value, epoch
        path = self.filepath.format(**logs)
        ag.save(self.checkpoint(state, logs), path)
        self.saved.append(path)
        if self.save_best_only:
            self.best_path = path
            state.mark(f"saved {os.path.basename(path)}")


def load_checkpoint(path: str | os.PathLike, model, optimizer=None, schedulers=None) -> dict[str, Any]:
    """Restore a ``ModelCheckpoint`` file into ``model`` (and ``optimizer``, ``schedulers``); return the checkpoint.

    A weights-only file (a plain state dict) is loaded into the model. A checkpoint from
    another model raises the ``RuntimeError`` of ``load_state_dict``, naming the keys and shapes,
    before anything else is touched.

    Example:
        >>> import os, tempfile
        >>> import autograd as ag, nn
        >>> from nn.training import load_checkpoint
        >>> path = os.path.join(tempfile.mkdtemp(), "w.ngd")
        >>> ag.save(nn.Linear(2, 1).state_dict(), path)
        >>> sorted(load_checkpoint(path, nn.Linear(2, 1)))
        ['bias', 'weight']
    """
    ckpt = ag.load(path)
    if not isinstance(ckpt, dict):
        raise ValueError(f"load_checkpoint: {os.fspath(path)!r} holds a {type(ckpt).__name__}, not a checkpoint or state dict")
    if ckpt.get("format") != "numbagrad-checkpoint":
        model.load_state_dict(ckpt)
        return ckpt
    model.load_state_dict(ckpt["model"])
    if optimizer is not None:
        optimizer.load_state_dict(ckpt["optimizer"])
    if schedulers is not None:
        schedulers = schedulers if isinstance(schedulers, list | tuple) else [schedulers]
        if len(schedulers) != len(ckpt["schedulers"]):
            raise ValueError(
                f"load_checkpoint: the file has {len(ckpt['schedulers'])} scheduler states, got {len(schedulers)} schedulers"
            )
        for s, sd in zip(schedulers, ckpt["schedulers"]):
            s.load_state_dict(sd)
    return ckpt


def snapshot_weights(model) -> dict[str, np.ndarray]:
    """Copies of every state-dict array (to restore with ``model.load_state_dict``).

    Example:
        >>> import nn
        >>> from nn.training.callbacks import snapshot_weights
        >>> sorted(snapshot_weights(nn.Linear(2, 1)))
        ['bias', 'weight']
    """
    return {k: v.data.copy() for k, v in model.state_dict().items()}
