"""``F.embedding`` (rows of a weight matrix picked by integer indices) and ``F.one_hot``.

The lookup's gradient adds each output row into its weight row (``EmbeddingScatter``,
a Numba kernel); that op's gradient is a lookup again, so gradients of any order work.
``padding_idx`` rows get no gradient; ``scale_grad_by_freq`` divides each row's
gradient by how often its index occurs in the batch.

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> w = ag.arange(6.0).reshape(3, 2).requires_grad_()
    >>> y = F.embedding(ag.tensor([[0, 2], [2, 2]]), w, padding_idx=0)
    >>> y[1].tolist()
    [[4.0, 5.0], [4.0, 5.0]]
    >>> y.sum().backward(); w.grad
    tensor([[0., 0.],
            [0., 0.],
            [3., 3.]])
"""

from __future__ import annotations

import numpy as np

from autograd.function import Function
from autograd.grad_mode import no_grad
from autograd.tensor import Tensor, _wrap

from .. import kernels as K

__all__ = ["embedding", "one_hot"]


def _row_scale(idx: np.ndarray, n: int, padding_idx: int | None, by_freq: bool, dtype) -> np.ndarray | None:
    """Per weight row, the factor its gradient gets (0 for the padding row), or None for all ones."""
    if padding_idx is None and not by_freq:
        return None
    scale = np.ones(n, dtype=dtype)
    if by_freq:
        counts = np.bincount(idx, minlength=n)
        scale = scale / np.maximum(counts, 1).astype(dtype)
    if padding_idx is not None:
        scale[padding_idx] = 0
    return scale


class EmbeddingLookup(Function):
    """``weight[idx]`` (``idx`` flat), times ``scale[idx]`` per row when ``masked``."""

    name = "embedding"

    @staticmethod
    def forward(ctx, weight, idx, scale, masked):
        ctx.idx, ctx.scale, ctx.n = idx, scale, weight.data.shape[0]
        out = weight.data[idx]
        if masked and scale is not None:
            out *= scale[idx][:, None]
        return out

    @staticmethod
    def backward(ctx, g):
        return EmbeddingScatter.apply(g, ctx.idx, ctx.scale, ctx.n), None, None, None

    @staticmethod
    def backward_arrays(ctx, g):
        return _scatter(g, ctx.idx, ctx.scale, ctx.n), None, None, None


def _scatter(g: np.ndarray, idx: np.ndarray, scale: np.ndarray | None, n: int) -> np.ndarray:
    out = K.embedding_backward(np.ascontiguousarray(g), idx, n)
    if scale is not None:
        out *= scale[:, None]
    return out


class EmbeddingScatter(Function):
    """Add row ``r`` of ``g`` into row ``idx[r]`` of an ``(n, D)`` zero matrix, then scale rows."""

    name = "embedding_backward"

    @staticmethod
    def forward(ctx, g, idx, scale, n):
        ctx.idx, ctx.scale = idx, scale
        return _scatter(g.data, idx, scale, n)

    @staticmethod
    def backward(ctx, u):
        return EmbeddingLookup.apply(u, ctx.idx, ctx.scale, True), None, None, None


def embedding(
    input: Tensor,
    weight: Tensor,
    padding_idx: int | None = None,
    max_norm: float | None = None,
    norm_type: float = 2.0,
    scale_grad_by_freq: bool = False,
    sparse: bool = False,
) -> Tensor:
    """Rows of ``weight (num_embeddings, dim)`` at the integer ``input`` indices; output ``input.shape + (dim,)``.

    ``max_norm`` renormalises (in place) the looked-up rows whose ``norm_type``-norm exceeds it.

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.embedding(ag.tensor([1, 1]), ag.eye(3))
        tensor([[0., 1., 0.],
                [0., 1., 0.]])
    """
    if not isinstance(input, Tensor) or not isinstance(weight, Tensor):
        raise TypeError(f"embedding: input and weight must be Tensors, got {type(input).__name__} and {type(weight).__name__}")
    if input.dtype.kind not in "iu":
        raise TypeError(f"embedding: expected integer indices (int64), got dtype {input.dtype}")
    if weight.ndim != 2:
        raise RuntimeError(f"embedding: weight must be 2-d (num_embeddings, embedding_dim), got shape {tuple(weight.shape)}")
    if sparse:
        raise NotImplementedError("embedding: sparse gradients are not supported (use sparse=False)")
    n = weight.shape[0]
    idx = input.data.reshape(-1).astype(np.int64, copy=False)
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        bad = int(idx[(idx < 0) | (idx >= n)][0])
        raise IndexError(f"embedding: index {bad} is out of range for {n} embeddings (valid indices are 0..{n - 1})")
    if padding_idx is not None:
        if not -n <= padding_idx < n:
            raise ValueError(f"embedding: padding_idx {padding_idx} must be within num_embeddings ({n})")
        padding_idx %= n
    if max_norm is not None:
        _renorm(weight, np.unique(idx), max_norm, norm_type)
    scale = _row_scale(idx, n, padding_idx, scale_grad_by_freq, weight.dtype)
    out = EmbeddingLookup.apply(weight, idx, scale, False)
    return out.reshape(tuple(input.shape) + (weight.shape[1],))


def _renorm(weight: Tensor, rows: np.ndarray, max_norm: float, norm_type: float) -> None:
    with no_grad():
        w = weight.data
        norms = np.linalg.norm(w[rows], ord=norm_type, axis=1)
        big = norms > max_norm
        if big.any():
            w[rows[big]] *= (max_norm / (norms[big] + 1e-7))[:, None].astype(w.dtype)
            weight._version += 1


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding: ``input.shape + (num_classes,)`` (``-1``: one more than the largest index).

    Example:
        >>> import autograd as ag
        >>> import nn.functional as F
        >>> F.one_hot(ag.tensor([0, 2]), 3)
        tensor([[1, 0, 0],
                [0, 0, 1]])
    """
    if not isinstance(tensor, Tensor) or tensor.dtype.kind not in "iu":
        raise RuntimeError("one_hot is only applicable to index tensor (an integer Tensor)")
    idx = tensor.data
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise RuntimeError(f"one_hot: class values must be in [0, {num_classes}), got min {idx.min()} and max {idx.max()}")
    out = np.zeros(idx.shape + (num_classes,), dtype=np.int64)
    np.put_along_axis(out, idx[..., None].astype(np.int64), 1, axis=-1)
    return _wrap(out, None, False)
