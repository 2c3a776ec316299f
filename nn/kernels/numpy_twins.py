"""NumPy twins of the image kernels (the reference, and the path under ``AUTOGRAD_KERNELS=numpy``).

Same names and signatures as ``nn.kernels.numba_kernels``. Arrays are ``(N, C, H, W)``;
``cols`` is ``(C*kh*kw, N*Ho*Wo)``: rows ordered ``(c, i, j)``, columns ``(n, oh, ow)``, so that
``weight.reshape(O, -1) @ cols`` is the whole batch's convolution in one product. Pooling indices are flat
positions ``h * W + w`` in each input plane (as PyTorch's ``return_indices``).

Example:
    >>> import numpy as np
    >>> from nn.kernels import numpy_twins as K
    >>> x = np.arange(16.0).reshape(1, 1, 4, 4)
    >>> K.im2col(x, 2, 2, 2, 2, 0, 0, 1, 1, 2, 2)[:, 0]
    array([0., 1., 4., 5.])
"""

from __future__ import annotations

import numpy as np


def _window(a: np.ndarray, i: int, j: int, sh: int, sw: int, dh: int, dw: int, Ho: int, Wo: int) -> np.ndarray:
    """The (Ho, Wo) strided slice of padded ``a`` seen by kernel offset (i, j)."""
    return a[:, :, i * dh : i * dh + sh * (Ho - 1) + 1 : sh, j * dw : j * dw + sw * (Wo - 1) + 1 : sw]


def _pad(x: np.ndarray, ph: int, pw: int, Hp: int, Wp: int, value: float) -> np.ndarray:
    N, C, H, W = x.shape
    out = np.full((N, C, Hp, Wp), value, dtype=x.dtype)
    out[:, :, ph : ph + H, pw : pw + W] = x
    return out


def im2col(x, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo):
    N, C, H, W = x.shape
    xp = _pad(x, ph, pw, _span(H, ph, Ho, sh, kh, dh), _span(W, pw, Wo, sw, kw, dw), 0)
    cols = np.empty((C, kh, kw, N, Ho, Wo), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, i, j] = _window(xp, i, j, sh, sw, dh, dw, Ho, Wo).transpose(1, 0, 2, 3)
    return cols.reshape(C * kh * kw, N * Ho * Wo)


def col2im(cols, C, H, W, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo):
    N = cols.shape[1] // (Ho * Wo)
    xp = np.zeros((N, C, _span(H, ph, Ho, sh, kh, dh), _span(W, pw, Wo, sw, kw, dw)), dtype=cols.dtype)
    c6 = cols.reshape(C, kh, kw, N, Ho, Wo)
    for i in range(kh):
        for j in range(kw):
            _window(xp, i, j, sh, sw, dh, dw, Ho, Wo)[...] += c6[:, i, j].transpose(1, 0, 2, 3)
    return np.ascontiguousarray(xp[:, :, ph : ph + H, pw : pw + W])


def _span(n: int, p: int, n_out: int, s: int, k: int, d: int) -> int:
    """The padded length that every window fits in."""
    return max(n + 2 * p, (n_out - 1) * s + (k - 1) * d + 1)


def max_pool2d(x, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo):
    N, C, H, W = x.shape
    Hp = max(H + 2 * ph, (Ho - 1) * sh + (kh - 1) * dh + 1)
    Wp = max(W + 2 * pw, (Wo - 1) * sw + (kw - 1) * dw + 1)
    xp = _pad(x, ph, pw, Hp, Wp, -np.inf)
    pos = np.arange(Hp * Wp, dtype=np.int64).reshape(1, 1, Hp, Wp)
    inside = _pad(np.ones((1, 1, H, W), dtype=bool), ph, pw, Hp, Wp, False)
    out = np.full((N, C, Ho, Wo), -np.inf, dtype=x.dtype)
    arg = np.full((N, C, Ho, Wo), -1, dtype=np.int64)
    for i in range(kh):
        for j in range(kw):
            v = _window(xp, i, j, sh, sw, dh, dw, Ho, Wo)
            take = (v > out) | (np.isnan(v) & ~np.isnan(out)) | ((arg < 0) & _window(inside, i, j, sh, sw, dh, dw, Ho, Wo))
            out = np.where(take, v, out)
            arg = np.where(take, _window(pos, i, j, sh, sw, dh, dw, Ho, Wo), arg)
    hp, wp = np.divmod(arg, Wp)
    return out, (hp - ph) * W + (wp - pw)


def max_pool2d_backward(g, idx, H, W):
    N, C = g.shape[:2]
    flat = (idx.reshape(N * C, -1) + (np.arange(N * C, dtype=np.int64) * (H * W))[:, None]).ravel()
    gx = np.bincount(flat, weights=g.reshape(-1).astype(np.float64), minlength=N * C * H * W)
    return gx.astype(g.dtype).reshape(N, C, H, W)


def pool_gather(u, idx):
    N, C = idx.shape[:2]
    return np.take_along_axis(u.reshape(N, C, -1), idx.reshape(N, C, -1), axis=2).reshape(idx.shape)


def avg_pool2d(x, kh, kw, sh, sw, ph, pw, Ho, Wo, div):
    N, C, H, W = x.shape
    xp = _pad(x, ph, pw, max(H + 2 * ph, (Ho - 1) * sh + kh), max(W + 2 * pw, (Wo - 1) * sw + kw), 0)
    acc = np.zeros((N, C, Ho, Wo), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            acc += _window(xp, i, j, sh, sw, 1, 1, Ho, Wo)
    return (acc / div).astype(x.dtype, copy=False)


def avg_pool2d_backward(g, H, W, kh, kw, sh, sw, ph, pw, Ho, Wo, div):
    N, C = g.shape[:2]
    Hp, Wp = max(H + 2 * ph, (Ho - 1) * sh + kh), max(W + 2 * pw, (Wo - 1) * sw + kw)
    gp = np.zeros((N, C, Hp, Wp), dtype=g.dtype)
    gd = (g / div).astype(g.dtype, copy=False)
    for i in range(kh):
        for j in range(kw):
            _window(gp, i, j, sh, sw, 1, 1, Ho, Wo)[...] += gd
    return np.ascontiguousarray(gp[:, :, ph : ph + H, pw : pw + W])


def embedding_backward(g, idx, n):
    out = np.zeros((n, g.shape[1]), dtype=g.dtype)
    np.add.at(out, idx, g)
    return out
