"""Fused update kernels: each optimizer's whole update of one parameter in one pass.

Every kernel works in place on flat (1-D, C-contiguous) arrays of one dtype: the
parameter ``p``, its gradient ``g`` and the optimizer's state arrays. Scalars come
already cast to the parameter's dtype (so float32 stays float32), and everything that
depends only on the step number (bias corrections, step sizes) is computed once per
step by the optimizer, in Python. A loop reads each element of each array once and
writes it once, with no temporaries.

Each kernel is a plain loop compiled with ``autograd.kernels.jit.njit`` (lazily, cached
on disk) and has a NumPy twin with the same signature and the same arithmetic, in the
same order. ``AUTOGRAD_KERNELS=numpy`` runs everything on the twins (and dtypes other
than float32/float64 always do). ``select`` picks the implementation for one update: the
serial loop, or for arrays of ``PARALLEL_MIN`` elements and more a runner that times the
serial loop and its 2-thread (``prange``) version as they run and keeps the faster, since
the machine's load decides which one that is.

Example:
    >>> import numpy as np
    >>> from optim import kernels as K
    >>> p, g = np.ones(3), np.full(3, 0.5)
    >>> K.twins["sgd"](p, g, p, -0.1, 0.0, 0.0, 1.0, False, False, False, False, False)
    >>> p
    array([0.95, 0.95, 0.95])
"""

from __future__ import annotations

import os
from time import perf_counter as _clock

import numpy as np

from autograd.kernels.adaptive import PARALLEL_MIN, Adaptive, parallel_copy, threads

BACKEND = os.environ.get("AUTOGRAD_KERNELS", "numba").strip().lower()
_NUMBA_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

try:  # prange is range unless the loop is compiled with parallel=True
    from numba import prange
except ImportError:  # pragma: no cover - numba is a dependency; the twins still work without it
    prange = range
    BACKEND = "numpy"


# ---- the loops (compiled by Numba) ---------------------------------------------------------------
# Flags like ``maximize`` are loop invariants; LLVM unswitches them, so every
# combination runs as its own vectorised loop. A state array that a flag switches off
# comes as an empty array, never as an alias of another argument: aliased arguments
# make LLVM fall back to the scalar loop (6x slower for Adam).


def _sgd(p, g, buf, neg_lr, wd, momentum, damp, use_wd, use_buf, init_buf, nesterov, maximize):
    for i in prange(p.shape[0]):
        gi = -g[i] if maximize else g[i]
        if use_wd:
            gi = gi + wd * p[i]
        if use_buf:
            b = gi if init_buf else buf[i] * momentum + damp * gi
            buf[i] = b
            gi = gi + momentum * b if nesterov else b
        p[i] = p[i] + neg_lr * gi


def _adam(p, g, m, v, vmax, neg_step, inv_bc2_sqrt, eps, w1, beta2, w2, wd, decay, use_wd, decoupled, amsgrad, maximize):
    for i in prange(p.shape[0]):
        gi = -g[i] if maximize else g[i]
        pi = p[i]
        if use_wd:
            if decoupled:
                pi = pi * decay
            else:
                gi = gi + wd * pi
        mi = m[i]
        mi = mi + w1 * (gi - mi)
        vi = v[i] * beta2 + w2 * gi * gi
        m[i] = mi
        v[i] = vi
        if amsgrad:
            vi = max(vmax[i], vi)
            vmax[i] = vi
        p[i] = pi + neg_step * mi / (np.sqrt(vi) * inv_bc2_sqrt + eps)


def _adagrad(p, g, s, neg_clr, eps, wd, use_wd, maximize):
    for i in prange(p.shape[0]):
        gi = -g[i] if maximize else g[i]
        if use_wd:
            gi = gi + wd * p[i]
        si = s[i] + gi * gi
        s[i] = si
        p[i] = p[i] + neg_clr * gi / (np.sqrt(si) + eps)


def _rmsprop(p, g, sq, gavg, buf, neg_lr, alpha, w, eps, wd, momentum, use_wd, centered, use_momentum, maximize):
    for i in prange(p.shape[0]):
        gi = -g[i] if maximize else g[i]
        if use_wd:
            gi = gi + wd * p[i]
        si = sq[i] * alpha + w * gi * gi
        sq[i] = si
        if centered:
            ga = gavg[i]
            ga = ga + w * (gi - ga)
            gavg[i] = ga
            si = si - ga * ga
        avg = np.sqrt(si) + eps
        if use_momentum:
            b = buf[i] * momentum + gi / avg
            buf[i] = b
            p[i] = p[i] + neg_lr * b
        else:
            p[i] = p[i] + neg_lr * gi / avg


def _nadam(p, g, m, v, c_grad, c_avg, bc2, eps, w1, beta2, w2, wd, decay, use_wd, decoupled, maximize):
    for i in prange(p.shape[0]):
        gi = -g[i] if maximize else g[i]
        pi = p[i]
        if use_wd:
            if decoupled:
                pi = pi * decay
            else:
                gi = gi + wd * pi
        mi = m[i]
        mi = mi + w1 * (gi - mi)
        vi = v[i] * beta2 + w2 * gi * gi
        m[i] = mi
        v[i] = vi
        denom = np.sqrt(vi / bc2) + eps
        pi = pi + c_grad * gi / denom
        p[i] = pi + c_avg * mi / denom


def _adadelta(p, g, sq, acc, neg_lr, rho, w, eps, wd, use_wd, maximize):
    for i in prange(p.shape[0]):
        gi = -g[i] if maximize else g[i]
        if use_wd:
            gi = gi + wd * p[i]
        si = sq[i] * rho + w * gi * gi
        sq[i] = si
        ai = acc[i]
        delta = np.sqrt(ai + eps) / np.sqrt(si + eps) * gi
        acc[i] = ai * rho + w * delta * delta
        p[i] = p[i] + neg_lr * delta


def _lion(p, g, m, neg_lr, beta1, w1, beta2, w2, decay, use_wd, maximize):
    for i in prange(p.shape[0]):
        gi = -g[i] if maximize else g[i]
        mi = m[i]
        pi = p[i]
        if use_wd:
            pi = pi * decay
        p[i] = pi + neg_lr * np.sign(mi * beta1 + w1 * gi)
        m[i] = mi * beta2 + w2 * gi


# ---- the NumPy twins: same signatures, same arithmetic in the same order --------------------------


def _grad(p, g, wd, use_wd, maximize):
    g = -g if maximize else g
    return g + wd * p if use_wd else g


def sgd_twin(p, g, buf, neg_lr, wd, momentum, damp, use_wd, use_buf, init_buf, nesterov, maximize):
    """NumPy twin of the SGD kernel."""
    g = _grad(p, g, wd, use_wd, maximize)
    if use_buf:
        buf[...] = g if init_buf else buf * momentum + damp * g
        g = g + momentum * buf if nesterov else buf
    p += neg_lr * g


def adam_twin(p, g, m, v, vmax, neg_step, inv_bc2_sqrt, eps, w1, beta2, w2, wd, decay, use_wd, decoupled, amsgrad, maximize):
    """NumPy twin of the Adam/AdamW kernel."""
    if use_wd and decoupled:
        p *= decay
    g = _grad(p, g, wd, use_wd and not decoupled, maximize)
    m += w1 * (g - m)
    v *= beta2
    v += w2 * g * g
    if amsgrad:
        np.maximum(vmax, v, out=vmax)
    p += neg_step * m / (np.sqrt(vmax if amsgrad else v) * inv_bc2_sqrt + eps)


def adagrad_twin(p, g, s, neg_clr, eps, wd, use_wd, maximize):
    """NumPy twin of the Adagrad kernel."""
    g = _grad(p, g, wd, use_wd, maximize)
    s += g * g
    p += neg_clr * g / (np.sqrt(s) + eps)


def rmsprop_twin(p, g, sq, gavg, buf, neg_lr, alpha, w, eps, wd, momentum, use_wd, centered, use_momentum, maximize):
    """NumPy twin of the RMSprop kernel."""
    g = _grad(p, g, wd, use_wd, maximize)
    sq *= alpha
    sq += w * g * g
    if centered:
        gavg += w * (g - gavg)
        avg = np.sqrt(sq - gavg * gavg) + eps
    else:
        avg = np.sqrt(sq) + eps
    if use_momentum:
        buf *= momentum
        buf += g / avg
        p += neg_lr * buf
    else:
        p += neg_lr * g / avg


def nadam_twin(p, g, m, v, c_grad, c_avg, bc2, eps, w1, beta2, w2, wd, decay, use_wd, decoupled, maximize):
    """NumPy twin of the NAdam kernel."""
    if use_wd and decoupled:
        p *= decay
    g = _grad(p, g, wd, use_wd and not decoupled, maximize)
    m += w1 * (g - m)
    v *= beta2
    v += w2 * g * g
    denom = np.sqrt(v / bc2) + eps
    p += c_grad * g / denom
    p += c_avg * m / denom


def adadelta_twin(p, g, sq, acc, neg_lr, rho, w, eps, wd, use_wd, maximize):
    """NumPy twin of the Adadelta kernel."""
    g = _grad(p, g, wd, use_wd, maximize)
    sq *= rho
    sq += w * g * g
    delta = np.sqrt(acc + eps) / np.sqrt(sq + eps) * g
    acc *= rho
    acc += w * delta * delta
    p += neg_lr * delta


def lion_twin(p, g, m, neg_lr, beta1, w1, beta2, w2, decay, use_wd, maximize):
    """NumPy twin of the Lion kernel."""
    g = -g if maximize else g
    if use_wd:
        p *= decay
    p += neg_lr * np.sign(m * beta1 + w1 * g)
    m *= beta2
    m += w2 * g


_LOOPS = {
    "sgd": _sgd, "adam": _adam, "adagrad": _adagrad, "rmsprop": _rmsprop, "nadam": _nadam, "adadelta": _adadelta, "lion": _lion,
}
twins = {name: globals()[name + "_twin"] for name in _LOOPS}
NAMES = tuple(_LOOPS)

# Kernels whose 2-thread version (prange, parallel=True) beat the serial loop in
# benchmarks/optim_step.py: on 1e6 float32 elements every one takes 0.4-0.6x the serial
# time on an idle 2-core machine. But while another process keeps a core busy, parallel
# calls take a scheduler tick (~8 ms instead of 0.15 ms) for long stretches (PyTorch's
# fused step too, measured), so above PARALLEL_MIN elements ``_Adaptive`` times both
# versions as they run and keeps the faster. ``NUMBA_NUM_THREADS=1`` (or emptying this
# set) keeps every update serial; ``OMP_WAIT_POLICY=PASSIVE`` removed the stalls in our
# measurements, at about 0.3 ms per 1e6-element Adam step.
PARALLEL = frozenset(_LOOPS)

_compiled: dict[tuple[str, bool], object] = {}


def compiled(name: str, parallel: bool = False):
    """The Numba kernel ``name`` (serial, or ``parallel=True`` with ``prange``); compiled on first call.

    Example:
        >>> import numpy as np
        >>> from optim import kernels as K
        >>> p = np.ones(2); K.compiled("lion")(p, np.ones(2), np.zeros(2), -0.5, 0.9, 0.1, 0.99, 0.01, 1.0, False, False); p
        array([0.5, 0.5])
    """
    key = (name, parallel)
    fn = _compiled.get(key)
    if fn is None:
        from autograd.kernels.jit import njit

        loop = _LOOPS[name]
        fn = parallel_copy(loop) if parallel else njit(loop)
        _compiled[key] = fn
    return fn


class _Adaptive(Adaptive):
    """``autograd.kernels.adaptive.Adaptive`` over optimizer kernel ``name`` (serial or ``prange``).

    Example:
        >>> import numpy as np
        >>> from optim import kernels as K
        >>> run = K._Adaptive("lion")
        >>> p = np.ones(4); run(p, np.ones(4), np.zeros(4), -0.5, 0.9, 0.1, 0.99, 0.01, 1.0, False, False); p
        array([0.5, 0.5, 0.5, 0.5])
    """

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name

    def version(self, parallel: bool):
        return compiled(self.name, parallel)

    def clock(self) -> float:
        return _clock()


_adaptive: dict[tuple[str, np.dtype], _Adaptive] = {}


def select(name: str, dtype: np.dtype, n: int):
    """The implementation of kernel ``name`` for ``n`` elements of ``dtype`` under the current backend.

    Example:
        >>> import numpy as np
        >>> from optim import kernels as K
        >>> K.select("adam", np.dtype(np.float16), 10) is K.twins["adam"]
        True
    """
    if BACKEND == "numpy" or dtype not in _NUMBA_DTYPES:
        return twins[name]
    if n < PARALLEL_MIN or name not in PARALLEL or threads() < 2:
        return compiled(name)
    key = (name, dtype)
    run = _adaptive.get(key)
    if run is None:
        run = _adaptive[key] = _Adaptive(name)
    return run
