"""autograd.save / autograd.load: round trips, atomic writes, clear errors, never unpickling."""

import io
import math
import os
import pickle
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
from autograd import serialization
from autograd.serialization import SerializationError


def _assert_same(a, b):
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, ag.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape and a.requires_grad == b.requires_grad
        np.testing.assert_array_equal(a.data, b.data)
    elif isinstance(a, np.ndarray):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, dict):
        assert list(a.keys()) == list(b.keys())
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _assert_same(x, y)
    elif isinstance(a, float) and math.isnan(a):
        assert math.isnan(b)
    else:
        assert a == b


def _roundtrip(obj, tmp_path):
    path = tmp_path / "obj.ngd"
    ag.save(obj, path)
    return ag.load(path)


def test_nested_round_trip_all_supported_types(tmp_path):
    obj = {
        "f32": ag.randn(3, 4),
        "f64": ag.randn(2, dtype=ag.float64, requires_grad=True),
        "i64": ag.arange(5),
        "bool": ag.tensor([True, False]),
        "scalar": ag.tensor(2.5),
        "empty": ag.zeros(0, 3),
        "noncontig": ag.arange(12).reshape(3, 4).t(),
        "np": np.arange(6, dtype=np.int32).reshape(2, 3),
        "npscalar": np.float32(1.25),
        "dtype": ag.float64,
        "nums": [1, -2**70, 0.1, float("inf"), float("-inf"), float("nan"), True, None],
        "tuple": (1, ("a", "é✓"), []),
        "bytes": b"\x00\xff",
        3: {"int key": 1, 0: "zero", -1: None},
        "od": OrderedDict([("b", 1), ("a", 2)]),
    }
    out = _roundtrip(obj, tmp_path)
    expected = dict(obj)
    expected["noncontig"] = ag.arange(12).reshape(3, 4).t()
    _assert_same(expected, out)
    assert out["f64"].is_leaf and out["f64"].grad is None


def test_loaded_tensors_are_writable_and_independent(tmp_path):
    t = ag.ones(3)
    out = _roundtrip({"t": t}, tmp_path)["t"]
    out.data[0] = 5
    out.add_(1)
    assert t.tolist() == [1.0, 1.0, 1.0]


def test_shared_tensor_stays_shared(tmp_path):
    w = ag.randn(2, 2)
    out = _roundtrip({"a": w, "b": [w]}, tmp_path)
    assert out["a"] is out["b"][0]


def test_optimizer_style_state_dict_keeps_int_keys(tmp_path):
    sd = {
        "state": {0: {"step": ag.tensor(10.0), "exp_avg": ag.randn(3), "exp_avg_sq": ag.rand(3)}, 2: {"momentum_buffer": None}},
        "param_groups": [{"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0, "amsgrad": False,
                          "params": [0, 1, 2], "name": None}],
    }
    out = _roundtrip(sd, tmp_path)
    _assert_same(sd, out)
    assert list(out["state"]) == [0, 2] and isinstance(out["param_groups"][0]["betas"], tuple)


def test_model_state_dict_round_trip_matches_pytorch_bits(tmp_path):
    torch = pytest.importorskip("torch")
    ref = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2)).state_dict()
    ours = OrderedDict((k, ag.tensor(v.numpy())) for k, v in ref.items())
    out = _roundtrip(ours, tmp_path)
    assert list(out) == list(ref) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    for k in ref:
        assert out[k].data.tobytes() == ref[k].numpy().tobytes()


def test_file_objects_and_deterministic_bytes(tmp_path):
    obj = {"w": ag.arange(4).float(), "x": [1, "a"]}
    a, b = io.BytesIO(), io.BytesIO()
    ag.save(obj, a)
    ag.save(obj, b)
    assert a.getvalue() == b.getvalue()
    a.seek(0)
    _assert_same(obj, ag.load(a))
    with open(tmp_path / "f.ngd", "wb") as f:
        ag.save(obj, f)
    with open(tmp_path / "f.ngd", "rb") as f:
        _assert_same(obj, ag.load(f))
    _assert_same(obj, ag.load(str(tmp_path / "f.ngd"), map_location="cpu", weights_only=True))


def test_file_is_a_zip_with_a_json_manifest(tmp_path):
    ag.save({"w": ag.ones(2)}, tmp_path / "m.ngd")
    with zipfile.ZipFile(tmp_path / "m.ngd") as zf:
        assert zf.namelist() == ["numbagrad.format", "manifest.json", "arrays/0.npy"]
        assert zf.read("numbagrad.format") == b"numbagrad-save 1\n"


def test_unsupported_objects_fail_before_writing(tmp_path):
    path = tmp_path / "keep.ngd"
    ag.save({"v": 1}, path)
    before = path.read_bytes()
    with pytest.raises(TypeError, match=r"cannot store an object of type object at obj\['a'\]\[1\]"):
        ag.save({"a": [1, object()]}, path)
    with pytest.raises(TypeError, match="dict key"):
        ag.save({(1, 2): 3}, path)
    with pytest.raises(TypeError, match="dtype object"):
        ag.save({"a": np.array([None])}, path)
    cyc = []
    cyc.append(cyc)
    with pytest.raises(ValueError, match="reference cycle"):
        ag.save(cyc, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["keep.ngd"]


def test_crash_mid_write_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.ngd"
    ag.save({"epoch": 1, "w": ag.ones(1000)}, path)
    before = path.read_bytes()
    calls = []
    real = np.lib.format.write_array

    def exploding(f, arr, *a, **kw):
        calls.append(1)
        if len(calls) == 2:
            f.write(b"partial")
            raise KeyboardInterrupt("simulated crash mid-save")
        return real(f, arr, *a, **kw)

    monkeypatch.setattr(np.lib.format, "write_array", exploding)
    with pytest.raises(KeyboardInterrupt):
        ag.save({"epoch": 2, "w": ag.zeros(1000), "v": ag.zeros(1000)}, path)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["ckpt.ngd"]  # no temporary file left behind
    assert ag.load(path)["epoch"] == 1


def test_failed_rename_keeps_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.ngd"
    ag.save([1], path)

    def no_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(serialization.os, "replace", no_replace)
    with pytest.raises(OSError, match="disk full"):
        ag.save([2], path)
    monkeypatch.undo()
    assert ag.load(path) == [1] and os.listdir(tmp_path) == ["ckpt.ngd"]


def test_save_path_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="folder .* does not exist"):
        ag.save([1], tmp_path / "missing" / "x.ngd")
    with pytest.raises(IsADirectoryError):
        ag.save([1], tmp_path)
    with pytest.raises(TypeError, match="path or a binary file"):
        ag.save([1], 42)
    with pytest.raises(FileNotFoundError):
        ag.load(tmp_path / "nothing.ngd")


def test_save_keeps_permissions_and_writes_through_symlink(tmp_path):
    path = tmp_path / "real.ngd"
    ag.save([1], path)
    os.chmod(path, 0o640)
    link = tmp_path / "link.ngd"
    link.symlink_to(path)
    ag.save([2], link)
    assert link.is_symlink() and ag.load(path) == [2]
    assert (os.stat(path).st_mode & 0o777) == 0o640


@pytest.fixture
def good_bytes():
    buf = io.BytesIO()
    ag.save({"w": ag.randn(50, 20), "step": 3, "name": "model"}, buf)
    return buf.getvalue()


def test_truncated_files_give_clear_errors(tmp_path, good_bytes):
    path = tmp_path / "t.ngd"
    for cut in (0, 10, 40, 100, len(good_bytes) // 2, len(good_bytes) - 1):
        path.write_bytes(good_bytes[:cut])
        with pytest.raises(SerializationError, match=r"t\.ngd'.* (truncated|empty)"):
            ag.load(path)


def test_corrupted_bytes_give_clear_errors(tmp_path, good_bytes):
    path = tmp_path / "c.ngd"
    rng = np.random.default_rng(0)
    positions = list(range(0, len(good_bytes), 97)) + list(rng.integers(0, len(good_bytes), 30))
    for pos in positions:
        bad = bytearray(good_bytes)
        bad[pos] ^= 0x5A
        path.write_bytes(bytes(bad))
        try:
            out = ag.load(path)
        except SerializationError as e:
            assert "c.ngd" in str(e)
            continue
        # a flip in bytes that carry no data (e.g. zip "version made by") may load; then the data must be intact
        np.testing.assert_array_equal(out["w"].data, ag.load(io.BytesIO(good_bytes))["w"].data)


def test_foreign_files_are_rejected(tmp_path):
    cases = {
        "text.txt": (b"hello world, not a checkpoint", "not a numbagrad file: unknown header"),
        "data.pkl": (pickle.dumps({"a": 1}), "looks like a pickle"),
        "arr.npy": (None, "single .npy array"),
        "other.zip": (None, "zip archive but not a numbagrad file"),
    }
    np.save(tmp_path / "arr.npy", np.zeros(3))
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as zf:
        zf.writestr("readme.txt", "hi")
    for name, (content, msg) in cases.items():
        if content is not None:
            (tmp_path / name).write_bytes(content)
        with pytest.raises(SerializationError, match=msg):
            ag.load(tmp_path / name)
    assert issubclass(SerializationError, RuntimeError)


def test_torch_save_file_is_rejected(tmp_path):
    torch = pytest.importorskip("torch")
    torch.save({"w": torch.ones(2)}, tmp_path / "t.pt")
    with pytest.raises(SerializationError, match="not a numbagrad file"):
        ag.load(tmp_path / "t.pt")


class _Evil:
    def __reduce__(self):
        return (os.system, ("touch PWNED",))


def test_load_never_unpickles(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    payload = pickle.dumps(_Evil())
    # 1) an object-dtype .npy member (np.load would unpickle it with allow_pickle=True)
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.array([_Evil()], dtype=object), allow_pickle=True)
    crafted = io.BytesIO()
    with zipfile.ZipFile(crafted, "w") as zf:
        zf.writestr(zipfile.ZipInfo("numbagrad.format"), b"numbagrad-save 1\n")
        zf.writestr("manifest.json", '{"format":"numbagrad","version":1,"arrays":1,"root":{"$":"ndarray","a":0}}')
        zf.writestr("arrays/0.npy", buf.getvalue())
    (tmp_path / "evil.ngd").write_bytes(crafted.getvalue())
    with pytest.raises(SerializationError, match="not a plain numeric array"):
        ag.load(tmp_path / "evil.ngd")
    # 2) a raw pickle stream, and a pickle inside a manifest slot
    (tmp_path / "evil.pkl").write_bytes(payload)
    with pytest.raises(SerializationError, match="pickle"):
        ag.load(tmp_path / "evil.pkl")
    crafted = io.BytesIO()
    with zipfile.ZipFile(crafted, "w") as zf:
        zf.writestr(zipfile.ZipInfo("numbagrad.format"), b"numbagrad-save 1\n")
        zf.writestr("manifest.json", payload)
    with pytest.raises(SerializationError, match="corrupted"):
        ag.load(io.BytesIO(crafted.getvalue()))
    assert not (tmp_path / "PWNED").exists()


def test_manifest_tampering_gives_clear_errors(tmp_path):
    def crafted(manifest, version=b"1"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(zipfile.ZipInfo("numbagrad.format"), b"numbagrad-save " + version + b"\n")
            zf.writestr("manifest.json", manifest)
        return io.BytesIO(buf.getvalue())

    with pytest.raises(SerializationError, match="numbagrad save format 9; this version reads up to 1"):
        ag.load(crafted('{"format":"numbagrad","version":9,"arrays":0,"root":1}', b"9"))
    with pytest.raises(SerializationError, match="out of range"):
        ag.load(crafted('{"format":"numbagrad","version":1,"arrays":0,"root":{"$":"tensor","a":0}}'))
    with pytest.raises(SerializationError, match="unknown manifest node type 'code'"):
        ag.load(crafted('{"format":"numbagrad","version":1,"arrays":0,"root":{"$":"code","v":"print(1)"}}'))
    with pytest.raises(SerializationError, match="corrupted"):
        ag.load(crafted('{"format":"numbagrad","version":1,"arrays":0,"root":{"$":"dict","k":[1],"v":[]}}'))
    with pytest.raises(SerializationError, match="corrupted"):
        ag.load(crafted("[" * 100000))
