"""Numba kernels for images: ``im2col``/``col2im`` and 2-d pooling (twins in ``numpy_twins``).

Plain loops with bounds checks instead of padded copies; compiled lazily through
``autograd.kernels.jit.njit`` (cached on disk), one compilation per dtype.

Example:
    >>> import numpy as np
    >>> from nn.kernels import numba_kernels as K
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> K.im2col(x, 2, 2, 2, 2, 0, 0, 1, 1, 2, 2)[:, 0]
    array([0., 1., 4., 5.])
"""

from __future__ import annotations

import numpy as np

from autograd.kernels.jit import njit


@njit
def im2col(x, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo):
    N, C, H, W = x.shape
    L = Ho * Wo
    cols = np.empty((C * kh * kw, N * L), dtype=x.dtype)
    for c in range(C):
        for i in range(kh):
            for j in range(kw):
                dst = cols[(c * kh + i) * kw + j]
                off = j * dw - pw
                for n in range(N):
                    plane = x[n, c]
                    for oh in range(Ho):
                        h = oh * sh - ph + i * dh
                        base = n * L + oh * Wo
                        if h < 0 or h >= H:
                            for ow in range(Wo):
                                dst[base + ow] = 0
                            continue
                        src = plane[h]
                        for ow in range(Wo):
                            w = ow * sw + off
                            dst[base + ow] = src[w] if w >= 0 and w < W else 0
    return cols


@njit
def col2im(cols, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo):
    L = Ho * Wo
    N = cols.shape[1] // L
    x = np.zeros((N, C, H, W), dtype=cols.dtype)
    for c in range(C):
        for i in range(kh):
            for j in range(kw):
                src = cols[(c * kh + i) * kw + j]
                off = j * dw - pw
                for n in range(N):
                    plane = x[n, c]
                    for oh in range(Ho):
                        h = oh * sh - ph + i * dh
                        if h < 0 or h >= H:
                            continue
                        dst = plane[h]
                        base = n * L + oh * Wo
                        for ow in range(Wo):
                            w = ow * sw + off
                            if w >= 0 and w < W:
                                dst[w] += src[base + ow]
    return x


@njit
def max_pool2d(x, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo):
    N, C, H, W = x.shape
    out = np.empty((N, C, Ho, Wo), dtype=x.dtype)
    idx = np.zeros((N, C, Ho, Wo), dtype=np.int64)
    for n in range(N):
        for c in range(C):
            for oh in range(Ho):
                for ow in range(Wo):
                    best = -np.inf
                    arg = -1
                    for i in range(kh):
                        h = oh * sh - ph + i * dh
                        if h < 0 or h >= H:
                            continue
                        for j in range(kw):
                            w = ow * sw - pw + j * dw
                            if w < 0 or w >= W:
                                continue
                            v = x[n, c, h, w]
                            if arg < 0 or v > best or (np.isnan(v) and not np.isnan(best)):
                                best = v
                                arg = h * W + w
                    out[n, c, oh, ow] = best
                    idx[n, c, oh, ow] = arg
    return out, idx


@njit
def max_pool2d_backward(g, idx, H, W):
    N, C, Ho, Wo = g.shape
    gx = np.zeros((N, C, H * W), dtype=g.dtype)
    for n in range(N):
        for c in range(C):
            for oh in range(Ho):
                for ow in range(Wo):
                    gx[n, c, idx[n, c, oh, ow]] += g[n, c, oh, ow]
    return gx.reshape(N, C, H, W)


@njit
def pool_gather(u, idx):
    N, C, Ho, Wo = idx.shape
    W = u.shape[3]
    out = np.empty((N, C, Ho, Wo), dtype=u.dtype)
    for n in range(N):
        for c in range(C):
            for oh in range(Ho):
                for ow in range(Wo):
                    k = idx[n, c, oh, ow]
                    out[n, c, oh, ow] = u[n, c, k // W, k % W]
    return out


@njit
def avg_pool2d(x, kh, kw, sh, sw, ph, pw, Ho, Wo, div):
    N, C, H, W = x.shape
    out = np.empty((N, C, Ho, Wo), dtype=x.dtype)
    for n in range(N):
        for c in range(C):
            for oh in range(Ho):
                for ow in range(Wo):
                    s = 0.0
                    for i in range(kh):
                        h = oh * sh - ph + i
                        if h < 0 or h >= H:
                            continue
                        for j in range(kw):
                            w = ow * sw - pw + j
                            if w >= 0 and w < W:
                                s += x[n, c, h, w]
                    out[n, c, oh, ow] = s / div[oh, ow]
    return out


@njit
def avg_pool2d_backward(g, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo, div):
    N, C = g.shape[0], g.shape[1]
    gx = np.zeros((N, C, H, W), dtype=g.dtype)
    for n in range(N):
        for c in range(C):
            for oh in range(Ho):
                for ow in range(Wo):
                    v = g[n, c, oh, ow] / div[oh, ow]
                    for i in range(kh):
                        h = oh * sh - ph + i
                        if h < 0 or h >= H:
                            continue
                        for j in range(kw):
                            w = ow * sw - pw + j
                            if w >= 0 and w < W:
                                gx[n, c, h, w] += v
    return gx


@njit
def embedding_backward(g, idx, n):
    out = np.zeros((n, g.shape[1]), dtype=g.dtype)
    for r in range(idx.shape[0]):
        k = idx[r]
        for d in range(g.shape[1]):
            out[k, d] += g[r, d]
    return out
