"""DataLoader, samplers, datasets and random_split: PyTorch's semantics."""

import numpy as np
import pytest

import autograd as ag
from autograd.data import (
    BatchSampler,
    ConcatDataset,
    DataLoader,
    Dataset,
    IterableDataset,
    RandomSampler,
    SequentialSampler,
    Subset,
    SubsetRandomSampler,
    TensorDataset,
    WeightedRandomSampler,
    random_split,
)


def _ds(n=10):
    return TensorDataset(ag.arange(2 * n).float().reshape(n, 2), ag.arange(n))


def _labels(loader):
    return [y.tolist() for _, y in loader]


class ListDataset(Dataset):
    """A plain map-style data set (no fast path)."""

    def __init__(self, items):
        self.items = items

    def __len__(self):
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


@pytest.mark.parametrize("n,bs,drop_last", [(10, 3, False), (10, 3, True), (10, 5, True), (10, 1, False), (10, 20, False),
                                            (10, 20, True), (0, 4, False)])
def test_batches_len_and_drop_last_match_pytorch(n, bs, drop_last):
    torch = pytest.importorskip("torch")
    ours = DataLoader(_ds(n), batch_size=bs, drop_last=drop_last)
    ref = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(n)), batch_size=bs, drop_last=drop_last)
    assert len(ours) == len(ref)
    assert _labels(ours) == [b[0].tolist() for b in ref]


def test_batch_structure_matches_pytorch():
    torch = pytest.importorskip("torch")
    ours = next(iter(DataLoader(_ds(), batch_size=4)))
    ref = next(iter(torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(torch.arange(20.0).reshape(10, 2), torch.arange(10)), batch_size=4)))
    assert type(ours) is type(ref) is list
    for a, b in zip(ours, ref):
        np.testing.assert_array_equal(a.data, b.numpy())
        assert a.data.dtype == b.numpy().dtype


def test_fast_path_equals_per_sample_path():
    ds = _ds(13)
    slow = ListDataset([ds[i] for i in range(13)])
    for kw in (dict(batch_size=4), dict(batch_size=4, drop_last=True)):
        fast_b = list(DataLoader(ds, **kw))
        slow_b = list(DataLoader(slow, **kw))
        assert len(fast_b) == len(slow_b)
        for f, s in zip(fast_b, slow_b):
            for a, b in zip(f, s):
                np.testing.assert_array_equal(a.data, b.data)
                assert a.data.dtype == b.data.dtype


def test_fast_path_batches_are_copies():
    ds = _ds(4)
    x, _ = next(iter(DataLoader(ds, batch_size=2)))
    x.data[:] = -1
    assert ds.tensors[0].data.min() >= 0


def test_subclass_overriding_getitem_is_respected():
    class Doubled(TensorDataset):
        def __getitem__(self, i):
            x, y = super().__getitem__(i)
            return x * 2, y

    x, _ = next(iter(DataLoader(Doubled(ag.ones(4, 2), ag.arange(4)), batch_size=4)))
    np.testing.assert_array_equal(x.data, 2 * np.ones((4, 2)))


def test_shuffle_covers_everything_differs_per_epoch_and_is_reproducible():
    def epochs(seed, k=3):
        loader = DataLoader(_ds(20), batch_size=6, shuffle=True, generator=ag.Generator().manual_seed(seed))
        return [sum(_labels(loader), []) for _ in range(k)]

    a, b = epochs(0), epochs(0)
    assert a == b
    for order in a:
        assert sorted(order) == list(range(20))
    assert a[0] != a[1] != a[2]
    assert epochs(1) != a


def test_shuffle_without_generator_follows_manual_seed():
    loader = DataLoader(_ds(20), batch_size=20, shuffle=True)
    ag.manual_seed(3)
    first = _labels(loader)
    ag.manual_seed(3)
    assert _labels(loader) == first


def test_shuffled_x_and_y_stay_paired():
    for x, y in DataLoader(_ds(11), batch_size=4, shuffle=True, generator=ag.Generator().manual_seed(0)):
        np.testing.assert_array_equal(x.data[:, 0], 2 * y.data)


def test_shuffle_drop_last_sizes():
    loader = DataLoader(_ds(10), batch_size=4, shuffle=True, drop_last=True, generator=ag.Generator().manual_seed(0))
    assert [len(y) for _, y in loader] == [4, 4] and len(loader) == 2


def test_subset_of_tensor_dataset_uses_its_indices():
    sub = Subset(_ds(10), [9, 2, 5])
    assert _labels(DataLoader(sub, batch_size=2)) == [[9, 2], [5]]


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "4"])
def test_bad_batch_size(bad):
    with pytest.raises(ValueError, match="batch_size should be a positive integer"):
        DataLoader(_ds(), batch_size=bad)


def test_conflicting_options():
    with pytest.raises(ValueError, match="mutually exclusive with shuffle"):
        DataLoader(_ds(), shuffle=True, sampler=SequentialSampler(range(10)))
    with pytest.raises(ValueError, match="batch_sampler option is mutually exclusive"):
        DataLoader(_ds(), batch_size=2, batch_sampler=BatchSampler(SequentialSampler(range(10)), 2, False))
    with pytest.raises(ValueError, match="drop_last"):
        DataLoader(_ds(), batch_size=None, drop_last=True)
    with pytest.raises(TypeError, match="generator"):
        DataLoader(_ds(), shuffle=True, generator=42)
    with pytest.raises(ValueError, match="num_workers"):
        DataLoader(_ds(), num_workers=-1)


def test_batch_size_none_yields_converted_samples():
    torch = pytest.importorskip("torch")
    ours = list(DataLoader(_ds(3), batch_size=None))
    ref = list(torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.arange(6.0).reshape(3, 2), torch.arange(3)),
                                           batch_size=None))
    assert len(ours) == len(ref) == 3
    assert type(ours[0]) is type(ref[0]) is list
    assert ours[1][1].tolist() == ref[1][1].tolist() == 1
    np_samples = list(DataLoader(ListDataset([np.arange(2)] * 2), batch_size=None))
    assert isinstance(np_samples[0], ag.Tensor)


def test_custom_sampler_batch_sampler_and_collate_fn():
    loader = DataLoader(_ds(6), sampler=[5, 4, 3], batch_size=2)
    assert _labels(loader) == [[5, 4], [3]] and len(loader) == 2
    loader = DataLoader(_ds(6), batch_sampler=[[0, 5], [1]])
    assert _labels(loader) == [[0, 5], [1]]
    seen = []
    loader = DataLoader(ListDataset(list("abcde")), batch_size=2, collate_fn=lambda b: seen.append(b) or "".join(b))
    assert list(loader) == ["ab", "cd", "e"] and seen[0] == ["a", "b"]


def test_iterable_dataset():
    class Stream(IterableDataset):
        def __iter__(self):
            return iter(range(7))

        def __len__(self):
            return 7

    loader = DataLoader(Stream(), batch_size=3, drop_last=True)
    assert [b.tolist() for b in loader] == [[0, 1, 2], [3, 4, 5]] and len(loader) == 2
    with pytest.raises(ValueError, match="shuffle"):
        DataLoader(Stream(), shuffle=True)


def test_samplers():
    g = ag.Generator().manual_seed(0)
    assert list(SequentialSampler(range(3))) == [0, 1, 2]
    rs = RandomSampler(range(5), generator=g)
    assert sorted(rs) == [0, 1, 2, 3, 4] and len(rs) == 5
    rs = RandomSampler(range(3), num_samples=7, generator=g)
    out = list(rs)
    assert len(out) == 7 and sorted(out[:3]) == [0, 1, 2] and sorted(out[3:6]) == [0, 1, 2]
    rep = list(RandomSampler(range(3), replacement=True, num_samples=50, generator=g))
    assert len(rep) == 50 and set(rep) <= {0, 1, 2}
    assert sorted(SubsetRandomSampler([4, 8, 6], generator=g)) == [4, 6, 8]
    w = list(WeightedRandomSampler([0.0, 0.0, 1.0], 4, generator=g))
    assert w == [2, 2, 2, 2]
    with pytest.raises(ValueError, match="num_samples"):
        RandomSampler(range(3), num_samples=0)
    with pytest.raises(ValueError, match="weights"):
        WeightedRandomSampler([-1.0, 1.0], 2)
    assert list(BatchSampler(range(5), 2, drop_last=False)) == [[0, 1], [2, 3], [4]]
    assert len(BatchSampler(range(5), 2, drop_last=True)) == 2


def test_tensor_dataset_errors_and_indexing():
    with pytest.raises(ValueError, match=r"Size mismatch.*\[3, 4\].*\(3, 2\), \(4,\)"):
        TensorDataset(ag.zeros(3, 2), ag.zeros(4))
    with pytest.raises(ValueError, match="0-d"):
        TensorDataset(ag.tensor(1.0))
    with pytest.raises(TypeError, match="argument 1 is a list"):
        TensorDataset(ag.zeros(3), [1, 2, 3])
    ds = _ds(5)
    x, y = ds[-1]
    assert y.item() == 4 and x.tolist() == [8.0, 9.0]


def test_concat_dataset():
    ds = ConcatDataset([_ds(3), _ds(2)])
    assert len(ds) == 5 and ds[3][1].item() == 0 and ds[-1][1].item() == 1
    assert len(_ds(3) + _ds(4)) == 7
    with pytest.raises(IndexError):
        ds[5]


def test_random_split_lengths_fractions_and_reproducibility():
    torch = pytest.importorskip("torch")
    for n, fr in [(10, [0.33, 0.33, 0.34]), (11, [0.5, 0.5]), (7, [0.1, 0.9]), (100, [0.7, 0.15, 0.15])]:
        ours = [len(s) for s in random_split(range(n), fr, generator=ag.Generator().manual_seed(0))]
        ref = [len(s) for s in torch.utils.data.random_split(range(n), fr)]
        assert ours == ref
    a = random_split(range(20), [10, 6, 4], generator=ag.Generator().manual_seed(5))
    b = random_split(range(20), [10, 6, 4], generator=ag.Generator().manual_seed(5))
    assert [list(s) for s in a] == [list(s) for s in b]
    assert sorted(sum((list(s) for s in a), [])) == list(range(20))
    assert isinstance(a[0], Subset)


def test_random_split_errors():
    with pytest.raises(ValueError, match="Sum of input lengths does not equal.*sum to 6.*10 samples"):
        random_split(range(10), [3, 3])
    with pytest.raises(ValueError, match="fractions must sum to 1"):
        random_split(range(10), [0.5, 0.6])
    with pytest.raises(ValueError, match="non-negative"):
        random_split(range(2), [3, -1])


def test_digits_loader_epoch_is_fast_path():
    from autograd.data import load_digits

    train = load_digits().train
    loader = DataLoader(train, batch_size=64, shuffle=True, generator=ag.Generator().manual_seed(0))
    seen = np.concatenate([y.data for _, y in loader])
    assert sorted(seen.tolist()) == sorted(train.tensors[1].tolist())
