"""Bundled digits (load_digits) and the MNIST IDX reader (read_idx / load_mnist) on files the tests write."""

import gzip
import struct

import numpy as np
import pytest

import autograd as ag
from autograd.data import IDXFormatError, TensorDataset, load_digits, load_mnist, read_idx, write_idx
from autograd.data.datasets import DIGITS_PATH


def test_bundled_file_is_small_and_plain():
    assert DIGITS_PATH.stat().st_size < 100_000
    with np.load(DIGITS_PATH, allow_pickle=False) as z:
        assert z["images"].dtype == np.uint8 and z["images"].shape == (1797, 8, 8)
        assert z["labels"].dtype == np.int64 and z["images"].max() == 16
        assert np.bincount(z["labels"]).tolist() == [178, 182, 177, 183, 181, 182, 181, 179, 174, 180]
    assert (DIGITS_PATH.parent / "DIGITS_LICENSE.txt").read_text().count("BSD") >= 1


def test_full_dataset_shapes_dtypes_and_range():
    full = load_digits(split=False)
    x, y = full.tensors
    assert isinstance(full, TensorDataset) and x.shape == (1797, 64) and y.shape == (1797,)
    assert x.dtype == np.float32 and y.dtype == np.int64
    assert float(x.min()) == 0.0 and float(x.max()) == 1.0 and set(y.tolist()) == set(range(10))
    assert load_digits(split=False, dtype=ag.float64).tensors[0].dtype == np.float64
    assert load_digits(split=False, flatten=False).tensors[0].shape == (1797, 1, 8, 8)


def test_split_sizes_disjoint_stratified_and_reproducible():
    train, val, test = load_digits(val_fraction=0.15, test_fraction=0.15, seed=0)
    assert (len(train), len(val), len(test)) == (1257, 270, 270)
    full_x = load_digits(split=False).tensors[0].data
    rows = {tuple(r) for r in full_x}
    parts = [set(map(tuple, d.tensors[0].data)) for d in (train, val, test)]
    # identical images exist in the data, so compare multiset sizes through the union
    assert sum(len(d) for d in (train, val, test)) == 1797 and parts[0] | parts[1] | parts[2] == rows
    for d in (train, val, test):
        counts = np.bincount(d.tensors[1].data, minlength=10) / len(d)
        assert np.abs(counts - 0.1).max() < 0.012  # every class keeps its ~10% share
    again = load_digits(seed=0)
    for a, b in zip((train, val, test), again):
        np.testing.assert_array_equal(a.tensors[0].data, b.tensors[0].data)
        np.testing.assert_array_equal(a.tensors[1].data, b.tensors[1].data)
    other = load_digits(seed=1)
    assert not np.array_equal(other.test.tensors[1].data, test.tensors[1].data)


def test_split_indices_are_disjoint():
    from autograd.data.datasets import stratified_order

    labels = np.repeat(np.arange(3), [5, 7, 11])
    order = stratified_order(labels, seed=2)
    assert sorted(order.tolist()) == list(range(23))


def test_zero_val_fraction_and_bad_fractions():
    train, val, test = load_digits(val_fraction=0.0, test_fraction=0.2)
    assert len(val) == 0 and len(train) + len(test) == 1797
    with pytest.raises(ValueError, match="val_fraction"):
        load_digits(val_fraction=1.5)
    with pytest.raises(ValueError, match="must be < 1"):
        load_digits(val_fraction=0.5, test_fraction=0.5)
    with pytest.raises(TypeError, match="floating dtype"):
        load_digits(dtype=ag.int64)


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.int32, np.float32, np.float64])
@pytest.mark.parametrize("gz", [False, True])
def test_idx_round_trip(tmp_path, dtype, gz):
    arr = (np.arange(24) - 5).astype(dtype).reshape(2, 3, 4)
    if dtype == np.uint8:
        arr = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    path = tmp_path / ("a-idx3" + (".gz" if gz else ""))
    write_idx(path, arr)
    out = read_idx(path)
    assert out.dtype == arr.dtype and out.shape == arr.shape
    np.testing.assert_array_equal(out, arr)


def test_idx_reader_on_hand_written_bytes(tmp_path):
    # an idx1 label file written byte by byte as the MNIST spec describes: magic 0x00000801, count, values
    p = tmp_path / "labels-idx1-ubyte"
    p.write_bytes(struct.pack(">IIBBB", 0x00000801, 3, 7, 2, 1))
    assert read_idx(p).tolist() == [7, 2, 1]
    p2 = tmp_path / "f-idx2"
    p2.write_bytes(struct.pack(">BBBBII", 0, 0, 0x0D, 2, 1, 2) + struct.pack(">ff", 1.5, -2.0))
    assert read_idx(p2).tolist() == [[1.5, -2.0]]


def test_idx_errors(tmp_path):
    p = tmp_path / "x"
    p.write_bytes(b"\x00\x00\x08\x01" + struct.pack(">I", 5) + b"\x01\x02")
    with pytest.raises(IDXFormatError, match=r"'.*x' is truncated: shape \(5,\).*needs 13 bytes, the file has 10"):
        read_idx(p)
    p.write_bytes(b"PK\x03\x04whatever")
    with pytest.raises(IDXFormatError, match="bad magic number 0x504b0304"):
        read_idx(p)
    p.write_bytes(b"\x00\x00\x07\x01")
    with pytest.raises(IDXFormatError, match="bad magic number"):
        read_idx(p)
    p.write_bytes(b"\x00\x00\x08\x03\x00\x00")
    with pytest.raises(IDXFormatError, match="truncated inside its header"):
        read_idx(p)
    p.write_bytes(b"\x00\x00")
    with pytest.raises(IDXFormatError, match="truncated"):
        read_idx(p)
    p.write_bytes(struct.pack(">IIB", 0x801, 0, 9))
    with pytest.raises(IDXFormatError, match="1 unexpected bytes"):
        read_idx(p)
    full = gzip.compress(struct.pack(">II", 0x801, 100) + bytes(100))
    p.write_bytes(full[:20])
    with pytest.raises(IDXFormatError, match="truncated or corrupted gzip"):
        read_idx(p)
    assert issubclass(IDXFormatError, ValueError)
    with pytest.raises(FileNotFoundError):
        read_idx(tmp_path / "missing")
    with pytest.raises(TypeError, match="no IDX type code"):
        write_idx(tmp_path / "y", np.zeros(2, dtype=np.int64))


def _write_mnist(folder, n_train=5, n_test=3, gz=True):
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    sfx = ".gz" if gz else ""
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte{sfx}", rng.integers(0, 256, (n, 28, 28), dtype=np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{sfx}", rng.integers(0, 10, n).astype(np.uint8))


def test_load_mnist_layouts(tmp_path):
    _write_mnist(tmp_path / "flat")
    train = load_mnist(tmp_path / "flat")
    x, y = train.tensors
    assert x.shape == (5, 784) and x.dtype == np.float32 and 0 <= float(x.min()) and float(x.max()) <= 1
    assert y.dtype == np.int64
    assert len(load_mnist(tmp_path / "flat", train=False)) == 3
    _write_mnist(tmp_path / "tv" / "MNIST" / "raw", gz=False)  # torchvision's layout, uncompressed
    assert load_mnist(tmp_path / "tv", flatten=False).tensors[0].shape == (5, 1, 28, 28)


def test_load_mnist_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not a directory"):
        load_mnist(tmp_path / "nope")
    with pytest.raises(FileNotFoundError, match="no train-images-idx3-ubyte.*never downloads"):
        load_mnist(tmp_path)
    _write_mnist(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte.gz", np.zeros(4, np.uint8))
    with pytest.raises(ValueError, match="5 images .* but 4 labels"):
        load_mnist(tmp_path)
