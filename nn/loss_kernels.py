"""Row-wise cross-entropy and CTC forward-backward kernels: Numba, each with a NumPy twin.

Cross-entropy works on ``(R, C)`` logits (one row per sample): the forward gives each row's
loss and its softmax (kept for backward); the backward gives ``G_r * (A_r softmax(x_r) - b_r)``
in one pass, where ``b_r`` is the row's effective target (one-hot or probabilities, smoothed and
weighted) and ``A_r`` its sum. CTC runs the alpha (forward) and beta (backward) recursions in log
space and returns the gradient as PyTorch computes it.

``AUTOGRAD_KERNELS=numpy`` selects the twins (``numpy_*``); otherwise the Numba kernels
(``numba_*``) are used when Numba imports. The public names (``ce_index_forward`` ...) are
the selected ones. Every twin has its kernel's signature; the tests compare them.

Example:
    >>> import numpy as np
    >>> from nn import loss_kernels as LK
    >>> x = np.array([[2.0, 0.0, -1.0]]); t = np.array([0])
    >>> loss, p = np.empty(1), np.empty((1, 3))
    >>> bad, total, wsum = LK.numpy_ce_index_forward(x, t, np.empty(0), -100, 0.0, loss, p)
    >>> bad, round(total, 4), wsum
    (-1, 0.1698, 1.0)
"""

from __future__ import annotations

import os

import numpy as np

NEG_INF = -np.inf


# ---------------------------------------------------------------- NumPy twins: cross-entropy
def _softmax_rows(x, p):
    m = x.max(axis=1, keepdims=True)
    e = np.exp(x - m)
    s = e.sum(axis=1, keepdims=True)
    if p.shape[0]:
        np.divide(e, s, out=p)
    return (m + np.log(s))[:, 0]


def numpy_ce_index_forward(x, t, w, ignore_index, eps, loss, p):
    """Class-index targets. Fills ``loss`` (R,) and, unless it has 0 rows, ``p`` (R, C) with softmax(x);
    returns (first bad row or -1, sum of losses, sum of target weights over kept rows). ``w`` of size 0: no weights."""
    R, C = x.shape
    lse = _softmax_rows(x, p)
    keep = t != ignore_index
    bad = np.nonzero(keep & ((t < 0) | (t >= C)))[0]
    if bad.size:
        loss[:] = 0
        return int(bad[0]), 0.0, 0.0
    tk = np.where(keep, t, 0)
    wt = (w[tk] if w.size else np.ones(R)) * keep
    xt = np.take_along_axis(x, tk[:, None], axis=1)[:, 0]
    val = (1 - eps) * wt * (lse - xt)
    if eps > 0:
        logp = lse[:, None] - x
        smooth = (logp * w).sum(axis=1) if w.size else logp.sum(axis=1)
        val = val + np.where(keep, eps / C * smooth, 0.0)
    loss[:] = val
    return -1, float(val.sum()), float(wt.sum())


def numpy_ce_index_backward(p, t, w, ignore_index, eps, G, out):
    """``out[r] = G[r] * (A_r p_r - b_r)`` for class-index targets, ``p`` the softmax (``G`` of size 1 broadcasts)."""
    R, C = p.shape
    keep = t != ignore_index
    tk = np.where(keep, t, 0)
    wt = w[tk] if w.size else np.ones(R)
    W = w.sum() if w.size else float(C)
    g = np.where(keep, np.broadcast_to(G, (R,)), 0.0)[:, None]
    A = ((1 - eps) * wt + eps / C * W)[:, None]
    res = g * (A * p - (eps / C) * (w if w.size else 1.0))
    res[np.arange(R), tk] -= g[:, 0] * (1 - eps) * wt
    out[...] = res
    return out


def numpy_ce_dense_forward(x, b, loss, p):
    """Dense targets ``b`` (R, C) (probabilities, smoothed and weighted): ``loss_r = sum_c b_rc (lse_r - x_rc)``,
    terms with ``b_rc == 0`` count as 0 even where ``x_rc = -inf``; fills ``p`` with softmax(x) unless it has 0 rows."""
    lse = _softmax_rows(x, p)
    with np.errstate(invalid="ignore"):
        terms = np.where(b != 0, b * (lse[:, None] - x), 0.0)
    loss[:] = terms.sum(axis=1)
    return float(loss.sum())


def numpy_ce_dense_backward(p, b, G, out):
    """``out[r] = G[r] * (sum(b_r) p_r - b_r)`` (``G`` of size 1 broadcasts)."""
    R = p.shape[0]
    g = np.broadcast_to(G, (R,))[:, None]
    out[...] = g * (b.sum(axis=1, keepdims=True) * p - b)
    return out


# ---------------------------------------------------------------- NumPy twins: CTC
def _extended(tg, o, S, blank):
    ext = np.full(2 * S + 1, blank, dtype=np.int64)
    ext[1::2] = tg[o:o + S]
    skip = np.zeros(2 * S + 1, dtype=bool)
    skip[3::2] = ext[3::2] != ext[1:-2:2]
    return ext, skip


def numpy_ctc_alpha(lp, tg, offs, tl, il, blank, la):
    """Log-space alpha for each sample n: ``la`` (N, T, 2*Smax+1) is filled; returns the negative log-likelihoods (N,)."""
    N = lp.shape[1]
    nll = np.empty(N)
    la[...] = NEG_INF
    for n in range(N):
        Tn, S = il[n], tl[n]
        L = 2 * S + 1
        if Tn == 0:
            nll[n] = 0.0 if S == 0 else np.inf
            continue
        ext, skip = _extended(tg, offs[n], S, blank)
        a = la[n]
        a[0, 0] = lp[0, n, blank]
        if L > 1:
            a[0, 1] = lp[0, n, ext[1]]
        for t in range(1, Tn):
            prev = a[t - 1, :L]
            cur = prev.copy()
            cur[1:] = np.logaddexp(cur[1:], prev[:-1])
            cur[2:] = np.where(skip[2:], np.logaddexp(cur[2:], prev[:-2]), cur[2:])
            a[t, :L] = cur + lp[t, n, ext]
        ll = a[Tn - 1, L - 1] if L == 1 else np.logaddexp(a[Tn - 1, L - 1], a[Tn - 1, L - 2])
        nll[n] = -ll
    return nll


def numpy_ctc_grad(lp, tg, offs, tl, il, blank, nll, la, G, zero_infinity, out):
    """Beta recursion and ``out[t, n, c] = G[n] * (exp(lp) - exp(log sum_{s: l'_s = c} alpha beta + nll - lp))``
    for ``t < input_length`` (zero elsewhere, and for infinite losses when ``zero_infinity``)."""
    T, N, C = lp.shape
    out[...] = 0
    for n in range(N):
        Tn, S = il[n], tl[n]
        L = 2 * S + 1
        if Tn == 0 or (zero_infinity and nll[n] == np.inf):
            continue
        ext, skip = _extended(tg, offs[n], S, blank)
        b = np.full((Tn, L), NEG_INF)
        b[Tn - 1, L - 1] = lp[Tn - 1, n, blank]
        if L > 1:
            b[Tn - 1, L - 2] = lp[Tn - 1, n, ext[L - 2]]
        for t in range(Tn - 2, -1, -1):
            nxt = b[t + 1]
            cur = nxt.copy()
            cur[:-1] = np.logaddexp(cur[:-1], nxt[1:])
            cur[:-2] = np.where(skip[2:], np.logaddexp(cur[:-2], nxt[2:]), cur[:-2])
            b[t] = cur + lp[t, n, ext]
        ab = la[n, :Tn, :L] + b
        lcab = np.full((Tn, C), NEG_INF)
        np.logaddexp.at(lcab, (np.arange(Tn)[:, None], ext[None, :]), ab)
        lpn = lp[:Tn, n, :]
        with np.errstate(invalid="ignore", over="ignore"):
            out[:Tn, n, :] = (np.exp(lpn) - np.exp(lcab + nll[n] - lpn)) * G[n]
    return out


# ---------------------------------------------------------------- Numba kernels
def _build_numba() -> dict:
    from . import loss_kernels_numba as compiled

    return {n: getattr(compiled, n) for n in NAMES}


NAMES = ("ce_index_forward", "ce_index_backward", "ce_dense_forward", "ce_dense_backward", "ctc_alpha", "ctc_grad")
NUMPY = {n: globals()["numpy_" + n] for n in NAMES}
NUMBA: dict = {}
BACKEND = "numpy"
if os.environ.get("AUTOGRAD_KERNELS", "numba").strip().lower() == "numba":
    try:
        NUMBA = _build_numba()
        BACKEND = "numba"
    except ImportError:  # no Numba: the twins do the work
        pass
for _n in NAMES:
    globals()["numba_" + _n] = NUMBA.get(_n, NUMPY[_n])
    globals()[_n] = NUMBA.get(_n, NUMPY[_n])

CE_FORWARD_NUMBA_MAX = 8192
"""Above this many logits the cross-entropy forward runs on its twin: NumPy's SIMD ``exp`` beats Numba's
scalar one there (measured on 2 cores; the backward has no ``exp`` and stays compiled at every size)."""


def _by_size(kernel, twin):
    if kernel is twin:
        return twin

    def forward(x, *args):
        return (kernel if x.size <= CE_FORWARD_NUMBA_MAX else twin)(x, *args)

    forward.__name__, forward.__doc__ = kernel.__name__, twin.__doc__
    return forward


ce_index_forward = _by_size(numba_ce_index_forward, numpy_ce_index_forward)  # noqa: F821  (set by the loop above)
ce_dense_forward = _by_size(numba_ce_dense_forward, numpy_ce_dense_forward)  # noqa: F821
