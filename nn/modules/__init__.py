"""The layer classes of ``nn`` (all re-exported by ``nn``)."""

import importlib.util as _ilu

from .batchnorm import BatchNorm1d, BatchNorm2d
from .container import ModuleDict, ModuleList, Sequential
from .conv import Conv2d
from .dropout import Dropout, Dropout2d
from .linear import Flatten, Identity, Linear, Unflatten
from .module import Module, RemovableHandle
from .normalization import LayerNorm
from .pooling import AdaptiveAvgPool2d, AvgPool2d, MaxPool2d
from .sparse import Embedding

# Activation and loss modules: imported once their files exist (a file that exists but fails to import raises).
if _ilu.find_spec(__name__ + ".activation") is not None:
    from .activation import *
if _ilu.find_spec(__name__ + ".loss") is not None:
    from .loss import *

__all__ = [_n for _n, _v in list(globals().items()) if not _n.startswith("_") and isinstance(_v, type)]
