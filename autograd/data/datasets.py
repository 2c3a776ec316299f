"""Real data: the bundled UCI handwritten digits (``load_digits``) and MNIST from IDX files (``load_mnist``).

The digits are scikit-learn's copy of the UCI "Optical Recognition of Handwritten Digits" test
set (1,797 8x8 images, pixel counts 0..16, 10 classes), stored in ``digits.npz`` beside this
file; see ``DIGITS_LICENSE.txt`` for the licence and attribution.

Example:
    >>> from autograd.data import load_digits
    >>> train, val, test = load_digits()
    >>> len(train), len(val), len(test), train[0][0].shape
    (1257, 270, 270, Size([64]))
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .. import dtypes as _dt
from ..tensor import _wrap
from .dataset import TensorDataset
from .idx import read_idx

DIGITS_PATH = Path(__file__).with_name("digits.npz")


class Splits(NamedTuple):
    """``(train, val, test)`` data sets.

    Example:
        >>> from autograd.data import load_digits
        >>> load_digits()._fields
        ('train', 'val', 'test')
    """

    train: TensorDataset
    val: TensorDataset
    test: TensorDataset


def _features(images: np.ndarray, scale: float, flatten: bool, dtype) -> np.ndarray:
    dt = _dt.to_dtype(dtype) or _dt.get_default_dtype()
    if dt.kind != "f":
        raise TypeError(f"features must have a floating dtype, got {dt}")
    x = images.astype(dt) / dt.type(scale)
    return x.reshape(len(x), -1) if flatten else x.reshape(len(x), 1, *images.shape[1:])


def stratified_order(labels: np.ndarray, seed: int) -> np.ndarray:
    """A seeded permutation in which every prefix holds each class in (almost exactly) its overall proportion.

    Each class's samples are shuffled and spread evenly over [0, 1); sorting by that position
    interleaves the classes, so cutting the order at any point gives a stratified split.

    Example:
        >>> import numpy as np
        >>> from autograd.data.datasets import stratified_order
        >>> labels = np.array([0] * 6 + [1] * 3)
        >>> np.bincount(labels[stratified_order(labels, seed=0)[:3]]).tolist()
        [2, 1]
    """
    gen = np.random.default_rng(seed)
    key = np.empty(len(labels))
    for c in np.unique(labels):
        idx = np.flatnonzero(labels == c)
        key[gen.permutation(idx)] = (np.arange(len(idx)) + gen.random()) / len(idx)
    return np.lexsort((gen.permutation(len(labels)), key))


def load_digits(
    split: bool = True,
    val_fraction: float = 0.15,
    test_fraction: float = 0.15,
    seed: int = 0,
    dtype=None,
    flatten: bool = True,
) -> Splits | TensorDataset:
    """The bundled handwritten digits as ``(train, val, test)`` ``TensorDataset``s of ``(features, label)``.

    Features are pixel counts scaled to [0, 1] (``dtype``, default float32): 64 per image, or
    ``(1, 8, 8)`` with ``flatten=False``; labels are int64 in 0..9. The split is stratified (each
    part keeps the class proportions) and fixed by ``seed``. ``split=False`` returns all 1,797
    samples as one ``TensorDataset``.

    Example:
        >>> from autograd.data import load_digits
        >>> full = load_digits(split=False)
        >>> len(full), full.tensors[0].shape, float(full.tensors[0].max()), full.tensors[1].dtype
        (1797, Size([1797, 64]), 1.0, dtype('int64'))
        >>> train, val, test = load_digits(val_fraction=0.1, test_fraction=0.2, seed=1, flatten=False)
        >>> len(train), len(val), len(test), test[0][0].shape
        (1258, 180, 359, Size([1, 8, 8]))
    """
    for name, f in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 <= f < 1:
            raise ValueError(f"load_digits: {name} must be in [0, 1), got {f}")
    if val_fraction + test_fraction >= 1:
        raise ValueError(f"load_digits: val_fraction + test_fraction must be < 1, got {val_fraction} + {test_fraction}")
    with np.load(DIGITS_PATH, allow_pickle=False) as z:
        images, labels = z["images"], z["labels"].astype(np.int64)
    x = _features(images, 16.0, flatten, dtype)
    if not split:
        return TensorDataset(_wrap(x, None, False), _wrap(labels, None, False))
    n = len(labels)
    n_test, n_val = round(n * test_fraction), round(n * val_fraction)
    order = stratified_order(labels, seed)
    parts = np.split(order, [n_test, n_test + n_val])
    test, val, train = (TensorDataset(_wrap(x[np.sort(p)], None, False), _wrap(labels[np.sort(p)], None, False)) for p in parts)
    return Splits(train, val, test)


_MNIST_FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}


def _find(root: Path, stem: str) -> Path:
    tried = []
    for folder in (root, root / "MNIST" / "raw", root / "raw"):
        for name in (stem, stem + ".gz", stem.replace("-idx", ".idx")):
            p = folder / name
            tried.append(str(p))
            if p.is_file():
                return p
    raise FileNotFoundError(
        f"load_mnist: no {stem}[.gz] under {str(root)!r} (looked in {root}, {root / 'MNIST' / 'raw'}, {root / 'raw'}); "
        "download the four MNIST IDX files there (this library never downloads anything)"
    )


def load_mnist(root: str | os.PathLike, train: bool = True, flatten: bool = True, dtype=None) -> TensorDataset:
    """MNIST (or any IDX data set with MNIST's file names) from the IDX files in ``root``, as a ``TensorDataset``.

    Looks for ``train-images-idx3-ubyte`` / ``train-labels-idx1-ubyte`` (``train=True``) or the
    ``t10k-`` pair (``train=False``), raw or ``.gz``, in ``root``, ``root/MNIST/raw`` (torchvision's
    layout) or ``root/raw``. Features are scaled to [0, 1] (784 per image, or ``(1, 28, 28)`` with
    ``flatten=False``); labels are int64.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from autograd.data import load_mnist, write_idx
        >>> root = tempfile.mkdtemp()
        >>> write_idx(os.path.join(root, "t10k-images-idx3-ubyte.gz"), np.full((2, 28, 28), 255, np.uint8))
        >>> write_idx(os.path.join(root, "t10k-labels-idx1-ubyte.gz"), np.array([7, 2], np.uint8))
        >>> x, y = load_mnist(root, train=False).tensors
        >>> x.shape, float(x.max()), y.tolist()
        (Size([2, 784]), 1.0, [7, 2])
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"load_mnist: {str(root)!r} is not a directory")
    img_path, lab_path = (_find(root, s) for s in _MNIST_FILES[bool(train)])
    images, labels = read_idx(img_path), read_idx(lab_path)
    if images.ndim != 3 or labels.ndim != 1:
        raise ValueError(f"load_mnist: expected images (N, H, W) and labels (N,), got {images.shape} in {img_path} "
                         f"and {labels.shape} in {lab_path}")
    if len(images) != len(labels):
        raise ValueError(f"load_mnist: {len(images)} images in {img_path} but {len(labels)} labels in {lab_path}")
    x = _features(images, 255.0, flatten, dtype)
    return TensorDataset(_wrap(x, None, False), _wrap(labels.astype(np.int64), None, False))
