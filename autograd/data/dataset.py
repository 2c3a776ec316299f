"""Datasets: ``Dataset``, ``TensorDataset``, ``Subset``, ``ConcatDataset``, ``IterableDataset`` and ``random_split``.

Same names and semantics as ``torch.utils.data``. ``TensorDataset`` and ``Subset`` also
answer ``_fetch_batch(indices)``, which lets the ``DataLoader`` take a whole batch with one
fancy index instead of stacking samples one by one.

Example:
    >>> import autograd as ag
    >>> from autograd.data import TensorDataset, random_split
    >>> ds = TensorDataset(ag.arange(10).float(), ag.arange(10))
    >>> ds[3]
    (tensor(3.), tensor(3))
    >>> train, val = random_split(ds, [0.8, 0.2], generator=ag.Generator().manual_seed(0))
    >>> len(train), len(val)
    (8, 2)
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterator, Sequence

import numpy as np

from ..random import Generator, rng
from ..tensor import Tensor, _wrap


class Dataset:
    """A map-style data set: subclasses define ``__getitem__(i)`` and ``__len__()``.

    Example:
        >>> from autograd.data import Dataset
        >>> class Squares(Dataset):
        ...     def __len__(self): return 4
        ...     def __getitem__(self, i): return i * i
        >>> [Squares()[i] for i in range(4)]
        [0, 1, 4, 9]
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must implement __getitem__")

    def __add__(self, other: Dataset) -> ConcatDataset:
        return ConcatDataset([self, other])


class IterableDataset(Dataset):
    """A data set read as a stream: subclasses define ``__iter__``. ``DataLoader`` batches it in order.

    Example:
        >>> from autograd.data import IterableDataset, DataLoader
        >>> class Count(IterableDataset):
        ...     def __iter__(self): return iter(range(5))
        >>> [b.tolist() for b in DataLoader(Count(), batch_size=2)]
        [[0, 1], [2, 3], [4]]
    """

    def __iter__(self) -> Iterator:
        raise NotImplementedError(f"{type(self).__name__} must implement __iter__")


def _index_tensor(t: Tensor, idx):
    """``t[idx]`` without building a graph unless ``t`` requires grad."""
    if t.requires_grad:
        return t[idx]
    out = t.data[idx]
    return _wrap(out if isinstance(out, np.ndarray) else np.asarray(out), None, False)


class TensorDataset(Dataset):
    """Samples are tuples ``(t[i] for t in tensors)``; every tensor has the same first dimension.

    Example:
        >>> import autograd as ag
        >>> from autograd.data import TensorDataset
        >>> ds = TensorDataset(ag.zeros(5, 3), ag.arange(5))
        >>> len(ds), ds[1][0].shape
        (5, Size([3]))
    """

    def __init__(self, *tensors: Tensor) -> None:
        if not tensors:
            raise ValueError("TensorDataset: expected at least one tensor")
        for i, t in enumerate(tensors):
            if not isinstance(t, Tensor):
                raise TypeError(f"TensorDataset: argument {i} is a {type(t).__name__}, expected a Tensor")
            if t.ndim == 0:
                raise ValueError(f"TensorDataset: tensor {i} is 0-d; every tensor needs a first (sample) dimension")
        sizes = [t.shape[0] for t in tensors]
        if len(set(sizes)) != 1:
            shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
            raise ValueError(f"TensorDataset: Size mismatch between tensors: first dimensions {sizes} differ (shapes {shapes})")
        self.tensors = tuple(tensors)

    def __getitem__(self, index):
        return tuple(_index_tensor(t, index) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].shape[0]

    def _fetch_batch(self, indices: np.ndarray) -> list:
        """The collated batch for ``indices`` (what ``default_collate`` would build), in one fancy index per tensor.

        None when a subclass overrides ``__getitem__`` (its samples may differ from plain rows).
        """
        if type(self).__getitem__ is not TensorDataset.__getitem__:
            return None
        return [_index_tensor(t, indices) for t in self.tensors]


class Subset(Dataset):
    """The samples of ``dataset`` at ``indices``.

    Example:
        >>> from autograd.data import Subset
        >>> s = Subset(list("abcdef"), [4, 0])
        >>> len(s), s[0], s[1]
        (2, 'e', 'a')
    """

    def __init__(self, dataset, indices: Sequence[int]) -> None:
        self.dataset = dataset
        self.indices = indices

    def __getitem__(self, idx):
        if isinstance(idx, list):
            return self.dataset[[self.indices[i] for i in idx]]
        return self.dataset[self.indices[idx]]

    def __len__(self) -> int:
        return len(self.indices)

    def _fetch_batch(self, indices: np.ndarray):
        fetch = getattr(self.dataset, "_fetch_batch", None)
        if fetch is None or type(self).__getitem__ is not Subset.__getitem__:
            return None
        return fetch(np.asarray(self.indices, dtype=np.int64)[indices])


class ConcatDataset(Dataset):
    """Several data sets one after another.

    Example:
        >>> from autograd.data import ConcatDataset
        >>> ds = ConcatDataset([[1, 2], [3, 4, 5]])
        >>> len(ds), ds[2], ds[-1]
        (5, 3, 5)
    """

    def __init__(self, datasets) -> None:
        self.datasets = list(datasets)
        if not self.datasets:
            raise ValueError("ConcatDataset: datasets should not be an empty iterable")
        for d in self.datasets:
            if isinstance(d, IterableDataset):
                raise TypeError("ConcatDataset does not support IterableDataset")
        self.cumulative_sizes = list(np.cumsum([len(d) for d in self.datasets]).tolist())

    def __len__(self) -> int:
        return self.cumulative_sizes[-1]

    def __getitem__(self, idx: int):
        n = len(self)
        if idx < 0:
            if -idx > n:
                raise ValueError(f"ConcatDataset: absolute value of index {idx} should not exceed dataset length {n}")
            idx += n
        if idx >= n:
            raise IndexError(f"ConcatDataset: index {idx} out of range for a dataset of length {n}")
        d = bisect.bisect_right(self.cumulative_sizes, idx)
        return self.datasets[d][idx - (self.cumulative_sizes[d - 1] if d else 0)]


def _split_sizes(lengths: Sequence, n: int) -> list[int]:
    """Integer lengths, or fractions summing to 1 turned into lengths as PyTorch does."""
    lengths = list(lengths)
    if not lengths:
        raise ValueError("random_split: lengths must not be empty")
    if math.isclose(sum(lengths), 1) and sum(lengths) <= 1 and all(0 <= f <= 1 for f in lengths):
        sizes = [int(math.floor(n * f)) for f in lengths]
        for i in range(n - sum(sizes)):
            sizes[i % len(sizes)] += 1
        return sizes
    if any(isinstance(x, float) and not float(x).is_integer() for x in lengths):
        raise ValueError(f"random_split: fractions must sum to 1, got {lengths} (sum {sum(lengths)})")
    sizes = [int(x) for x in lengths]
    if any(s < 0 for s in sizes):
        raise ValueError(f"random_split: lengths must be non-negative, got {sizes}")
    if sum(sizes) != n:
        raise ValueError(
            f"Sum of input lengths does not equal the length of the input dataset! (lengths {sizes} sum to {sum(sizes)}, "
            f"dataset has {n} samples)"
        )
    return sizes


def random_split(dataset, lengths: Sequence[int | float], generator: Generator | None = None) -> list[Subset]:
    """Split ``dataset`` at random into non-overlapping ``Subset``s of the given lengths (or fractions summing to 1).

    Fractions are floored and the remainder handed out one by one from the first split, as in PyTorch.

    Example:
        >>> import autograd as ag
        >>> from autograd.data import random_split
        >>> a, b, c = random_split(range(10), [0.5, 0.3, 0.2], generator=ag.Generator().manual_seed(1))
        >>> len(a), len(b), len(c), sorted(list(a) + list(b) + list(c)) == list(range(10))
        (5, 3, 2, True)
    """
    sizes = _split_sizes(lengths, len(dataset))
    perm = rng(generator).permutation(sum(sizes)).tolist()
    out, start = [], 0
    for s in sizes:
        out.append(Subset(dataset, perm[start : start + s]))
        start += s
    return out
