"""Data loading, as ``torch.utils.data``: data sets, samplers, ``DataLoader``, ``random_split``; plus real data.

``load_digits()`` gives the bundled UCI handwritten digits split into train/validation/test;
``load_mnist(root)`` and ``read_idx(path)`` read MNIST's IDX files from a folder you give.

Example:
    >>> import autograd as ag
    >>> from autograd.data import DataLoader, load_digits
    >>> train, val, test = load_digits()
    >>> loader = DataLoader(train, batch_size=64, shuffle=True, generator=ag.Generator().manual_seed(0))
    >>> x, y = next(iter(loader))
    >>> x.shape, y.shape, len(loader)
    (Size([64, 64]), Size([64]), 20)
"""

from .collate import default_collate, default_convert
from .dataloader import DataLoader
from .dataset import ConcatDataset, Dataset, IterableDataset, Subset, TensorDataset, random_split
from .datasets import Splits, load_digits, load_mnist
from .idx import IDXFormatError, read_idx, write_idx
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler, SubsetRandomSampler, WeightedRandomSampler

__all__ = [
    "BatchSampler",
    "ConcatDataset",
    "DataLoader",
    "Dataset",
    "IDXFormatError",
    "IterableDataset",
    "RandomSampler",
    "Sampler",
    "SequentialSampler",
    "Splits",
    "Subset",
    "SubsetRandomSampler",
    "TensorDataset",
    "WeightedRandomSampler",
    "default_collate",
    "default_convert",
    "load_digits",
    "load_mnist",
    "random_split",
    "read_idx",
    "write_idx",
]
