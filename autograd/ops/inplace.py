"""In-place ops (``add_ sub_ mul_ div_ zero_ fill_ copy_ clamp_`` and ``x[i] = v``) with the version counter.

Under ``no_grad`` (optimizer updates) and on tensors outside any graph they write
into the array itself. When the graph is involved they record the out-of-place op
and rebind the tensor to its result, as PyTorch rebases history; either way the
version counter goes up, so a backward that saved the old value raises.

Example:
    >>> import autograd as ag
    >>> w = ag.ones(2, requires_grad=True)
    >>> with ag.no_grad():
    ...     _ = w.sub_(0.5)
    >>> w
    tensor([0.5000, 0.5000], requires_grad=True)
"""

from __future__ import annotations

import numpy as np

from .. import views as _views
from ..grad_mode import state as _grad
from ..tensor import Tensor, _wrap
from . import arithmetic as A
from .index import IndexPut, normalize_index


def _records(self: Tensor, other=None) -> bool:
    if not _grad.enabled:
        return False
    return self.requires_grad or (isinstance(other, Tensor) and other.requires_grad)


def _check_leaf(self: Tensor, op: str) -> None:
    if self.requires_grad and self.grad_fn is None:
        raise RuntimeError(
            f"{op}: a leaf Variable that requires grad is being used in an in-place operation. "
            "Wrap the update in `with ag.no_grad():` (as optimizers do)."
        )


def _rebind(self: Tensor, result: Tensor, op: str) -> Tensor:
    if result.data.shape != self.data.shape:
        raise RuntimeError(
            f"{op}: output with shape {tuple(self.data.shape)} doesn't match the broadcast shape {tuple(result.data.shape)}"
        )
    if result.data.dtype != self.data.dtype:
        if self.data.dtype.kind != "f" and result.data.dtype.kind == "f":
            raise RuntimeError(
                f"{op}: result type {result.data.dtype} can't be cast to the desired output type {self.data.dtype}"
            )
        result = result.to(self.data.dtype)
    self.data = result.data  # a new array: no longer shared with any view or base
    self.grad_fn = result.grad_fn
    self._oi = result._oi
    self.requires_grad = result.requires_grad
    _views.unlink(self)
    self._version += 1
    return self


def _alias(self: Tensor) -> Tensor:
    """A second handle on ``self``'s current value and graph position (the value before the in-place op)."""
    t = _wrap(self.data, self.grad_fn, self.requires_grad)
    t._oi = self._oi
    return t


def _inplace_binary(self: Tensor, other, fn, ufunc, op: str) -> Tensor:
    if _records(self, other):
        _check_leaf(self, op)
        try:
            result = fn(_alias(self), other)
        except RuntimeError as e:
            raise RuntimeError(f"{op}: {e}") from None
        return _rebind(self, result, op)
    o = other.data if isinstance(other, Tensor) else other
    if self.data.dtype.kind != "f" and (isinstance(o, float) or (isinstance(o, np.ndarray) and o.dtype.kind == "f")):
        raise RuntimeError(f"{op}: result type Float can't be cast to the desired output type {self.data.dtype}")
    try:
        if not self.data.flags.writeable:  # a read-only (broadcast) view: write into a copy of its own
            self.data = self.data.copy()
            _views.unlink(self)
        ufunc(self.data, o, out=self.data, casting="unsafe")
    except ValueError:
        raise RuntimeError(
            f"{op}: output with shape {tuple(self.data.shape)} doesn't match the broadcast shape "
            f"{np.broadcast_shapes(self.data.shape, np.shape(o)) if _broadcastable(self.data, o) else np.shape(o)}"
        ) from None
    _views.bump(self)
    return self


def _broadcastable(a, b) -> bool:
    try:
        np.broadcast_shapes(np.shape(a), np.shape(b))
        return True
    except ValueError:
        return False


def add_(self: Tensor, other, alpha=1) -> Tensor:
    """``self += alpha * other`` in place.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2).add_(1)
        tensor([1., 1.])
    """
    if alpha != 1:
        other = other * alpha
    return _inplace_binary(self, other, A.add, np.add, "add_")


def sub_(self: Tensor, other, alpha=1) -> Tensor:
    """``self -= alpha * other`` in place.

    Example:
        >>> import autograd as ag
        >>> ag.ones(2).sub_(1)
        tensor([0., 0.])
    """
    if alpha != 1:
        other = other * alpha
    return _inplace_binary(self, other, A.sub, np.subtract, "sub_")


def mul_(self: Tensor, other) -> Tensor:
    """``self *= other`` in place.

    Example:
        >>> import autograd as ag
        >>> ag.ones(2).mul_(3)
        tensor([3., 3.])
    """
    return _inplace_binary(self, other, A.mul, np.multiply, "mul_")


def div_(self: Tensor, other) -> Tensor:
    """``self /= other`` in place (float tensors).

    Example:
        >>> import autograd as ag
        >>> ag.ones(2).div_(4)
        tensor([0.2500, 0.2500])
    """
    if self.data.dtype.kind != "f":
        raise RuntimeError(f"div_: result type Float can't be cast to the desired output type {self.data.dtype}")
    return _inplace_binary(self, other, A.div, np.true_divide, "div_")


def fill_(self: Tensor, value) -> Tensor:
    """Set every element to ``value``.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2).fill_(7)
        tensor([7., 7.])
    """
    if _records(self, value):
        _check_leaf(self, "fill_")
        return _rebind(self, _alias(self) * 0 + value, "fill_")  # zero gradient to the old value, as PyTorch
    if not self.data.flags.writeable:  # a read-only (broadcast) view: write into a copy of its own
        self.data = self.data.copy()
        _views.unlink(self)
    self.data[...] = value.data if isinstance(value, Tensor) else value
    _views.bump(self)
    return self


def zero_(self: Tensor) -> Tensor:
    """Set every element to 0.

    Example:
        >>> import autograd as ag
        >>> ag.ones(2).zero_()
        tensor([0., 0.])
    """
    return fill_(self, 0)


def copy_(self: Tensor, src) -> Tensor:
    """Copy ``src`` (broadcast, cast to this dtype) into this tensor.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2).copy_(ag.tensor([1.0, 2.0]))
        tensor([1., 2.])
    """
    src_t = src if isinstance(src, Tensor) else Tensor(np.asarray(src))
    if _records(self, src_t):
        _check_leaf(self, "copy_")
        return _rebind(self, _alias(self) * 0 + src_t, "copy_")
    try:
        if not self.data.flags.writeable:  # a read-only (broadcast) view: write into a copy of its own
            self.data = self.data.copy()
            _views.unlink(self)
        np.copyto(self.data, src_t.data, casting="unsafe")
    except ValueError:
        raise RuntimeError(f"copy_: src of shape {tuple(src_t.shape)} cannot be broadcast to {tuple(self.data.shape)}") from None
    _views.bump(self)
    return self


def clamp_(self: Tensor, min=None, max=None) -> Tensor:  # noqa: A002
    """Clamp in place to ``[min, max]``.

    Example:
        >>> import autograd as ag
        >>> ag.tensor([-1.0, 3.0]).clamp_(0, 1)
        tensor([0., 1.])
    """
    from .unary import clamp

    if _records(self):
        _check_leaf(self, "clamp_")
        return _rebind(self, clamp(_alias(self), min, max), "clamp_")
    if min is None and max is None:
        raise RuntimeError("clamp_: at least one of 'min' or 'max' must not be None")
    if not self.data.flags.writeable:  # a read-only (broadcast) view: write into a copy of its own
        self.data = self.data.copy()
        _views.unlink(self)
    np.clip(self.data, min, max, out=self.data)
    _views.bump(self)
    return self


def setitem(self: Tensor, index, value) -> None:
    """``self[index] = value``, in place (recorded in the graph when it must be).

    Example:
        >>> import autograd as ag
        >>> x = ag.zeros(3); x[1] = 5.0; x
        tensor([0., 5., 0.])
    """
    idx, _ = normalize_index(index)
    if _records(self, value):
        _check_leaf(self, "index_put_")
        _rebind(self, IndexPut.apply(_alias(self), idx, value), "index_put_")
        return
    v = value.data if isinstance(value, Tensor) else value
    if not self.data.flags.writeable:  # a read-only (broadcast) view: write into a copy of its own
        self.data = self.data.copy()
        _views.unlink(self)
    try:
        self.data[idx] = v
    except IndexError as e:
        raise IndexError(f"index: {e} (indexing a tensor of shape {tuple(self.data.shape)})") from None
    except ValueError:
        raise RuntimeError(
            f"index_put_: shape mismatch: value of shape {np.shape(v)} cannot be broadcast to the indexed shape "
            f"{np.shape(self.data[idx])}"
        ) from None
    _views.bump(self)
