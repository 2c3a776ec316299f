"""``Parameter``: a Tensor that a ``Module`` registers as one of its learnable weights.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> w = nn.Parameter(ag.zeros(2))
    >>> w.requires_grad, isinstance(w, ag.Tensor)
    (True, True)
"""

from __future__ import annotations

import numpy as np

from autograd.tensor import Tensor

_new = object.__new__


class Parameter(Tensor):
    """A leaf Tensor that requires grad by default; assigning one to a Module attribute registers it.

    ``Parameter(t)`` shares ``t``'s memory, as ``torch.nn.Parameter`` does.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.Parameter(ag.ones(2))
        Parameter containing:
        tensor([1., 1.], requires_grad=True)
    """

    __slots__ = ()

    def __new__(cls, data=None, requires_grad: bool = True):
        if data is None:
            arr = np.empty(0, dtype=np.float32)
        elif isinstance(data, Tensor):
            arr = data.data
        else:
            arr = np.asarray(data)
        p = _new(cls)
        p.data = arr
        p.requires_grad = False
        p.grad = None
        p.grad_fn = None
        p._version = 0
        p._oi = 0
        p._hooks = None
        if requires_grad:
            p.requires_grad_(True)
        return p

    def __init__(self, data=None, requires_grad: bool = True) -> None:  # state is set by __new__
        pass

    def __reduce_ex__(self, protocol):
        return (_rebuild_parameter, (self.data, self.requires_grad))

    def __deepcopy__(self, memo: dict) -> Parameter:
        if id(self) in memo:
            return memo[id(self)]
        p = Parameter(self.data.copy(), self.requires_grad)
        if self.grad is not None:
            p.grad = Tensor(self.grad.data.copy())
        memo[id(self)] = p
        return p

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__


def _rebuild_parameter(data: np.ndarray, requires_grad: bool) -> Parameter:
    return Parameter(data, requires_grad)
