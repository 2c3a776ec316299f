"""numbagrad's ``optim``: optimizers with fused Numba updates, learning-rate schedules, an LR finder.

Ported from PyTorch by changing the import: ``import optim`` for ``import torch.optim as optim``,
``from optim import lr_scheduler`` for ``from torch.optim import lr_scheduler``.

Example:
    >>> import autograd as ag, optim
    >>> from optim import lr_scheduler
    >>> w = ag.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.Adam([w], lr=0.1)
    >>> sched = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    >>> for _ in range(3):
    ...     opt.zero_grad(); (w * w).sum().backward(); opt.step(); sched.step()
    >>> sched.get_last_lr()
    [0.0125]
"""

from . import lr_scheduler
from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .lion import Lion
from .lr_finder import LRFinder
from .nadam import NAdam
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["Adadelta", "Adagrad", "Adam", "AdamW", "LRFinder", "Lion", "NAdam", "Optimizer", "RMSprop", "SGD", "lr_scheduler"]
