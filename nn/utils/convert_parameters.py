"""``parameters_to_vector`` and ``vector_to_parameters``: all parameters as one flat vector and back.

Example:
    >>> import nn
    >>> m = nn.Linear(3, 2)
    >>> v = nn.utils.parameters_to_vector(m.parameters())
    >>> v.shape
    Size([8])
    >>> nn.utils.vector_to_parameters(v * 0, m.parameters()); float(m.weight.abs().sum())
    0.0
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from autograd.grad_mode import no_grad
from autograd.ops import cat
from autograd.tensor import Tensor

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def parameters_to_vector(parameters: Iterable[Tensor]) -> Tensor:
    """The parameters flattened and concatenated (differentiable, as in PyTorch).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.utils.parameters_to_vector([ag.ones(2, 2), ag.zeros(1)])
        tensor([1., 1., 1., 1., 0.])
    """
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    if not params:
        raise RuntimeError("parameters_to_vector: expected a non-empty list of Tensors")
    return cat([p.reshape(-1) for p in params])


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor]) -> None:
    """Copy consecutive slices of ``vec`` into the parameters (in place, without recording gradients).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> a, b = ag.zeros(2), ag.zeros(1)
        >>> nn.utils.vector_to_parameters(ag.tensor([1.0, 2.0, 3.0]), [a, b]); a, b
        (tensor([1., 2.]), tensor([3.]))
    """
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected Tensor, but got: {type(vec).__name__}")
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    total = sum(p.numel() for p in params)
    if vec.ndim != 1 or vec.numel() != total:
        raise RuntimeError(
            f"vector_to_parameters: expected a 1-d vector of {total} elements (the parameters' total), "
            f"got shape {tuple(vec.shape)}"
        )
    flat = vec.data
    pointer = 0
    with no_grad():
        for p in params:
            n = p.numel()
            p.data[...] = np.asarray(flat[pointer : pointer + n]).reshape(p.data.shape)
            p._version += 1
            pointer += n
