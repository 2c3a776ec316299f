"""Kernels on plain arrays: Numba-compiled, with a NumPy twin for each.

``AUTOGRAD_KERNELS=numpy`` in the environment runs the whole library on the twins.
Ops call kernels through this module (``from autograd import kernels as K; K.relu(x)``)
so the choice is made once, here.

Example:
    >>> import numpy as np
    >>> from autograd import kernels as K
    >>> K.relu(np.array([-1.0, 2.0]))
    array([0., 2.])
"""

from __future__ import annotations

import os

from . import numpy_twins

BACKEND = os.environ.get("AUTOGRAD_KERNELS", "numba").strip().lower()

_NAMES = [n for n in dir(numpy_twins) if not n.startswith("_") and callable(getattr(numpy_twins, n))]
_NAMES = [n for n in _NAMES if getattr(numpy_twins, n).__module__ == numpy_twins.__name__]

for _n in _NAMES:
    globals()[_n] = getattr(numpy_twins, _n)

if BACKEND == "numba":
    try:
        from . import dispatch as _dispatch
    except ImportError:  # numba kernels not available: stay on the twins
        BACKEND = "numpy"
    else:
        for _n, _f in _dispatch.kernels().items():
            globals()[_n] = _f
