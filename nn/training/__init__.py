"""``nn.training``: ``fit`` (a monitored training loop), ``evaluate``, ``History`` and callbacks.

Writing your own PyTorch-style loop stays the first-class way; ``fit`` is for when you do not
want to: validation every epoch, metrics, gradient norm, learning rate, time, a tqdm progress
bar, a per-epoch table, ``EarlyStopping``, ``ModelCheckpoint`` (through ``autograd.save``),
scheduler stepping (per epoch or per batch, ``ReduceLROnPlateau`` on a monitored value),
gradient clipping, and a ``History`` that plots itself.

Example:
    >>> from nn.training import EarlyStopping, ModelCheckpoint, fit
    >>> EarlyStopping(patience=3).monitor
    'val_loss'
"""

from .callbacks import Callback, EarlyStopping, LambdaCallback, ModelCheckpoint, load_checkpoint
from .history import History
from .loop import FitState, accuracy, evaluate, fit, grad_norm

__all__ = [
    "Callback",
    "EarlyStopping",
    "FitState",
    "History",
    "LambdaCallback",
    "ModelCheckpoint",
    "accuracy",
    "evaluate",
    "fit",
    "grad_norm",
    "load_checkpoint",
]
