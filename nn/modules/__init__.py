"""The layer classes of ``nn`` (all re-exported by ``nn``)."""

import importlib.util as _ilu

from .container import ModuleDict, ModuleList, Sequential
from .linear import Flatten, Identity, Linear, Unflatten
from .module import Module, RemovableHandle

# Activation and loss modules: imported once their files exist (a file that exists but fails to import raises).
if _ilu.find_spec(__name__ + ".activation") is not None:
    from .activation import *
if _ilu.find_spec(__name__ + ".loss") is not None:
    from .loss import *

__all__ = [_n for _n, _v in list(globals().items()) if not _n.startswith("_") and isinstance(_v, type)]
