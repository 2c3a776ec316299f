"""Run the whole library on one kernel implementation: the Numba loops, the NumPy twins, or as shipped.

The library has three kernel families, each looked up at call time through a module
attribute: ``autograd.kernels`` (elementwise, softmax, bias+activation), ``nn.kernels``
(im2col, pooling, embedding) and ``nn.loss_kernels`` (cross-entropy, CTC). ``optim.kernels``
picks its fused updates through ``select``, which reads ``optim.kernels.BACKEND``.

``use("numba")`` points every name at its compiled loop at every size (so the dispatch
thresholds never hide a loop from a check), ``use("twins")`` at its NumPy twin, and
``use("default")`` leaves the library as shipped. ``kernels_used(fn)`` lists the kernel
names one call of ``fn`` goes through. The gradient report compares the first two; the
speed report times all three.

Example:
    >>> import numpy as np
    >>> from autograd import kernels as K
    >>> from benchmarks.kernel_sets import use
    >>> with use("twins"):
    ...     K.relu is K.numpy_twins.relu
    True
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import ModuleType

IMPLEMENTATIONS = ("default", "numba", "twins")


@dataclass(frozen=True)
class KernelFamily:
    """One module of kernels: its public names, and where each name's Numba loop and twin live."""

    name: str
    module: ModuleType
    names: tuple
    numba: dict  # name -> compiled implementation (absent: no Numba version)
    twins: dict  # name -> NumPy twin


def families() -> list:
    """The kernel families of autograd and nn (empty ``numba`` dicts when Numba is not in use).

    Example:
        >>> from benchmarks.kernel_sets import families
        >>> [f.name for f in families()]
        ['autograd.kernels', 'nn.kernels', 'nn.loss_kernels']
    """
    from autograd import kernels as AK
    from nn import kernels as NK
    from nn import loss_kernels as LK

    out = []
    ak_numba = {}
    if AK.BACKEND == "numba":
        from autograd.kernels import numba_kernels as ank

        ak_numba = {n: getattr(ank, n) for n in ank.SPECS if n in AK._NAMES}
    out.append(KernelFamily("autograd.kernels", AK, tuple(AK._NAMES), ak_numba,
                            {n: getattr(AK.numpy_twins, n) for n in AK._NAMES}))
    nk_numba = {}
    if NK.BACKEND == "numba":
        from nn.kernels import numba_kernels as nnk

        nk_numba = {n: getattr(nnk, n) for n in NK.NAMES if hasattr(nnk, n)}
    out.append(KernelFamily("nn.kernels", NK, tuple(NK.NAMES), nk_numba, {n: getattr(NK.numpy_twins, n) for n in NK.NAMES}))
    out.append(KernelFamily("nn.loss_kernels", LK, tuple(LK.NAMES), dict(LK.NUMBA), dict(LK.NUMPY)))
    return out


def numba_active() -> bool:
    """Whether any kernel family has compiled loops (False under ``AUTOGRAD_KERNELS=numpy``)."""
    return any(f.numba for f in families())


@contextlib.contextmanager
def use(impl: str) -> Iterator[None]:
    """Run the block with every kernel on ``impl``: ``"numba"``, ``"twins"`` or ``"default"`` (as shipped).

    Under ``"numba"`` a name without a compiled loop keeps its shipped implementation.
    ``optim`` follows: ``"twins"`` sets ``optim.kernels.BACKEND = "numpy"``.
    """
    if impl not in IMPLEMENTATIONS:
        raise ValueError(f"use: impl must be one of {IMPLEMENTATIONS}, got {impl!r}")
    from optim import kernels as OK

    fams = families()
    saved = [(f.module, {n: getattr(f.module, n) for n in f.names}) for f in fams]
    saved_backend = OK.BACKEND
    try:
        if impl != "default":
            for f in fams:
                table = f.twins if impl == "twins" else f.numba
                for n in f.names:
                    if n in table:
                        setattr(f.module, n, table[n])
            if impl == "twins":
                OK.BACKEND = "numpy"
        yield
    finally:
        for module, names in saved:
            for n, fn in names.items():
                setattr(module, n, fn)
        OK.BACKEND = saved_backend


def kernels_used(fn: Callable[[], object]) -> set:
    """The ``family.name`` of every kernel one call of ``fn()`` goes through.

    Example:
        >>> import autograd as ag
        >>> from benchmarks.kernel_sets import kernels_used
        >>> x = ag.randn(4, requires_grad=True)
        >>> sorted(kernels_used(lambda: x.relu().sum().backward()))[:1]
        ['autograd.kernels.relu']
    """
    used: set = set()
    fams = families()
    saved = [(f, {n: getattr(f.module, n) for n in f.names}) for f in fams]

    def spy(label: str, impl: Callable) -> Callable:
        def wrapper(*args, **kwargs):
            used.add(label)
            return impl(*args, **kwargs)

        return wrapper

    try:
        for f, names in saved:
            for n, impl in names.items():
                setattr(f.module, n, spy(f"{f.name}.{n}", impl))
        fn()
    finally:
        for f, names in saved:
            for n, impl in names.items():
                setattr(f.module, n, impl)
    return used


def compiled_names(used: set) -> set:
    """The names in ``used`` (``family.name``) that have a compiled loop."""
    out = set()
    for f in families():
        out.update(label for label in used if label.startswith(f.name + ".") and label[len(f.name) + 1:] in f.numba)
    return out
