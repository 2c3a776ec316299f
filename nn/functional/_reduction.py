"""Shared pieces of the losses: the ``reduction`` argument (and PyTorch's deprecated flags), argument checks.

Example:
    >>> from nn.functional._reduction import legacy_reduction
    >>> legacy_reduction(None, None, "sum")
    'sum'
"""

from __future__ import annotations

import warnings

import numpy as np

from autograd.tensor import Tensor


def legacy_reduction(size_average, reduce, reduction: str = "mean") -> str:
    """``reduction`` from the deprecated ``size_average`` / ``reduce`` flags (as PyTorch's ``_Reduction``)."""
    if size_average is None and reduce is None:
        return reduction
    warnings.warn("size_average and reduce args will be deprecated, please use reduction='...' instead.", stacklevel=3)
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


def _check_reduction(reduction: str, allowed=("mean", "sum", "none")) -> None:
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _tensor(op: str, name: str, pos: int, x) -> None:
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{name}' (position {pos}) must be Tensor, not {type(x).__name__}")


def _float_input(op: str, x: Tensor, name: str = "input") -> None:
    if x.data.dtype.kind != "f":
        raise RuntimeError(f"{op}: expected a floating point {name}, got {x.data.dtype}")


def _pair(op: str, input, target) -> None:
    """PyTorch's check for elementwise losses: warn on a broadcasting target, fail when it cannot broadcast."""
    _tensor(op, "input", 1, input)
    _tensor(op, "target", 2, target)
    a, b = input.data.shape, target.data.shape
    if a != b:
        try:
            np.broadcast_shapes(a, b)
        except ValueError:
            raise RuntimeError(
                f"{op}: target size {tuple(b)} does not match input size {tuple(a)} and the two do not broadcast"
            ) from None
        warnings.warn(
            f"Using a target size ({target.shape}) that is different to the input size ({input.shape}). "
            "This will likely lead to incorrect results due to broadcasting. Please ensure they have the same size.",
            stacklevel=3,
        )


def _weighted(loss: Tensor, weight, reduction: str, input: Tensor, mean_by_weight: bool = True) -> Tensor:
    if weight is None:
        return _reduce(loss, reduction)
    _check_reduction(reduction)
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError(f"Weights and input must have the same size: weight {tuple(weight.shape)}, input {tuple(input.shape)}")
    loss = loss * weight
    if reduction == "mean" and mean_by_weight:
        return loss.sum() / weight.sum()
    return _reduce(loss, reduction)
