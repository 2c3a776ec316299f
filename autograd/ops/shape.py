"""Shape ops: reshape/view flatten squeeze unsqueeze transpose permute expand cat stack split chunk, and casts.

Example:
    >>> import autograd as ag
    >>> x = ag.arange(6.0).reshape(2, 3)
    >>> x.T.shape, ag.cat([x, x], dim=0).shape
    (Size([3, 2]), Size([4, 3]))
"""

from __future__ import annotations

import math

import numpy as np

from .. import dtypes as _dt
from ..function import Function
from ..tensor import Tensor
from ._util import norm_dim, result_dtype


def _shape_arg(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return tuple(int(s) for s in shape)


class Reshape(Function):
    name = "reshape"

    @staticmethod
    def forward(ctx, x, shape):
        d = x.data
        try:
            return d.reshape(shape)
        except ValueError:
            raise RuntimeError(
                f"reshape: shape '{list(shape)}' is invalid for input of size {d.size} (input shape {tuple(d.shape)})"
            ) from None

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.next_edges[0][2]), None

    @staticmethod
    def backward_arrays(ctx, g):
        return g.reshape(ctx.next_edges[0][2]), None


class Permute(Function):
    name = "permute"

    @staticmethod
    def forward(ctx, x, dims):
        ctx.dims = dims
        return x.data.transpose(dims)

    @staticmethod
    def backward(ctx, g):
        return g.permute(tuple(np.argsort(ctx.dims))), None

    @staticmethod
    def backward_arrays(ctx, g):
        return g.transpose(np.argsort(ctx.dims)), None


class Expand(Function):
    name = "expand"

    @staticmethod
    def forward(ctx, x, shape):
        return np.broadcast_to(x.data, shape)

    @staticmethod
    def backward(ctx, g):
        return g, None  # the engine sums g back to the input's shape

    backward_arrays = backward


class Cat(Function):
    name = "cat"

    @staticmethod
    def forward(ctx, dim, *tensors):
        ctx.dim = dim
        ctx.sizes = [t.data.shape[dim] for t in tensors]
        arrays = [t.data for t in tensors]
        dt = result_dtype(*arrays)
        return np.concatenate([a.astype(dt, copy=False) for a in arrays], axis=dim)

    @staticmethod
    def backward(ctx, g):
        grads, start = [None], 0
        index = [slice(None)] * g.ndim
        for e, n in zip(ctx.next_edges[1:], ctx.sizes):
            if e is not None:
                index[ctx.dim] = slice(start, start + n)
                grads.append(g[tuple(index)])
            else:
                grads.append(None)
            start += n
        return tuple(grads)


class Cast(Function):
    name = "to"

    @staticmethod
    def forward(ctx, x, dtype):
        ctx.src_dtype = x.data.dtype
        return x.data.astype(dtype)

    @staticmethod
    def backward(ctx, g):
        return Cast.apply(g, ctx.src_dtype), None


class Clone(Function):
    name = "clone"

    @staticmethod
    def forward(ctx, x):
        return x.data.copy()

    @staticmethod
    def backward(ctx, g):
        return g


# ---- public functions ------------------------------------------------------------
def reshape(input: Tensor, *shape) -> Tensor:
    """A tensor with the same elements in ``shape`` (one ``-1`` is inferred).

    Example:
        >>> import autograd as ag
        >>> ag.arange(6).reshape(2, -1).shape
        Size([2, 3])
    """
    shape = _shape_arg(shape)
    if shape == input.data.shape:
        return input if not input.requires_grad else Reshape.apply(input, shape)
    return Reshape.apply(input, shape)


view = reshape


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Merge dims ``start_dim..end_dim`` into one.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2, 3, 4).flatten(1).shape
        Size([2, 12])
    """
    if input.ndim == 0:
        return input.reshape(1)
    s = norm_dim(start_dim, input.ndim, "flatten")
    e = norm_dim(end_dim, input.ndim, "flatten")
    if s > e:
        raise RuntimeError(f"flatten() has invalid args: start_dim ({start_dim}) cannot come after end_dim ({end_dim})")
    shape = input.shape
    return input.reshape(shape[:s] + (math.prod(shape[s:e + 1]),) + shape[e + 1:])


def squeeze(input: Tensor, dim=None) -> Tensor:
    """Remove size-1 dims (all, or the given ``dim`` / tuple of dims if size 1).

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2, 1, 3).squeeze(1).shape
        Size([2, 3])
    """
    shape = input.shape
    if dim is None:
        dims = {i for i, n in enumerate(shape) if n == 1}
    else:
        dims = {norm_dim(d, input.ndim, "squeeze") for d in (dim if isinstance(dim, (tuple, list)) else (dim,))}
        dims = {d for d in dims if input.ndim and shape[d] == 1}
    return input.reshape(tuple(n for i, n in enumerate(shape) if i not in dims))


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    """Insert a size-1 dim at ``dim``.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(3).unsqueeze(0).shape
        Size([1, 3])
    """
    d = norm_dim(dim, input.ndim + 1, "unsqueeze")
    shape = input.shape
    return input.reshape(shape[:d] + (1,) + shape[d:])


def permute(input: Tensor, *dims) -> Tensor:
    """Reorder dims.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2, 3, 4).permute(2, 0, 1).shape
        Size([4, 2, 3])
    """
    dims = _shape_arg(dims)
    if len(dims) != input.ndim:
        raise RuntimeError(
            f"permute(): number of dims don't match in permute: got {len(dims)} dims for a tensor of shape {tuple(input.shape)}"
        )
    nd = tuple(norm_dim(d, input.ndim, "permute") for d in dims)
    if sorted(nd) != list(range(input.ndim)):
        raise RuntimeError(f"permute(): dims {dims} are not a permutation of {input.ndim} dims")
    return Permute.apply(input, nd)


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    """Swap two dims.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2, 3).transpose(0, 1).shape
        Size([3, 2])
    """
    n = input.ndim
    if n < 2 and dim0 in (0, -1) and dim1 in (0, -1):
        return input
    a, b = norm_dim(dim0, n, "transpose"), norm_dim(dim1, n, "transpose")
    dims = list(range(n))
    dims[a], dims[b] = dims[b], dims[a]
    return Permute.apply(input, tuple(dims))


def t(input: Tensor) -> Tensor:
    """Transpose of a tensor with at most 2 dims.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(2, 3).t().shape
        Size([3, 2])
    """
    if input.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {input.ndim}D")
    return transpose(input, 0, -1)


def expand(input: Tensor, *sizes) -> Tensor:
    """A broadcast view to ``sizes`` (-1 keeps a dim); no copy; gradients are summed back.

    Example:
        >>> import autograd as ag
        >>> ag.zeros(3, 1).expand(3, 4).shape
        Size([3, 4])
    """
    sizes = _shape_arg(sizes)
    shape = input.shape
    lead = len(sizes) - len(shape)
    if lead < 0:
        raise RuntimeError(
            f"expand: the number of sizes provided ({len(sizes)}) must be greater or equal to the number "
            f"of dimensions in the tensor ({len(shape)})"
        )
    target = []
    for i, n in enumerate(sizes):
        if i < lead:
            if n < 0:
                raise RuntimeError(f"expand: the expanded size -1 is not allowed in a leading, non-existing dimension {i}")
            target.append(n)
            continue
        have = shape[i - lead]
        if n == -1:
            n = have
        if have != n and have != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({n}) must match the existing size ({have}) at non-singleton "
                f"dimension {i}.  Target sizes: {list(sizes)}.  Tensor sizes: {list(shape)}"
            )
        target.append(n)
    target = tuple(target)
    if target == tuple(shape):
        return input
    return Expand.apply(input, target)


def broadcast_to(input: Tensor, shape) -> Tensor:
    """``expand`` to ``shape``.

    Example:
        >>> import autograd as ag
        >>> ag.broadcast_to(ag.zeros(3), (2, 3)).shape
        Size([2, 3])
    """
    return expand(input, tuple(shape))


def cat(tensors, dim: int = 0) -> Tensor:
    """Join tensors along an existing ``dim``.

    Example:
        >>> import autograd as ag
        >>> ag.cat([ag.zeros(2, 3), ag.ones(1, 3)]).shape
        Size([3, 3])
    """
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("cat(): expected a non-empty list of Tensors")
    ref = tensors[0]
    d = norm_dim(dim, ref.ndim, "cat")
    for i, t in enumerate(tensors):
        if t.ndim != ref.ndim or any(a != b for j, (a, b) in enumerate(zip(t.shape, ref.shape)) if j != d):
            raise RuntimeError(
                f"cat(): Sizes of tensors must match except in dimension {d}. Expected {tuple(ref.shape)} "
                f"(except dim {d}) but got {tuple(t.shape)} for tensor number {i} in the list."
            )
    return Cat.apply(d, *tensors)


concat = concatenate = cat


def stack(tensors, dim: int = 0) -> Tensor:
    """Join same-shaped tensors along a new ``dim``.

    Example:
        >>> import autograd as ag
        >>> ag.stack([ag.zeros(3), ag.ones(3)], dim=1).shape
        Size([3, 2])
    """
    tensors = [t if isinstance(t, Tensor) else Tensor(t) for t in tensors]
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    for i, t in enumerate(tensors):
        if t.shape != tensors[0].shape:
            raise RuntimeError(
                f"stack expects each tensor to be equal size, but got {tuple(tensors[0].shape)} at entry 0 "
                f"and {tuple(t.shape)} at entry {i}"
            )
    d = norm_dim(dim, tensors[0].ndim + 1, "stack")
    return cat([t.unsqueeze(d) for t in tensors], d)


def split(tensor: Tensor, split_size_or_sections, dim: int = 0) -> tuple:
    """Split into chunks of ``split_size`` (the last may be smaller) or of the given sizes.

    Example:
        >>> import autograd as ag
        >>> [p.shape[0] for p in ag.arange(5).split(2)]
        [2, 2, 1]
    """
    d = norm_dim(dim, tensor.ndim, "split")
    n = tensor.shape[d]
    if isinstance(split_size_or_sections, int):
        size = split_size_or_sections
        if size <= 0:
            raise RuntimeError(f"split: split_size must be positive, got {size}")
        sizes = [min(size, n - s) for s in range(0, n, size)] or [0]
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size at dimension {d}), "
                f"but got split_sizes={sizes}"
            )
    out, start = [], 0
    index = [slice(None)] * tensor.ndim
    for s in sizes:
        index[d] = slice(start, start + s)
        out.append(tensor[tuple(index)])
        start += s
    return tuple(out)


def chunk(input: Tensor, chunks: int, dim: int = 0) -> tuple:
    """Split into ``chunks`` pieces of size ``ceil(n / chunks)`` (fewer if they run out).

    Example:
        >>> import autograd as ag
        >>> len(ag.arange(6).chunk(4))
        3
    """
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    n = input.shape[norm_dim(dim, input.ndim, "chunk")]
    return split(input, max(math.ceil(n / chunks), 1), dim)


def to(input: Tensor, *args, dtype=None, **kwargs) -> Tensor:
    """Cast to ``dtype`` (a float-to-float cast keeps the gradient); device strings are accepted and ignored.

    Example:
        >>> import autograd as ag
        >>> ag.ones(2).to(ag.float64).dtype
        dtype('float64')
    """
    for a in args:
        if isinstance(a, Tensor):
            dtype = a.dtype
        elif isinstance(a, str) and a.split(":")[0] == "cpu":
            continue
        elif isinstance(a, str):
            raise RuntimeError(f"to(): this library runs on the CPU only; device {a!r} is not available")
        else:
            dtype = a
    dev = kwargs.pop("device", None)
    if dev not in (None, "cpu"):
        raise RuntimeError(f"to(): this library runs on the CPU only; device {dev!r} is not available")
    if dtype is None:
        return input
    dt = _dt.to_dtype(dtype)
    if dt == input.data.dtype:
        return input
    return Cast.apply(input, dt)


def clone(input: Tensor) -> Tensor:
    """A copy that stays in the graph.

    Example:
        >>> import autograd as ag
        >>> ag.ones(2).clone()
        tensor([1., 1.])
    """
    return Clone.apply(input)


def contiguous(input: Tensor) -> Tensor:
    """The tensor itself if C-contiguous, else a contiguous copy in the graph.

    Example:
        >>> import autograd as ag
        >>> ag.ones(2, 3).T.contiguous().data.flags["C_CONTIGUOUS"]
        True
    """
    return input if input.data.flags["C_CONTIGUOUS"] else Clone.apply(input)
