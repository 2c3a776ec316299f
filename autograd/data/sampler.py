"""Samplers: the order in which a ``DataLoader`` visits indices, as ``torch.utils.data`` has them.

Each sampler also has ``_indices()``, the whole epoch's order as one int64 array, which the
``DataLoader`` slices into batches without a Python loop per sample.

Example:
    >>> import autograd as ag
    >>> from autograd.data import BatchSampler, RandomSampler, SequentialSampler
    >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=False))
    [[0, 1], [2, 3], [4]]
    >>> sorted(RandomSampler(range(4), generator=ag.Generator().manual_seed(0)))
    [0, 1, 2, 3]
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from ..random import Generator, rng


def _check_generator(generator, who: str) -> None:
    if generator is not None and not isinstance(generator, Generator):
        raise TypeError(f"{who}: generator must be an autograd.Generator or None, got {type(generator).__name__}")


class Sampler:
    """Base class: subclasses define ``__iter__`` over indices (and usually ``__len__``).

    Example:
        >>> from autograd.data import Sampler
        >>> class Backwards(Sampler):
        ...     def __init__(self, n): self.n = n
        ...     def __iter__(self): return iter(range(self.n - 1, -1, -1))
        ...     def __len__(self): return self.n
        >>> list(Backwards(3))
        [2, 1, 0]
    """

    def __iter__(self) -> Iterator[int]:
        raise NotImplementedError

    def _indices(self) -> np.ndarray:
        """The whole pass as one int64 array (built-in samplers override this with one array op)."""
        return np.fromiter(iter(self), dtype=np.int64)


class SequentialSampler(Sampler):
    """``0, 1, ..., len(data_source) - 1`` in order.

    Example:
        >>> from autograd.data import SequentialSampler
        >>> list(SequentialSampler("abc"))
        [0, 1, 2]
    """

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self) -> Iterator[int]:
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)

    def _indices(self) -> np.ndarray:
        return np.arange(len(self.data_source), dtype=np.int64)


class RandomSampler(Sampler):
    """A fresh random order at every pass, drawn from ``generator`` (the default generator when None).

    With ``replacement=True``, ``num_samples`` indices drawn with replacement; without, whole
    permutations (concatenated when ``num_samples`` exceeds the data set).

    Example:
        >>> import autograd as ag
        >>> from autograd.data import RandomSampler
        >>> s = RandomSampler(range(5), generator=ag.Generator().manual_seed(0))
        >>> sorted(s), list(s) != list(s)
        ([0, 1, 2, 3, 4], True)
    """

    def __init__(
        self, data_source, replacement: bool = False, num_samples: int | None = None, generator: Generator | None = None
    ) -> None:
        _check_generator(generator, "RandomSampler")
        if not isinstance(replacement, bool):
            raise TypeError(f"replacement should be a boolean value, but got replacement={replacement}")
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(self.num_samples, int) or self.num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={self.num_samples}")

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __len__(self) -> int:
        return self.num_samples

    def _indices(self) -> np.ndarray:
        n, k, g = len(self.data_source), self.num_samples, rng(self.generator)
        if self.replacement:
            return g.integers(0, n, size=k, dtype=np.int64)
        parts = [g.permutation(n) for _ in range(-(-k // n))] if n else [np.zeros(0, np.int64)]
        return np.concatenate(parts)[:k].astype(np.int64, copy=False)

    def __iter__(self) -> Iterator[int]:
        yield from self._indices().tolist()


class SubsetRandomSampler(Sampler):
    """The given indices in a fresh random order at every pass.

    Example:
        >>> import autograd as ag
        >>> from autograd.data import SubsetRandomSampler
        >>> sorted(SubsetRandomSampler([7, 3, 5], generator=ag.Generator().manual_seed(0)))
        [3, 5, 7]
    """

    def __init__(self, indices: Sequence[int], generator: Generator | None = None) -> None:
        _check_generator(generator, "SubsetRandomSampler")
        self.indices = indices
        self.generator = generator

    def __len__(self) -> int:
        return len(self.indices)

    def _indices(self) -> np.ndarray:
        return np.asarray(self.indices, dtype=np.int64)[rng(self.generator).permutation(len(self.indices))]

    def __iter__(self) -> Iterator[int]:
        yield from self._indices().tolist()


class WeightedRandomSampler(Sampler):
    """``num_samples`` indices drawn with probabilities proportional to ``weights``.

    Example:
        >>> import autograd as ag
        >>> from autograd.data import WeightedRandomSampler
        >>> set(WeightedRandomSampler([0.0, 1.0, 0.0], 5, generator=ag.Generator().manual_seed(0)))
        {1}
    """

    def __init__(self, weights, num_samples: int, replacement: bool = True, generator: Generator | None = None) -> None:
        _check_generator(generator, "WeightedRandomSampler")
        w = np.asarray(getattr(weights, "data", weights), dtype=np.float64)
        if w.ndim != 1 or w.size == 0 or (w < 0).any() or not np.isfinite(w).all() or w.sum() <= 0:
            raise ValueError(f"WeightedRandomSampler: weights must be a non-empty 1-d sequence of non-negative finite numbers "
                             f"with a positive sum, got shape {w.shape}")
        if not isinstance(num_samples, int) or isinstance(num_samples, bool) or num_samples <= 0:
            raise ValueError(f"num_samples should be a positive integer value, but got num_samples={num_samples}")
        if not replacement and num_samples > int((w > 0).sum()):
            raise RuntimeError(f"WeightedRandomSampler: cannot draw {num_samples} samples without replacement "
                               f"from {int((w > 0).sum())} non-zero weights")
        self.weights, self.num_samples, self.replacement, self.generator = w, num_samples, replacement, generator

    def __len__(self) -> int:
        return self.num_samples

    def _indices(self) -> np.ndarray:
        p = self.weights / self.weights.sum()
        return rng(self.generator).choice(len(p), size=self.num_samples, replace=self.replacement, p=p).astype(np.int64)

    def __iter__(self) -> Iterator[int]:
        yield from self._indices().tolist()


def _check_batch_size(batch_size) -> None:
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"batch_size should be a positive integer value, but got batch_size={batch_size!r}")


class BatchSampler(Sampler):
    """Group another sampler's indices into lists of ``batch_size`` (the last one shorter unless ``drop_last``).

    Example:
        >>> from autograd.data import BatchSampler, SequentialSampler
        >>> list(BatchSampler(SequentialSampler(range(5)), batch_size=2, drop_last=True))
        [[0, 1], [2, 3]]
    """

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        _check_batch_size(batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last!r}")
        self.sampler, self.batch_size, self.drop_last = sampler, int(batch_size), drop_last

    def __len__(self) -> int:
        n = len(self.sampler)
        return n // self.batch_size if self.drop_last else -(-n // self.batch_size)

    def _index_batches(self) -> Iterator:
        """The batches: int64 arrays for the built-in samplers (one slice per batch), lists for any other."""
        bs = self.batch_size
        if isinstance(self.sampler, Sampler) and type(self.sampler)._indices is not Sampler._indices:
            idx = self.sampler._indices()
            stop = len(idx) - len(idx) % bs if self.drop_last else len(idx)
            for start in range(0, stop, bs):
                yield idx[start : start + bs]
            return
        batch = []
        for i in self.sampler:
            batch.append(i)
            if len(batch) == bs:
                yield batch
                batch = []
        if batch and not self.drop_last:
            yield batch

    def __iter__(self) -> Iterator[list]:
        for b in self._index_batches():
            yield b.tolist() if isinstance(b, np.ndarray) else b
