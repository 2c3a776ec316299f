"""``Tensor``: one NumPy array plus what autograd needs to differentiate through it.

The arithmetic, reduction and shape methods are attached by ``autograd.methods`` from
the op modules, so this file only holds state and the non-differentiable basics.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> x.shape, x.dtype, x.is_leaf
    (Size([2, 2]), dtype('float32'), True)
    >>> (x * x).sum().backward(); x.grad
    tensor([[2., 4.],
            [6., 8.]])
"""

from __future__ import annotations

import numpy as np

from . import dtypes as _dt
from . import views as _views

_new = object.__new__


def _wrap(data: np.ndarray, grad_fn, requires_grad: bool):
    """Fast internal constructor: no checks, no copies."""
    t = _new(Tensor)
    t.data = data
    t.requires_grad = requires_grad
    t.grad = None
    t.grad_fn = grad_fn
    t._version = 0
    t._oi = 0
    t._hooks = None
    return t


def to_array(data, dtype=None, copy: bool = True) -> np.ndarray:
    """Turn user data (nested lists, scalars, arrays, Tensors) into an array with PyTorch's dtype rules."""
    if isinstance(data, Tensor):
        data = data.data
    dtype = _dt.to_dtype(dtype)
    if isinstance(data, np.generic):  # a NumPy scalar keeps its dtype, as in torch.tensor
        data = np.asarray(data)
    if isinstance(data, np.ndarray):
        arr = np.array(data, dtype=dtype, copy=copy) if (copy or dtype is not None) else data
    else:
        arr = np.array(data, dtype=dtype)
        if dtype is None and arr.dtype.kind == "f":
            arr = arr.astype(_dt.get_default_dtype())
        elif dtype is None and arr.dtype.kind in "iu":
            arr = arr.astype(np.int64)
    if arr.dtype.kind in "OUS":
        raise TypeError(f"tensor: cannot build a tensor from data of type {arr.dtype} (got {type(data).__name__})")
    return arr


class Size(tuple):
    """A tensor's shape: a tuple, as ``torch.Size`` is.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2, 3).size()
        Size([2, 3])
    """

    def __repr__(self) -> str:
        return f"Size({list(self)})"

    def numel(self) -> int:
        return int(np.prod(self, dtype=np.int64))


class Tensor:
    """An n-dimensional array that records the operations applied to it.

    Build tensors with ``autograd.tensor`` and the creation functions; ``Tensor(data)``
    works too and copies ``data``.

    Example:
        >>> import autograd as ag
        >>> ag.Tensor([1.0, 2.0]).sum()
        tensor(3.)
    """

    __slots__ = ("data", "requires_grad", "grad", "grad_fn", "_version", "_oi", "_hooks", "__weakref__")
    __array_priority__ = 1000  # ndarray (op) Tensor defers to Tensor's reflected operators

    def __init__(self, data, requires_grad: bool = False, dtype=None) -> None:
        self.data = to_array(data, dtype)
        self.requires_grad = False
        self.grad = None
        self.grad_fn = None
        self._version = 0
        self._oi = 0
        self._hooks = None
        if requires_grad:
            self.requires_grad_(True)

    # ---- properties ------------------------------------------------------------------
    @property
    def shape(self) -> Size:
        return Size(self.data.shape)

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def device(self) -> str:
        return "cpu"

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    def is_floating_point(self) -> bool:
        """True for float dtypes."""
        return self.data.dtype.kind == "f"

    def size(self, dim: int | None = None):
        """The shape, or the size along ``dim``."""
        if dim is None:
            return Size(self.data.shape)
        return self.data.shape[_norm_dim(dim, self.data.ndim, "size")]

    def dim(self) -> int:
        """Number of dimensions."""
        return self.data.ndim

    def numel(self) -> int:
        """Number of elements."""
        return self.data.size

    def element_size(self) -> int:
        """Bytes per element."""
        return self.data.itemsize

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    # ---- conversion ------------------------------------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self.data.size} elements cannot be converted to Scalar (shape {tuple(self.data.shape)})"
            )
        return self.data.reshape(()).item()

    def numpy(self) -> np.ndarray:
        """The underlying array (shared memory), for tensors that do not require grad."""
        if self.requires_grad:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self.data

    def tolist(self):
        """Nested Python lists (or a number for 0-d tensors)."""
        return self.data.tolist()

    def __array__(self, dtype=None, copy=None):
        return self.data if dtype is None else self.data.astype(dtype)

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(f"Boolean value of Tensor with {self.data.size} elements is ambiguous")
        return bool(self.data.reshape(()).item())

    __hash__ = object.__hash__

    # ---- autograd state ----------------------------------------------------------------
    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set ``requires_grad`` in place (leaf tensors only, floating dtypes only)."""
        if requires_grad and self.data.dtype.kind not in "fc":
            raise RuntimeError(
                f"only Tensors of floating point dtype can require gradients (got {self.data.dtype})"
            )
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach()."
            )
        self.requires_grad = bool(requires_grad)
        return self

    def detach(self) -> Tensor:
        """A tensor sharing the data (and, as in PyTorch, the version counter), cut from the graph."""
        t = _wrap(self.data, None, False)
        _views.link(t, self)
        return t

    def detach_(self) -> Tensor:
        """Cut this tensor from the graph in place."""
        self.grad_fn = None
        self.requires_grad = False
        return self

    def retain_grad(self) -> None:
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self.retains_grad:
            return
        self.register_hook(_RetainGrad(self))

    @property
    def retains_grad(self) -> bool:
        """Whether ``retain_grad()`` was called on this non-leaf tensor."""
        hooks = self.grad_fn.hooks if self.grad_fn is not None else None
        return bool(hooks) and any(isinstance(h, _RetainGrad) and h.ref() is self for _, h in hooks)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; a returned tensor replaces it.

        Returns a handle with ``remove()``.
        """
        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
            entry = hook
        else:
            fn = self.grad_fn
            if fn.hooks is None:
                fn.hooks = []
            hooks = fn.hooks
            entry = (self._oi, hook)
        hooks.append(entry)
        return _HookHandle(hooks, entry)

    def backward(self, gradient=None, retain_graph: bool | None = None, create_graph: bool = False, inputs=None) -> None:
        """Accumulate d(self)/d(leaf) into every leaf's ``.grad`` (see ``autograd.backward``)."""
        from .engine import backward

        backward([self], None if gradient is None else [gradient], retain_graph, create_graph, inputs)

    # ---- representation ----------------------------------------------------------------
    def __repr__(self) -> str:
        d = self.data
        mode = "maxprec"
        if d.dtype.kind == "f":
            finite = d[np.isfinite(d)]
            mode = "maxprec" if finite.size == 0 or (finite == np.round(finite)).all() else "fixed"
        body = np.array2string(d, separator=", ", prefix="tensor(", precision=4, threshold=1000, edgeitems=3, floatmode=mode)
        extras = []
        default = _dt.get_default_dtype()
        if self.data.dtype not in (default, np.dtype(np.int64), np.dtype(np.bool_)) or (
            self.data.size == 0 and self.data.dtype != default  # as PyTorch: an empty tensor cannot show its dtype
        ):
            extras.append(f"dtype={self.data.dtype}")
        if self.data.size == 0 and self.data.ndim != 1:
            extras.append(f"size={tuple(self.data.shape)}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + body + "".join(", " + e for e in extras) + ")"

    __str__ = __repr__


class _RetainGrad:
    """The hook behind ``retain_grad``: stores the gradient on the (weakly held) tensor."""

    __slots__ = ("ref",)

    def __init__(self, t: Tensor) -> None:
        import weakref

        self.ref = weakref.ref(t)

    def __call__(self, grad: Tensor) -> None:
        t = self.ref()
        if t is not None:
            t.grad = _wrap(grad.data.copy() if t.grad is None else t.grad.data + grad.data, None, False)


class _HookHandle:
    __slots__ = ("_hooks", "_entry")

    def __init__(self, hooks: list, entry) -> None:
        self._hooks = hooks
        self._entry = entry

    def remove(self) -> None:
        """Unregister the hook."""
        if self._entry in self._hooks:
            self._hooks.remove(self._entry)


def _norm_dim(dim: int, ndim: int, op: str) -> int:
    n = max(ndim, 1)
    if not -n <= dim < n:
        raise IndexError(f"{op}: Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim % n
