"""``nn``: modules, layers, activations, losses, initialisation and the functional API (as ``torch.nn``).

Import it as PyTorch code does: ``import nn`` and ``import nn.functional as F``.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> model = nn.Sequential(nn.Linear(4, 16), nn.Linear(16, 3))
    >>> model(ag.randn(8, 4)).shape
    Size([8, 3])
"""

from . import functional, init, utils
from .modules import *
from .modules import Module
from .parameter import Parameter

try:  # drawing a model's graph (nn.drawing; guarded so nn always imports)
    from .drawing import draw_model, save_model_graph
except ImportError:  # pragma: no cover
    pass
