"""Which implementation each kernel uses at each size: Numba where it was measured faster, else the twin.

``kernels()`` returns ``{name: callable}`` with the twins' signatures. Each callable runs the
Numba loop when the array's element count ``n`` satisfies ``lo <= n < hi`` (and dtype/layout
allow), and the NumPy twin otherwise. The cost of the choice is one ``size`` comparison.

``THRESHOLDS`` were measured with ``python -m benchmarks.kernel_thresholds`` on the 2-core
development machine (AMD EPYC Zen 4, KVM; numpy 2.4, numba 0.68); the figures are in the
comment beside each entry (twin time / Numba time, float32, at the sizes named). Re-run the
script on another machine to re-measure; it prints a dict in this format.

Example:
    >>> import numpy as np
    >>> from autograd.kernels import dispatch
    >>> k = dispatch.kernels()
    >>> k["relu"](np.array([-2.0, 3.0]))
    array([0., 3.])
"""

from __future__ import annotations

from . import numba_kernels as _nk

_INF = float("inf")

# name: (lo, hi). Numba runs for lo <= element count < hi; the twin elsewhere; (0, 0): always the twin.
# Measured 2026-05 (load ~3-5 from other jobs on the 2 cores): the longest run of sizes in
# 1, 16, 64, ..., 1048576 where Numba was >= 1.1x faster than the twin in float32 AND float64.
# Comments: float32 twin time / Numba time at 1, 1024, 65536 and 1048576 elements.
# Softmax kernels are timed on rows of 128. tanh: np.tanh's SIMD loop beats our fused loop
# (float32 at 1e6: 0.15x), so the twin always; softplus loses from ~1e3 (scalar log1p).
THRESHOLDS: dict[str, tuple[int, float]] = {
    "relu": (1_024, _INF),  # f32 twin/numba 1: 0.9x, 1024: 1.2x, 65536: 4.0x, 1e6: 4.1x
    "relu_backward": (0, _INF),  # f32 twin/numba 1: 1.6x, 1024: 2.2x, 65536: 18.2x, 1e6: 23.1x
    "leaky_relu": (0, _INF),  # f32 twin/numba 1: 1.8x, 1024: 2.3x, 65536: 19.3x, 1e6: 28.4x
    "leaky_relu_backward": (0, _INF),  # f32 twin/numba 1: 1.5x, 1024: 1.9x, 65536: 17.8x, 1e6: 79.0x
    "elu": (0, 16_384),  # f32 twin/numba 1: 2.4x, 1024: 1.5x, 65536: 1.8x, 1e6: 2.2x
    "elu_backward": (0, _INF),  # f32 twin/numba 1: 2.2x, 1024: 1.9x, 65536: 2.9x, 1e6: 3.5x
    "sigmoid": (0, _INF),  # f32 twin/numba 1: 4.4x, 1024: 2.7x, 65536: 2.5x, 1e6: 3.4x
    "sigmoid_backward": (0, _INF),  # f32 twin/numba 1: 4.4x, 1024: 2.9x, 65536: 2.6x, 1e6: 5.9x
    "tanh": (0, 0),  # f32 twin/numba 1: 0.5x, 1024: 0.3x, 65536: 0.1x, 1e6: 0.1x
    "tanh_backward": (0, 256),  # f32 twin/numba 1: 1.3x, 1024: 0.8x, 65536: 0.4x, 1e6: 0.4x
    "silu": (0, _INF),  # f32 twin/numba 1: 4.9x, 1024: 2.8x, 65536: 2.5x, 1e6: 7.3x
    "silu_backward": (0, _INF),  # f32 twin/numba 1: 5.0x, 1024: 3.0x, 65536: 2.4x, 1e6: 6.3x
    "softplus": (0, 256),  # f32 twin/numba 1: 2.4x, 1024: 0.4x, 65536: 0.5x, 1e6: 0.4x
    "softplus_backward": (0, _INF),  # f32 twin/numba 1: 4.2x, 1024: 2.9x, 65536: 2.7x, 1e6: 6.7x
    # gelu: the Numba loops inline a vectorizing fdlibm erf (math.erf before: 2.5x and 1.4x at 1e6); the twin
    # uses the NumPy erf of kernels/special.py
    "gelu": (0, _INF),  # f32 twin/numba 1: 3.7x, 1024: 10.3x, 65536: 11.0x, 1e6: 10.1x
    "gelu_backward": (0, _INF),  # f32 twin/numba 1: 4.3x, 1024: 9.2x, 65536: 7.9x, 1e6: 8.5x
    "softmax_lastdim": (0, 4_096),  # f32 twin/numba 1: 3.1x, 1024: 1.7x, 65536: 0.7x, 1e6: 0.7x
    "log_softmax_lastdim": (0, 4_096),  # f32 twin/numba 1: 2.9x, 1024: 1.8x, 65536: 0.8x, 1e6: 0.7x
    "softmax_backward_lastdim": (0, _INF),  # f32 twin/numba 1: 1.4x, 1024: 1.9x, 65536: 2.6x, 1e6: 2.5x
    "log_softmax_backward_lastdim": (0, 4_096),  # f32 twin/numba 1: 1.2x, 1024: 1.2x, 65536: 0.6x, 1e6: 0.7x
    "bias_act": (0, _INF),  # f32 twin/numba 1: 2.0x, 1024: 2.2x, 65536: 8.5x, 1e6: 13.0x
}


def kernels() -> dict:
    """``{name: kernel}`` for every kernel, each choosing Numba or its twin by element count.

    Example:
        >>> from autograd.kernels import dispatch
        >>> sorted(dispatch.kernels())[:2]
        ['bias_act', 'elu']
    """
    return {name: _nk.build(name, lo, hi) for name, (lo, hi) in THRESHOLDS.items()}
