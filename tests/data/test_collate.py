"""default_collate / default_convert: PyTorch's rules and clear errors."""

from collections import namedtuple

import numpy as np
import pytest

import autograd as ag
from autograd.data import DataLoader, Dataset, default_collate, default_convert


def test_collate_matches_pytorch_types_and_dtypes():
    torch = pytest.importorskip("torch")
    samples = [(1, 2.0, True, "s", np.float32(3), np.array([1, 2]), {"k": 1})] * 2
    ours = default_collate(samples)
    ref = torch.utils.data.default_collate(samples)
    assert type(ours) is type(ref) is list
    for a, b in zip(ours[:3] + ours[4:6], ref[:3] + ref[4:6]):
        assert isinstance(a, ag.Tensor)
        np.testing.assert_array_equal(a.data, b.numpy())
        assert a.data.dtype == b.numpy().dtype, (a.data.dtype, b.dtype)
    assert ours[3] == ref[3] == ("s", "s")
    assert ours[6]["k"].tolist() == ref[6]["k"].tolist()


def test_collate_tensors_and_nested_structures():
    out = default_collate([{"x": ag.zeros(3), "y": [1, ag.ones(2)]}, {"x": ag.ones(3), "y": [2, ag.ones(2)]}])
    assert out["x"].shape == (2, 3) and out["y"][0].tolist() == [1, 2] and out["y"][1].shape == (2, 2)
    Point = namedtuple("Point", "x y")
    p = default_collate([Point(1, 2.0), Point(3, 4.0)])
    assert isinstance(p, Point) and p.x.tolist() == [1, 3] and p.y.dtype == np.float64


def test_collate_keeps_graph_for_tensors_requiring_grad():
    a = ag.ones(2, requires_grad=True)
    out = default_collate([a, a * 2])
    out.sum().backward()
    assert a.grad.tolist() == [3.0, 3.0]


def test_different_shapes_error_names_shapes_and_sample_index():
    with pytest.raises(RuntimeError, match=r"sample 2 has tensor shape \(3,\) but sample 0 has shape \(2,\)"):
        default_collate([ag.zeros(2), ag.zeros(2), ag.zeros(3)])
    with pytest.raises(RuntimeError, match=r"sample 1 has array shape \(2, 2\) but sample 0 has shape \(4,\) at \[0\]"):
        default_collate([(np.zeros(4), 1), (np.zeros((2, 2)), 2)])
    with pytest.raises(RuntimeError, match=r"sample 1 .* at \['img'\]"):
        default_collate([{"img": ag.zeros(1)}, {"img": ag.zeros(2)}])


def test_other_collate_errors():
    with pytest.raises(TypeError, match="batch must contain tensors.*NoneType"):
        default_collate([None, None])
    with pytest.raises(TypeError, match="sample 1 is a str but sample 0 is a number"):
        default_collate([1, "a"])
    with pytest.raises(RuntimeError, match="sample 1 has 3 elements but sample 0 has 2"):
        default_collate([(1, 2), (1, 2, 3)])
    with pytest.raises(RuntimeError, match="keys"):
        default_collate([{"a": 1}, {"b": 1}])
    with pytest.raises(TypeError, match="dtype object"):
        default_collate([np.array([None]), np.array([None])])
    with pytest.raises(ValueError, match="empty batch"):
        default_collate([])


def test_dataloader_surfaces_shape_error():
    class Ragged(Dataset):
        def __len__(self):
            return 4

        def __getitem__(self, i):
            return ag.zeros(i + 1), i

    with pytest.raises(RuntimeError, match=r"sample 1 has tensor shape \(2,\) but sample 0 has shape \(1,\) at \[0\]"):
        next(iter(DataLoader(Ragged(), batch_size=2)))


def test_default_convert():
    out = default_convert({"a": np.arange(3), "b": (np.float64(1.5), "s")})
    assert isinstance(out["a"], ag.Tensor) and isinstance(out["b"], list)
    assert out["b"][0].dtype == np.float64 and out["b"][1] == "s"
