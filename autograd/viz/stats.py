"""Short summaries of tensor values and gradients, and the gradient-norm colour scale.

``TensorStats`` holds what a graph drawing says about one array: its L2 norm, how
many NaN/inf it has, mean/std/min/max over the finite values, and the values
themselves when there are only a few (micrograd style). ``grad_colour`` maps a
gradient's norm to a fill colour on a log scale, from vanishing (blue) through
healthy (green) to exploding (orange); NaN/inf is red, an all-zero gradient grey.

Example:
    >>> import numpy as np
    >>> from autograd.viz.stats import TensorStats, grad_colour
    >>> s = TensorStats.of(np.array([3.0, 4.0]))
    >>> s.norm, s.text()
    (5.0, '[3, 4]')
    >>> grad_colour(s)[2]
    'healthy'
    >>> grad_colour(TensorStats.of(np.array([1.0, np.nan])))[2]
    'NaN/inf'
"""

from __future__ import annotations

import math

import numpy as np

SMALL = 4  # tensors with at most this many elements show their values, micrograd style

# (upper bound of the gradient norm, fill colour, font colour, legend text); the last bound is +inf
GRAD_SCALE: tuple = (
    (1e-6, "#2c3e9e", "white", "< 1e-6  vanishing"),
    (1e-4, "#6a8fd8", "white", "1e-6 .. 1e-4  tiny"),
    (1e-2, "#b9d3f0", "black", "1e-4 .. 1e-2  small"),
    (1e2, "#bfe5b0", "black", "1e-2 .. 1e2  healthy"),
    (1e4, "#fdd49e", "black", "1e2 .. 1e4  large"),
    (math.inf, "#e6550d", "white", ">= 1e4  exploding"),
)
NONFINITE = ("#ff1a1a", "white", "NaN/inf")
ZERO = ("#e0e0e0", "black", "zero")
_CATEGORY = {1e-6: "vanishing", 1e-4: "tiny", 1e-2: "small", 1e2: "healthy", 1e4: "large", math.inf: "exploding"}


def fmt(v: float) -> str:
    """A number in 4 significant digits (``nan``/``inf`` spelled out).

    Example:
        >>> from autograd.viz.stats import fmt
        >>> fmt(0.000123456), fmt(2.0), fmt(float("nan"))
        ('0.0001235', '2', 'nan')
    """
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return f"{v:.4g}"


class TensorStats:
    """What a drawing shows about one array (values or a gradient); build it with ``TensorStats.of``."""

    __slots__ = ("shape", "numel", "norm", "n_nan", "n_inf", "mean", "std", "min", "max", "values")

    @classmethod
    def of(cls, arr) -> TensorStats:
        """Summarize an array (or anything ``np.asarray`` takes).

        Example:
            >>> import numpy as np
            >>> from autograd.viz.stats import TensorStats
            >>> s = TensorStats.of(np.arange(10.0))
            >>> s.text()
            'μ 4.5  σ 2.872  [0, 9]'
        """
        a = np.asarray(arr)
        s = cls.__new__(cls)
        s.shape = tuple(a.shape)
        s.numel = int(a.size)
        s.n_nan = s.n_inf = 0
        s.values = None
        s.mean = s.std = s.min = s.max = math.nan
        if a.dtype.kind == "b":
            a = a.astype(np.int64)
        if a.dtype.kind not in "iufc" or a.size == 0:
            s.norm = 0.0 if a.size == 0 else math.nan
            return s
        if a.dtype.kind == "c":
            a = np.abs(a)
        finite = np.isfinite(a)
        if finite.all():
            good = a
        else:
            s.n_nan = int(np.isnan(a).sum())
            s.n_inf = int(a.size - s.n_nan - finite.sum())
            good = a[finite]
        if s.n_nan:
            s.norm = math.nan
        elif s.n_inf:
            s.norm = math.inf
        else:
            s.norm = float(np.sqrt(np.sum(np.square(a, dtype=np.float64))))
        if good.size:
            g64 = good.astype(np.float64, copy=False)
            s.mean, s.std = float(g64.mean()), float(g64.std())
            s.min, s.max = float(g64.min()), float(g64.max())
        if a.size <= SMALL:
            s.values = [float(v) for v in a.reshape(-1)]
        return s

    @property
    def finite(self) -> bool:
        """False when any element is NaN or inf."""
        return self.n_nan == 0 and self.n_inf == 0

    def nonfinite_text(self) -> str:
        """``'3 NaN, 1 inf of 640'`` (empty when all values are finite)."""
        parts = [f"{self.n_nan} NaN"] * bool(self.n_nan) + [f"{self.n_inf} inf"] * bool(self.n_inf)
        return ", ".join(parts) + f" of {self.numel}" if parts else ""

    def text(self) -> str:
        """Values for a few elements (``'[3, 4]'``, ``'0.5'``), else ``'μ mean  σ std  [min, max]'``."""
        if self.numel == 0:
            return "empty"
        if self.values is not None:
            vals = [fmt(v) for v in self.values]
            return vals[0] if self.shape == () else "[" + ", ".join(vals) + "]"
        if math.isnan(self.mean):
            return self.nonfinite_text() or "?"
        body = f"μ {fmt(self.mean)}  σ {fmt(self.std)}  [{fmt(self.min)}, {fmt(self.max)}]"
        bad = self.nonfinite_text()
        return f"{body}  ({bad})" if bad else body

    def grad_text(self) -> str:
        """The gradient line of a node: ``'grad 0.5'``, ``'grad [1, 2]'`` or ``'‖grad‖ 0.0123'``; NaN/inf counted."""
        if self.values is not None and self.finite:
            return "grad " + self.text()
        if not self.finite:
            return f"‖grad‖ {fmt(self.norm)}  ({self.nonfinite_text()})"
        return f"‖grad‖ {fmt(self.norm)}"


def grad_colour(stats: TensorStats | None) -> tuple:
    """``(fill, font colour, category)`` for a gradient; None (no gradient recorded) gives ``(None, None, None)``.

    Categories: ``'NaN/inf'``, ``'zero'``, and from the norm (see ``GRAD_SCALE``): ``'vanishing'`` below
    1e-6, ``'tiny'``, ``'small'``, ``'healthy'`` (1e-2 .. 1e2), ``'large'``, ``'exploding'`` from 1e4.

    Example:
        >>> import numpy as np
        >>> from autograd.viz.stats import TensorStats, grad_colour
        >>> grad_colour(TensorStats.of(np.full(3, 1e-9)))
        ('#2c3e9e', 'white', 'vanishing')
    """
    if stats is None:
        return None, None, None
    if not stats.finite:
        return NONFINITE
    return norm_colour(stats.norm)


def norm_colour(norm: float) -> tuple:
    """``(fill, font colour, category)`` for a finite gradient norm (see ``grad_colour``).

    Example:
        >>> from autograd.viz.stats import norm_colour
        >>> norm_colour(1e5)[2], norm_colour(0.0)[2]
        ('exploding', 'zero')
    """
    if not math.isfinite(norm):
        return NONFINITE
    if norm == 0.0:
        return ZERO
    for bound, fill, font, _ in GRAD_SCALE:
        if norm < bound:
            return fill, font, _CATEGORY[bound]
    return NONFINITE  # pragma: no cover - the last bound is inf
