"""numbagrad's ``autograd``: tensors, a dynamic graph, reverse-mode differentiation.

Import it as PyTorch: ``import autograd as torch`` (or ``as ag``); ``torch.autograd.grad``
also works, since ``autograd.autograd`` is this package.

Example:
    >>> import autograd as ag
    >>> x = ag.randn(64, 3, requires_grad=True)
    >>> W = ag.randn(3, 8, requires_grad=True)
    >>> loss = (x @ W).relu().mean()
    >>> loss.backward()
    >>> W.grad.shape
    Size([3, 8])
"""

from __future__ import annotations

import sys as _sys
import warnings as _warnings

from . import kernels  # noqa: F401
from . import methods as _methods
from .anomaly import detect_anomaly, is_anomaly_enabled, set_detect_anomaly
from .creation import (
    arange,
    as_tensor,
    empty,
    empty_like,
    eye,
    from_numpy,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    bool_,
    double,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    int32,
    int64,
    long,
    set_default_dtype,
)
from .dtypes import float as float  # noqa: PLC0414  (ag.float is float32, as torch.float)
from .engine import backward, grad
from .function import Function
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .ops import *  # noqa: F403
from .random import Generator, default_generator, initial_seed, manual_seed, seed
from .serialization import SerializationError, load, save
from .tensor import Size, Tensor
from .viz import GradWatch, GraphvizNotFoundError, draw_graph, render_graph

bool = bool_  # noqa: A001  (ag.bool is the dtype, as torch.bool)
_methods.install()

# As in PyTorch, ops are silent about the infs and NaNs they produce (log(0), 0/0, exp overflow):
# NumPy's floating-point RuntimeWarnings are ignored when raised inside this library's own modules
# (the Numba kernels never raise them). NaN/inf gradients are what detect_anomaly() reports.
_warnings.filterwarnings(
    "ignore", message=r"(divide by zero|invalid value|overflow|underflow) encountered", category=RuntimeWarning,
    module=r"(autograd|nn|optim)(\.|$)",
)

autograd = _sys.modules[__name__]  # so ``torch.autograd.grad`` ports unchanged

__version__ = "0.1.0"


def is_tensor(obj) -> bool:
    """True for Tensors.

    Example:
        >>> import autograd as ag
        >>> ag.is_tensor(ag.ones(1))
        True
    """
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> int:
    """Number of elements.

    Example:
        >>> import autograd as ag
        >>> ag.numel(ag.ones(2, 3))
        6
    """
    return input.numel()
