"""Image kernels for ``nn`` (convolution and pooling), chosen once: Numba, or the NumPy twins
when ``AUTOGRAD_KERNELS=numpy`` (autograd's switch) is set.

``im2col`` uses the Numba loop up to ``IM2COL_NUMBA_MAX`` output elements and the NumPy twin
(kh*kw strided slice copies) above it, where the twin measured faster (the loop falls out of
cache); ``col2im`` and pooling use the Numba loops.

Example:
    >>> import numpy as np
    >>> from nn import kernels as K
    >>> out, idx = K.max_pool2d(np.arange(16.0).reshape(1, 1, 4, 4), 2, 2, 2, 2, 0, 0, 1, 1, 2, 2)
    >>> out[0, 0].tolist(), idx[0, 0].tolist()
    ([[5.0, 7.0], [13.0, 15.0]], [[5, 7], [13, 15]])
"""

from __future__ import annotations

from autograd import kernels as _autograd_kernels

from . import numpy_twins

BACKEND = _autograd_kernels.BACKEND

NAMES = (
    "im2col",
    "col2im",
    "max_pool2d",
    "max_pool2d_backward",
    "pool_gather",
    "avg_pool2d",
    "avg_pool2d_backward",
    "embedding_backward",
)

for _n in NAMES:
    globals()[_n] = getattr(numpy_twins, _n)

IM2COL_NUMBA_MAX = 1 << 22

if BACKEND == "numba":
    from . import numba_kernels as _nk

    for _n in NAMES[1:]:
        globals()[_n] = getattr(_nk, _n)

    def im2col(x, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo):
        """``(C*kh*kw, N*Ho*Wo)`` columns of ``x`` (Numba for small outputs, the NumPy twin for large)."""
        if x.shape[0] * x.shape[1] * kh * kw * Ho * Wo <= IM2COL_NUMBA_MAX:
            return _nk.im2col(x, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo)
        return numpy_twins.im2col(x, kh, kw, sh, sw, ph, pw, dh, dw, Ho, Wo)
