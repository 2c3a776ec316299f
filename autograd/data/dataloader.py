"""``DataLoader``: iterate a data set in (shuffled) mini-batches, as ``torch.utils.data.DataLoader``.

Loading happens in the calling process (``num_workers`` is accepted for portability and
ignored). For a ``TensorDataset`` (or a ``Subset`` of one) with the default collate function,
each batch is taken with one fancy index per tensor instead of stacking samples one by one.

Example:
    >>> import autograd as ag
    >>> from autograd.data import DataLoader, TensorDataset
    >>> ds = TensorDataset(ag.arange(10).float().reshape(5, 2), ag.arange(5))
    >>> [y.tolist() for x, y in DataLoader(ds, batch_size=2)]
    [[0, 1], [2, 3], [4]]
    >>> loader = DataLoader(ds, batch_size=2, shuffle=True, drop_last=True, generator=ag.Generator().manual_seed(0))
    >>> len(loader), [x.shape for x, y in loader]
    (2, [Size([2, 2]), Size([2, 2])])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ..random import Generator
from .collate import default_collate, default_convert
from .dataset import IterableDataset
from .sampler import BatchSampler, RandomSampler, SequentialSampler, _check_batch_size, _check_generator


class DataLoader:
    """Batches from ``dataset``: ``shuffle`` draws a fresh order every epoch from ``generator`` (or the default one).

    Arguments follow PyTorch: ``batch_size`` (``None`` turns batching off), ``shuffle``,
    ``sampler`` / ``batch_sampler`` (mutually exclusive with ``shuffle``), ``drop_last``,
    ``collate_fn`` (gets the list of samples), ``generator``. Errors: ``ValueError`` for a
    batch size that is not a positive integer or for conflicting options.

    Example:
        >>> import autograd as ag
        >>> from autograd.data import DataLoader
        >>> loader = DataLoader(list(range(7)), batch_size=3, shuffle=True, generator=ag.Generator().manual_seed(0))
        >>> epoch1, epoch2 = [b.tolist() for b in loader], [b.tolist() for b in loader]
        >>> len(loader), sorted(sum(epoch1, [])), epoch1 != epoch2
        (3, [0, 1, 2, 3, 4, 5, 6], True)
    """

    def __init__(
        self,
        dataset,
        batch_size: int | None = 1,
        shuffle: bool | None = None,
        sampler=None,
        batch_sampler=None,
        num_workers: int = 0,
        collate_fn: Callable | None = None,
        pin_memory: bool = False,
        drop_last: bool = False,
        timeout: float = 0,
        worker_init_fn: Callable | None = None,
        multiprocessing_context=None,
        generator: Generator | None = None,
        *,
        prefetch_factor: int | None = None,
        persistent_workers: bool = False,
        pin_memory_device: str = "",
        in_order: bool = True,
    ) -> None:
        if not isinstance(num_workers, int) or num_workers < 0:
            raise ValueError("num_workers option should be non-negative; use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        _check_generator(generator, "DataLoader")
        self.dataset = dataset
        self.num_workers, self.pin_memory, self.timeout = num_workers, pin_memory, timeout
        self.worker_init_fn, self.prefetch_factor, self.persistent_workers = worker_init_fn, prefetch_factor, persistent_workers
        self.generator = generator
        self._iterable = isinstance(dataset, IterableDataset)
        if self._iterable:
            if shuffle not in (None, False):
                raise ValueError(
                    f"DataLoader with IterableDataset: expected unspecified shuffle option, but got shuffle={shuffle}"
                )
            if sampler is not None or batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler and batch_sampler options")
        else:
            if not hasattr(dataset, "__getitem__") or not hasattr(dataset, "__len__"):
                raise TypeError(f"DataLoader: dataset must have __getitem__ and __len__ (got {type(dataset).__name__})")
        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, shuffle, sampler, and drop_last")
            batch_size, drop_last = None, False
        elif batch_size is None:
            if drop_last:
                raise ValueError("batch_size=None option disables auto-batching and is mutually exclusive with drop_last")
        else:
            _check_batch_size(batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last!r}")
        if sampler is None and not self._iterable:
            sampler = RandomSampler(dataset, generator=generator) if shuffle else SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None and not self._iterable:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)
        self.batch_size, self.drop_last = batch_size, drop_last
        self.sampler, self.batch_sampler = sampler, batch_sampler
        self._auto_collation = batch_sampler is not None or (self._iterable and batch_size is not None)
        if collate_fn is None:
            collate_fn = default_collate if self._auto_collation else default_convert
        self.collate_fn = collate_fn

    def __len__(self) -> int:
        if self._iterable:
            n = len(self.dataset)
            if self.batch_size is None:
                return n
            return n // self.batch_size if self.drop_last else -(-n // self.batch_size)
        return len(self.batch_sampler if self._auto_collation else self.sampler)

    def __iter__(self) -> Iterator:
        if self._iterable:
            return self._iter_stream()
        if not self._auto_collation:
            return (self.collate_fn(self.dataset[i]) for i in self.sampler)
        return self._iter_batches()

    def _iter_batches(self) -> Iterator:
        fast = self.collate_fn is default_collate and getattr(self.dataset, "_fetch_batch", None)
        batches = self.batch_sampler._index_batches() if isinstance(self.batch_sampler, BatchSampler) else self.batch_sampler
        for idx in batches:
            if fast and isinstance(idx, np.ndarray):
                batch = fast(idx)
                if batch is not None:
                    yield batch
                    continue
            if isinstance(idx, np.ndarray):
                idx = idx.tolist()
            yield self.collate_fn([self.dataset[i] for i in idx])

    def _iter_stream(self) -> Iterator:
        if self.batch_size is None:
            for sample in self.dataset:
                yield self.collate_fn(sample)
            return
        batch = []
        for sample in self.dataset:
            batch.append(sample)
            if len(batch) == self.batch_size:
                yield self.collate_fn(batch)
                batch = []
        if batch and not self.drop_last:
            yield self.collate_fn(batch)

    def __repr__(self) -> str:
        return (f"DataLoader(dataset={type(self.dataset).__name__} of {len(self.dataset) if not self._iterable else '?'}, "
                f"batch_size={self.batch_size}, sampler={type(self.sampler).__name__}, drop_last={self.drop_last})")
