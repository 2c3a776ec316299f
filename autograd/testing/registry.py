"""The op registry: one list of test cases that drives every gradient check.

An ``OpCase`` says how to call an op (``fn``), on what inputs (``InputSpec``: shape,
value domain, dtype, whether it requires grad), what PyTorch calls the same thing
(``torch_fn``), and which checks apply. ``register`` adds a case; ``cases`` lists
them. The tests, the Numba/NumPy cross-check and ``benchmarks/`` all read this
list, so a new op is covered by one ``register(OpCase(...))`` call (your own
``autograd.Function`` too).

Example:
    >>> import autograd as ag
    >>> from autograd.testing import InputSpec, OpCase, cases, register, unregister
    >>> class Cube(ag.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x.data ** 3
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return g * 3 * x * x
    >>> case = register(OpCase("cube", Cube.apply, [InputSpec((2, 3))], torch_fn=lambda torch, x: x ** 3))
    >>> case.id, [c.id for c in cases("cube")]
    ('cube', ['cube'])
    >>> x = case.make_inputs()[0]
    >>> x.shape, x.dtype, x.requires_grad
    (Size([2, 3]), dtype('float64'), True)
    >>> unregister(case)
"""

from __future__ import annotations

import fnmatch
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..tensor import Tensor, _wrap

# value domains by name: (low, high) for uniform samples; "nonzero" mirrors "positive" with random signs
DOMAINS: dict = {
    "real": (-2.0, 2.0),
    "positive": (0.5, 2.5),
    "nonzero": (0.5, 2.0),
    "unit": (-0.9, 0.9),
    "wide": (-6.0, 6.0),
    "small": (-0.5, 0.5),
}

FAMILIES = (None, "elementwise", "reduce", "reduce1", "dimwise")
"""How Hypothesis may vary a case: ``elementwise`` (any broadcasting shapes for its float inputs),
``reduce`` (one input, ``dim`` an int or tuple, ``keepdim``), ``reduce1`` (``dim`` an int, ``keepdim``),
``dimwise`` (``dim`` an int, no ``keepdim``: softmax)."""

LAYOUTS = ("contiguous", "transposed", "sliced")


@dataclass(frozen=True)
class InputSpec:
    """One input of an ``OpCase``.

    ``domain`` is ``(low, high)`` or a name in ``DOMAINS`` (``"positive"``, ``"nonzero"``,
    ``"unit"``, ...), or ``"distinct"`` (values whose magnitudes are well separated from each
    other and from 0: no ties and no kinks, for max/min/norm), or ``"bool"``. Integer dtypes draw
    integers in ``[low, high)``. ``value`` fixes the values (ties, index arrays, masks).
    ``requires_grad`` defaults to True for floats.

    Example:
        >>> import numpy as np
        >>> from autograd.testing import InputSpec
        >>> InputSpec((3,), "positive").sample(np.random.default_rng(0)).min() > 0
        np.True_
        >>> InputSpec(value=[0, 2, 2], dtype="int64").sample(np.random.default_rng(0))
        array([0, 2, 2])
    """

    shape: tuple = ()
    domain: tuple | str = "real"
    dtype: str = "float64"
    requires_grad: bool | None = None
    value: object = None

    @property
    def is_float(self) -> bool:
        return np.dtype(self.dtype).kind == "f"

    @property
    def grad(self) -> bool:
        """Whether this input requires grad."""
        return self.is_float if self.requires_grad is None else bool(self.requires_grad and self.is_float)

    def sample(self, rng: np.random.Generator, shape: tuple | None = None, dtype=None) -> np.ndarray:
        """Draw an array for this input (``shape``/``dtype`` override the spec's)."""
        dt = np.dtype(dtype if dtype is not None and self.is_float else self.dtype)
        if self.value is not None:
            return np.array(self.value, dtype=dt)
        return np.asarray(self._draw(rng, self.shape if shape is None else shape, dt))

    def _draw(self, rng: np.random.Generator, shape: tuple, dt: np.dtype):
        shape = tuple(shape)
        n = int(np.prod(shape, dtype=np.int64))
        dom = self.domain
        if dt == np.bool_ or dom == "bool":
            return (rng.random(shape) < 0.5).astype(dt)
        if dt.kind in "iu":
            lo, hi = dom if isinstance(dom, tuple) else (0, 4)
            return rng.integers(lo, hi, size=shape).astype(dt)
        if dom == "distinct":  # magnitudes at least 0.8/(n+1) apart and from 0: no ties, no kinks, even in |x|
            mags = (rng.permutation(n) + 1 + rng.uniform(-0.3, 0.3, n)) * (2.0 / (n + 1))
            return (mags * rng.choice([-1.0, 1.0], size=n)).reshape(shape).astype(dt)
        lo, hi = dom if isinstance(dom, tuple) else DOMAINS[dom]
        vals = rng.uniform(lo, hi, size=shape)
        if dom == "nonzero":
            vals *= rng.choice([-1.0, 1.0], size=shape)
        return vals.astype(dt)


@dataclass
class OpCase:
    """One way to call one op, and which checks apply to it.

    - ``fn(*inputs, **kwargs)`` runs the op with autograd; ``torch_fn(torch, *inputs, **kwargs)`` runs
      the same with PyTorch tensors (None: no PyTorch counterpart).
    - ``label`` tells cases of one op apart (``id`` is ``name[label]``); ``covers`` lists further
      public names (``"Tensor.__radd__"``, ``"concat"``) that this case exercises.
    - ``nondiff``: the op has no gradient (comparisons, argmax); only values are checked.
    - ``gradcheck`` / ``gradgrad``: run first / second order finite-difference checks
      (off for inputs at kinks or ties, where only PyTorch's choice of subgradient is checked).
    - ``atol``, ``rtol``, ``eps``: gradcheck tolerances; ``torch_atol``, ``torch_rtol``: PyTorch agreement.
    - ``family``: how Hypothesis may vary shapes and dims (see ``FAMILIES``).
    - ``dtypes``: the float dtypes the checks may run the case in (float64-only where float32 cannot
      resolve a finite difference, e.g. logits of 1e4).

    Example:
        >>> import autograd as ag
        >>> from autograd.testing import InputSpec, OpCase
        >>> c = OpCase("exp", ag.exp, [InputSpec((2,))], torch_fn=lambda torch, x: torch.exp(x))
        >>> c.id, c.run(c.make_inputs())[0].shape
        ('exp', Size([2]))
    """

    name: str
    fn: Callable
    inputs: Sequence[InputSpec] = ()
    kwargs: dict = field(default_factory=dict)
    torch_fn: Callable | None = None
    label: str = ""
    covers: tuple = ()
    nondiff: bool = False
    gradcheck: bool = True
    gradgrad: bool = True
    atol: float = 1e-5
    rtol: float = 1e-3
    eps: float = 1e-6
    torch_atol: float | None = None
    torch_rtol: float | None = None
    family: str | None = None
    seed: int | None = None
    dtypes: tuple = ("float64", "float32")

    def __post_init__(self) -> None:
        self.inputs = tuple(self.inputs)
        self.covers = tuple(self.covers)
        if self.family not in FAMILIES:
            raise ValueError(f"OpCase {self.name!r}: family must be one of {FAMILIES}, got {self.family!r}")
        if self.nondiff:
            self.gradcheck = self.gradgrad = False

    @property
    def id(self) -> str:
        """``name`` or ``name[label]``: unique in the registry."""
        return f"{self.name}[{self.label}]" if self.label else self.name

    @property
    def differentiable(self) -> bool:
        """Whether any input requires grad and the op has a gradient."""
        return not self.nondiff and any(s.grad for s in self.inputs)

    def make_inputs(self, dtype=None, shapes: Sequence | None = None, layouts: Sequence | None = None,
                    seed: int | None = None) -> list:
        """Fresh input tensors: float inputs in ``dtype`` (default: the spec's), given ``shapes`` and
        ``layouts`` (``contiguous``, ``transposed``: a transposed view, ``sliced``: every other element)."""
        rng = np.random.default_rng(self._seed() if seed is None else seed)
        out = []
        for i, spec in enumerate(self.inputs):
            shape = None if shapes is None else shapes[i]
            arr = spec.sample(rng, shape, dtype)
            arr = strided(arr, "contiguous" if layouts is None else layouts[i])
            out.append(_wrap(arr, None, spec.grad))
        return out

    def run(self, inputs: Sequence, **overrides) -> list:
        """Call ``fn`` and return its outputs as a list (Tensors and plain values)."""
        return flatten_outputs(self.fn(*inputs, **{**self.kwargs, **overrides}))

    def run_torch(self, torch, inputs: Sequence, **overrides) -> list:
        """Call ``torch_fn`` on PyTorch copies of ``inputs`` (made with ``to_torch``)."""
        return flatten_outputs(self.torch_fn(torch, *inputs, **{**self.kwargs, **overrides}))

    def with_(self, **changes) -> OpCase:
        """A copy with some fields changed (``case.with_(inputs=[...])``)."""
        return replace(self, **changes)

    def _seed(self) -> int:
        return self.seed if self.seed is not None else zlib.crc32(self.id.encode())


def strided(arr: np.ndarray, layout: str) -> np.ndarray:
    """``arr``'s values in a non-contiguous array: ``transposed`` (a transposed view of a copy),
    ``sliced`` (every other element of a larger array), or ``contiguous`` (``arr`` itself)."""
    if layout == "contiguous" or arr.ndim == 0:
        return arr
    if layout == "transposed":
        return np.ascontiguousarray(arr.T).T
    if layout == "sliced":
        big = np.zeros(tuple(2 * n for n in arr.shape), dtype=arr.dtype)
        view = big[tuple(slice(None, None, 2) for _ in arr.shape)]
        view[...] = arr
        return view
    raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")


def flatten_outputs(out) -> list:
    """An op's result as a flat list (tuples, namedtuples and lists are unpacked)."""
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(flatten_outputs(o))
        return res
    return [out]


def to_torch(torch, inputs: Sequence, requires_grad: bool = True) -> list:
    """PyTorch copies of autograd tensors (same dtype, contiguous, same ``requires_grad``)."""
    res = []
    for t in inputs:
        if isinstance(t, Tensor):
            tt = torch.from_numpy(np.array(t.data, copy=True, order="C"))
            if requires_grad and t.requires_grad:
                tt.requires_grad_(True)
            res.append(tt)
        else:
            res.append(t)
    return res


# ---- the registry ------------------------------------------------------------------
_REGISTRY: dict = {}


def register(case: OpCase) -> OpCase:
    """Add a case to the registry (its ``id`` must be new) and return it.

    Example:
        >>> import autograd as ag
        >>> from autograd.testing import InputSpec, OpCase, register, unregister
        >>> c = register(OpCase("square", ag.square, [InputSpec((3,))], label="mine"))
        >>> c.id
        'square[mine]'
        >>> unregister(c)
    """
    if not isinstance(case, OpCase):
        raise TypeError(f"register: expected an OpCase, got {type(case).__name__}")
    if case.id in _REGISTRY:
        raise ValueError(f"register: a case with id {case.id!r} is already registered (give it a distinct label)")
    _REGISTRY[case.id] = case
    return case


def register_all(cases_: Iterable[OpCase]) -> list:
    """Register several cases at once; returns them."""
    return [register(c) for c in cases_]


def unregister(case: OpCase | str) -> None:
    """Remove a case (or the case with this id) from the registry."""
    _REGISTRY.pop(case.id if isinstance(case, OpCase) else case, None)


def cases(filter: str | Callable | None = None) -> list:  # noqa: A002  (the name users expect)
    """The registered cases, in registration order.

    ``filter`` is a callable ``case -> bool``, or a string matched against the case's
    ``name`` exactly or its ``id`` as a glob (``"sum"``, ``"sum[*"``, ``"*softmax*"``).

    Example:
        >>> from autograd.testing import cases
        >>> all(c.name == "matmul" for c in cases("matmul"))
        True
    """
    found = list(_REGISTRY.values())
    if filter is None:
        return found
    if callable(filter):
        return [c for c in found if filter(c)]
    return [c for c in found if c.name == filter or fnmatch.fnmatchcase(c.id, filter)]


def covered_names() -> set:
    """Every public name some case exercises (its ``name`` and its ``covers``)."""
    names = set()
    for c in _REGISTRY.values():
        names.add(c.name)
        names.update(c.covers)
    return names
