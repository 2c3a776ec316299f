"""The Numba kernels behind ``nn.loss_kernels`` (cross-entropy rows, CTC alpha/beta), at module level.

Imported only when the Numba backend is selected. Module-level functions (not closures) so
that Numba's on-disk cache finds them again in the next process; each has a NumPy twin in
``nn.loss_kernels`` with the same signature.

Example:
    >>> from nn import loss_kernels_numba as K
    >>> round(K._lae(0.0, 0.0), 6)  # log(exp(0) + exp(0))
    0.693147
"""

from __future__ import annotations

import math

import numpy as np

from autograd.kernels.jit import njit

NEG_INF = -np.inf


@njit
def _softmax_row(x, r, p, store):
    """Row r: softmax into p[r] (when store) and the row's logsumexp. Arithmetic in x's dtype (expf for float32)."""
    C = x.shape[1]
    m = x[r, 0]
    for c in range(1, C):
        if x[r, c] > m:
            m = x[r, c]
    s = 0.0
    if store:
        for c in range(C):
            e = math.exp(x[r, c] - m)
            p[r, c] = e
            s += e
        inv = 1.0 / s
        for c in range(C):
            p[r, c] *= inv
    else:
        for c in range(C):
            s += math.exp(x[r, c] - m)
    return m + math.log(s)


@njit
def ce_index_forward(x, t, w, ignore_index, eps, loss, p):
    R, C = x.shape
    has_w = w.shape[0] > 0
    store = p.shape[0] > 0
    total = 0.0
    wsum = 0.0
    for r in range(R):
        tr = t[r]
        if tr != ignore_index and (tr < 0 or tr >= C):
            return r, 0.0, 0.0
        lr = _softmax_row(x, r, p, store)
        if tr == ignore_index:
            loss[r] = 0.0
            continue
        wt = w[tr] if has_w else 1.0
        val = (1.0 - eps) * wt * (lr - x[r, tr])
        if eps > 0.0:
            acc = 0.0
            for c in range(C):
                wc = w[c] if has_w else 1.0
                acc += wc * (lr - x[r, c])
            val += eps / C * acc
        loss[r] = val
        total += val
        wsum += wt
    return -1, total, wsum


@njit
def ce_index_backward(p, t, w, ignore_index, eps, G, out):
    R, C = p.shape
    has_w = w.shape[0] > 0
    W = 0.0
    if has_w:
        for c in range(C):
            W += w[c]
    else:
        W = float(C)
    sm = eps / C
    for r in range(R):
        tr = t[r]
        if tr == ignore_index:
            for c in range(C):
                out[r, c] = 0.0
            continue
        gr = G[0] if G.shape[0] == 1 else G[r]
        wt = w[tr] if has_w else 1.0
        a = gr * ((1.0 - eps) * wt + sm * W)
        if has_w:
            for c in range(C):
                out[r, c] = a * p[r, c] - gr * sm * w[c]
        else:
            d = gr * sm
            for c in range(C):
                out[r, c] = a * p[r, c] - d
        out[r, tr] -= gr * (1.0 - eps) * wt
    return out


@njit
def ce_dense_forward(x, b, loss, p):
    R, C = x.shape
    store = p.shape[0] > 0
    total = 0.0
    for r in range(R):
        lr = _softmax_row(x, r, p, store)
        acc = 0.0
        for c in range(C):
            if b[r, c] != 0.0:
                acc += b[r, c] * (lr - x[r, c])
        loss[r] = acc
        total += acc
    return total


@njit
def ce_dense_backward(p, b, G, out):
    R, C = p.shape
    for r in range(R):
        gr = G[0] if G.shape[0] == 1 else G[r]
        A = 0.0
        for c in range(C):
            A += b[r, c]
        for c in range(C):
            out[r, c] = gr * (A * p[r, c] - b[r, c])
    return out


@njit
def _lae(a, b):
    if a == -np.inf:
        return b
    if b == -np.inf:
        return a
    if a > b:
        return a + math.log1p(math.exp(b - a))
    return b + math.log1p(math.exp(a - b))


@njit
def _label(tg, o, s, blank):
    return blank if s % 2 == 0 else tg[o + s // 2]


@njit
def ctc_alpha(lp, tg, offs, tl, il, blank, la):
    N = lp.shape[1]
    nll = np.empty(N)
    la[...] = -np.inf
    for n in range(N):
        Tn = il[n]
        S = tl[n]
        L = 2 * S + 1
        o = offs[n]
        if Tn == 0:
            nll[n] = 0.0 if S == 0 else np.inf
            continue
        la[n, 0, 0] = lp[0, n, blank]
        if L > 1:
            la[n, 0, 1] = lp[0, n, tg[o]]
        for t in range(1, Tn):
            for s in range(L):
                lab = _label(tg, o, s, blank)
                a = la[n, t - 1, s]
                if s > 0:
                    a = _lae(a, la[n, t - 1, s - 1])
                if s > 1 and s % 2 == 1 and lab != tg[o + s // 2 - 1]:
                    a = _lae(a, la[n, t - 1, s - 2])
                la[n, t, s] = a + lp[t, n, lab] if a != -np.inf else -np.inf
        ll = la[n, Tn - 1, L - 1]
        if L > 1:
            ll = _lae(ll, la[n, Tn - 1, L - 2])
        nll[n] = -ll
    return nll


@njit
def ctc_grad(lp, tg, offs, tl, il, blank, nll, la, G, zero_infinity, out):
    T, N, C = lp.shape
    out[...] = 0.0
    for n in range(N):
        Tn = il[n]
        S = tl[n]
        L = 2 * S + 1
        o = offs[n]
        if Tn == 0 or (zero_infinity and nll[n] == np.inf):
            continue
        b = np.full((Tn, L), -np.inf)
        b[Tn - 1, L - 1] = lp[Tn - 1, n, blank]
        if L > 1:
            b[Tn - 1, L - 2] = lp[Tn - 1, n, tg[o + S - 1]]
        for t in range(Tn - 2, -1, -1):
            for s in range(L):
                lab = _label(tg, o, s, blank)
                v = b[t + 1, s]
                if s < L - 1:
                    v = _lae(v, b[t + 1, s + 1])
                if s < L - 2 and s % 2 == 1 and lab != tg[o + s // 2 + 1]:
                    v = _lae(v, b[t + 1, s + 2])
                b[t, s] = v + lp[t, n, lab] if v != -np.inf else -np.inf
        lcab = np.empty(C)
        for t in range(Tn):
            for c in range(C):
                lcab[c] = -np.inf
            for s in range(L):
                lab = _label(tg, o, s, blank)
                lcab[lab] = _lae(lcab[lab], la[n, t, s] + b[t, s])
            for c in range(C):
                v = lp[t, n, c]
                out[t, n, c] = (math.exp(v) - math.exp(lcab[c] + nll[n] - v)) * G[n]
    return out
