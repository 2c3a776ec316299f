"""nn.Module, Parameter and the containers: registration, traversal, state_dict, modes, hooks, repr."""

from __future__ import annotations

import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import autograd as ag
import nn


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.bn = nn.BatchNorm1d(3)
        self.scale = nn.Parameter(ag.ones(3))
        self.register_buffer("steps", ag.zeros((), dtype=ag.int64))
        self.register_buffer("cache", ag.zeros(3), persistent=False)

    def forward(self, x):
        return self.bn(self.fc(x)) * self.scale


def make_net():
    return nn.Sequential(Block(), nn.Linear(3, 2))


# ---- registration and traversal ------------------------------------------------------------------
def test_named_parameters_buffers_children_modules():
    net = make_net()
    assert [n for n, _ in net.named_parameters()] == [
        "0.scale",
        "0.fc.weight",
        "0.fc.bias",
        "0.bn.weight",
        "0.bn.bias",
        "1.weight",
        "1.bias",
    ]
    assert [n for n, _ in net.named_buffers()] == [
        "0.steps",
        "0.cache",
        "0.bn.running_mean",
        "0.bn.running_var",
        "0.bn.num_batches_tracked",
    ]
    assert [n for n, _ in net.named_children()] == ["0", "1"]
    assert [n for n, _ in net.named_modules()] == ["", "0", "0.fc", "0.bn", "1"]
    assert len(list(net.modules())) == 5 and len(list(net.children())) == 2
    assert [n for n, _ in net[0].named_parameters(prefix="blk", recurse=False)] == ["blk.scale"]
    assert all(isinstance(p, nn.Parameter) and p.requires_grad for p in net.parameters())


def test_shared_parameters_and_modules_are_listed_once():
    lin = nn.Linear(2, 2)
    net = nn.Sequential(lin, lin)
    assert len(list(net.parameters())) == 2
    assert [n for n, _ in net.named_modules()] == ["", "0"]
    assert list(net.state_dict()) == ["0.weight", "0.bias", "1.weight", "1.bias"]


def test_attribute_assignment_rules():
    m = nn.Module()
    m.w = nn.Parameter(ag.zeros(1))
    m.sub = nn.Identity()
    m.plain = 3
    assert "w" in m._parameters and "sub" in m._modules and m.plain == 3
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'w'"):
        m.w = ag.zeros(1)
    m.w = None
    assert m.w is None and "w" in m._parameters
    m.register_buffer("b", ag.zeros(1))
    with pytest.raises(TypeError, match="buffer 'b'"):
        m.b = 5
    m.b = ag.ones(1)
    assert float(m.b) == 1
    del m.sub
    assert "sub" not in m._modules
    with pytest.raises(AttributeError, match="'Module' object has no attribute 'sub'"):
        m.sub  # noqa: B018
    with pytest.raises(KeyError, match="attribute 'plain' already exists"):
        m.register_buffer("plain", ag.zeros(1))
    with pytest.raises(KeyError, match=r'contain "\."'):
        m.register_parameter("a.b", None)
    with pytest.raises(TypeError, match="nn.Parameter or None required"):
        m.register_parameter("q", ag.ones(1))


def test_assigning_before_init_is_an_error():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(ag.zeros(1))

    with pytest.raises(AttributeError, match="before Module.__init__"):
        Bad()


def test_get_submodule_parameter_buffer():
    net = make_net()
    assert net.get_submodule("0.fc") is net[0].fc
    assert net.get_parameter("0.fc.bias") is net[0].fc.bias
    assert net.get_buffer("0.bn.running_var") is net[0].bn.running_var
    with pytest.raises(AttributeError, match="no attribute `nope`"):
        net.get_submodule("0.nope")


# ---- state dict -------------------------------------------------------------------------------
def test_state_dict_keys_shapes_and_sharing():
    net = make_net()
    sd = net.state_dict()
    assert list(sd) == [
        "0.scale",
        "0.steps",
        "0.fc.weight",
        "0.fc.bias",
        "0.bn.weight",
        "0.bn.bias",
        "0.bn.running_mean",
        "0.bn.running_var",
        "0.bn.num_batches_tracked",
        "1.weight",
        "1.bias",
    ]
    assert not sd["1.weight"].requires_grad and sd["1.weight"].data is net[1].weight.data
    assert net.state_dict(keep_vars=True)["1.weight"] is net[1].weight


def test_load_state_dict_roundtrip():
    a, b = make_net(), make_net()
    a[0].bn.running_mean.data[:] = 7
    assert repr(b.load_state_dict(a.state_dict())) == "<All keys matched successfully>"
    for (k, x), (_, y) in zip(a.state_dict().items(), b.state_dict().items()):
        assert np.array_equal(x.data, y.data), k
    assert b[1].weight.data is not a[1].weight.data  # copied, not aliased


def test_load_state_dict_reports_every_problem_and_loads_nothing():
    net = make_net()
    before = {k: v.data.copy() for k, v in net.state_dict().items()}
    bad = {k: ag.zeros(*v.shape) + 5 for k, v in net.state_dict().items()}
    bad.pop("1.bias")
    bad.pop("0.bn.running_var")
    bad["1.weight"] = ag.zeros(2, 4)
    bad["0.fc.bias"] = ag.zeros(5)
    bad["2.weight"] = ag.zeros(1)
    with pytest.raises(RuntimeError) as ei:
        net.load_state_dict(bad)
    msg = str(ei.value)
    assert msg.startswith("Error(s) in loading state_dict for Sequential:")
    assert 'Missing key(s) in state_dict: "0.bn.running_var", "1.bias".' in msg
    assert 'Unexpected key(s) in state_dict: "2.weight".' in msg
    assert "size mismatch for 1.weight: copying a param with shape Size([2, 4]) from checkpoint, " in msg
    assert "the shape in current model is Size([2, 3])." in msg
    assert "size mismatch for 0.fc.bias" in msg
    for k, v in net.state_dict().items():
        assert np.array_equal(v.data, before[k]), f"{k} changed although loading failed"


def test_load_state_dict_non_strict():
    net = make_net()
    sd = net.state_dict()
    sd.pop("1.bias")
    sd["extra"] = ag.zeros(1)
    res = net.load_state_dict(sd, strict=False)
    assert res.missing_keys == ["1.bias"] and res.unexpected_keys == ["extra"]
    sd["1.weight"] = ag.zeros(9)
    with pytest.raises(RuntimeError, match="size mismatch for 1.weight"):
        net.load_state_dict(sd, strict=False)
    with pytest.raises(TypeError, match="dict-like"):
        net.load_state_dict([1, 2])


def test_load_state_dict_accepts_arrays_and_casts_dtype():
    lin = nn.Linear(2, 2)
    lin.load_state_dict({"weight": np.eye(2), "bias": np.array([1.0, 2.0])})
    assert lin.weight.dtype == np.float32 and lin.bias.tolist() == [1.0, 2.0]
    assert lin.weight._version > 0


def test_batchnorm_checkpoint_without_num_batches_tracked_loads():
    bn = nn.BatchNorm1d(2)
    sd = bn.state_dict()
    sd.pop("num_batches_tracked")
    bn.load_state_dict(sd)


# ---- modes, grads, dtype ------------------------------------------------------------------------
def test_train_eval_requires_grad_zero_grad():
    net = make_net()
    assert net.training and net.eval() is net and not net[0].bn.training
    net.train()
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="boolean"):
        net.train("no")
    net(ag.randn(5, 4)).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    assert all(float(p.grad.abs().sum()) == 0 for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())
    net.requires_grad_(False)
    assert not any(p.requires_grad for p in net.parameters())


def test_apply_and_to_dtype_keep_parameter_objects():
    net = make_net()
    params = list(net.parameters())
    seen = []
    net.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "BatchNorm1d", "Block", "Linear", "Sequential"]
    net(ag.randn(3, 4)).sum().backward()
    assert net.double() is net
    assert [id(p) for p in net.parameters()] == [id(p) for p in params]
    assert all(p.dtype == np.float64 and p.grad.dtype == np.float64 for p in net.parameters())
    assert net[0].bn.running_mean.dtype == np.float64 and net[0].bn.num_batches_tracked.dtype == np.int64
    assert net(ag.randn(3, 4, dtype=ag.float64)).dtype == np.float64
    net.to(ag.float32)
    assert net[1].weight.dtype == np.float32
    net.to("cpu")
    with pytest.raises(RuntimeError, match="only the 'cpu' device"):
        net.to("cuda")
    with pytest.raises(TypeError, match="floating point"):
        net.to(ag.int64)


# ---- hooks and scope ------------------------------------------------------------------------------
def test_forward_hooks():
    lin = nn.Linear(2, 2)
    calls = []
    h1 = lin.register_forward_pre_hook(lambda m, args: calls.append("pre") or (args[0] * 0,))
    h2 = lin.register_forward_hook(lambda m, args, out: calls.append("post"))
    h3 = lin.register_forward_hook(lambda m, args, out: out + 100)
    out = lin(ag.ones(1, 2))
    assert calls == ["pre", "post"] and np.allclose(out.data, lin.bias.data + 100)
    h1.remove(), h2.remove(), h3.remove()
    h1.remove()
    assert not lin._has_hooks
    order = []
    lin.register_forward_hook(lambda m, a, o: order.append(1))
    lin.register_forward_hook(lambda m, a, o: order.append(0), prepend=True)
    lin.register_forward_pre_hook(lambda m, a, k: (a, {}), with_kwargs=True)
    lin(ag.ones(1, 2))
    assert order == [0, 1]
    with lin.register_forward_hook(lambda m, a, o: o * 0) as h:
        assert float(lin(ag.ones(1, 2)).abs().sum()) == 0
    assert h.id not in lin._forward_hooks


def test_ops_record_the_module_scope():
    net = make_net()
    out = net(ag.randn(3, 4))
    assert out.grad_fn.scope == (net, net[1])
    from autograd import scope

    assert scope.current_scope() == ()


def test_scope_is_restored_after_an_error():
    from autograd import scope

    with pytest.raises(RuntimeError):
        make_net()(ag.randn(3, 5))
    assert scope.current_scope() == ()


def test_missing_forward():
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)


# ---- containers -----------------------------------------------------------------------------------
def test_sequential_indexing_slicing_editing():
    s = nn.Sequential(nn.Linear(1, 2), nn.Identity(), nn.Linear(2, 3))
    assert isinstance(s[0], nn.Linear) and s[-1] is s[2] and len(s) == 3
    sub = s[1:]
    assert isinstance(sub, nn.Sequential) and list(sub._modules) == ["1", "2"] and sub[1] is s[2]
    assert [type(m).__name__ for m in s] == ["Linear", "Identity", "Linear"]
    s.append(nn.Identity())
    assert len(s) == 4
    del s[1]
    assert list(s._modules) == ["0", "1", "2"] and isinstance(s[1], nn.Linear)
    s[2] = nn.Flatten()
    assert isinstance(s[2], nn.Flatten)
    s.insert(0, nn.Identity())
    assert isinstance(s[0], nn.Identity) and len(s) == 4
    assert len(s + nn.Sequential(nn.Identity())) == 5
    with pytest.raises(IndexError, match="out of range"):
        s[10]
    named = nn.Sequential(OrderedDict([("enc", nn.Linear(2, 2)), ("act", nn.Identity())]))
    assert named.enc is named[0] and list(named.state_dict()) == ["enc.weight", "enc.bias"]


def test_modulelist_and_moduledict():
    ml = nn.ModuleList([nn.Linear(2, 2) for _ in range(3)])
    ml.append(nn.Identity())
    ml += [nn.Identity()]
    assert len(ml) == 5 and isinstance(ml[1:3], nn.ModuleList) and len(list(ml.parameters())) == 6
    del ml[0]
    assert list(ml._modules) == ["0", "1", "2", "3"]
    md = nn.ModuleDict({"a": nn.Linear(1, 1)})
    md["b"] = nn.Identity()
    md.update([("c", nn.Identity())])
    assert list(md) == ["a", "b", "c"] and "b" in md and len(md) == 3
    assert md.pop("b").__class__ is nn.Identity and list(md.keys()) == ["a", "c"]
    with pytest.raises(TypeError, match="iterable"):
        ml.extend(nn.Identity())


def test_deepcopy_and_pickle():
    net = make_net()
    net(ag.randn(3, 4)).sum().backward()
    twin = copy.deepcopy(net)
    assert twin[1].weight is not net[1].weight and np.array_equal(twin[1].weight.data, net[1].weight.data)
    assert isinstance(twin[1].weight, nn.Parameter)
    again = pickle.loads(pickle.dumps(net))
    x = ag.randn(3, 4)
    net.eval(), again.eval()
    assert np.allclose(again(x).data, net(x).data)


def test_parameter():
    t = ag.ones(2)
    p = nn.Parameter(t)
    assert p.data is t.data and p.requires_grad and p.is_leaf
    assert repr(p) == "Parameter containing:\ntensor([1., 1.], requires_grad=True)"
    assert not nn.Parameter(ag.ones(1), requires_grad=False).requires_grad
    assert nn.Parameter().shape == (0,)
    assert type(p * 2) is ag.Tensor


# ---- PyTorch parity ---------------------------------------------------------------------------------
def _lenet(lib):
    return lib.Sequential(
        lib.Conv2d(1, 6, 5, padding=2),
        lib.BatchNorm2d(6),
        lib.ReLU(),
        lib.MaxPool2d(2),
        lib.Conv2d(6, 16, 5),
        lib.ReLU(),
        lib.AvgPool2d(2),
        lib.Flatten(),
        lib.Linear(16 * 5 * 5, 120),
        lib.LayerNorm(120),
        lib.ReLU(),
        lib.Dropout(0.2),
        lib.Linear(120, 84),
        lib.BatchNorm1d(84, momentum=None),
        lib.ReLU(),
        lib.Linear(84, 10),
        lib.ModuleList([lib.Linear(2, 2), lib.Linear(2, 2)]),
        lib.ModuleDict({"head": lib.Embedding(5, 2, padding_idx=0)}),
    )


def test_repr_and_state_dict_match_pytorch():
    torch = pytest.importorskip("torch")
    ours, theirs = _lenet(nn), _lenet(torch.nn)
    assert repr(ours) == repr(theirs)
    assert [(k, tuple(v.shape), str(v.dtype)) for k, v in ours.state_dict().items()] == [
        (k, tuple(v.shape), str(v.dtype).replace("torch.", "")) for k, v in theirs.state_dict().items()
    ]
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]


def test_weights_copy_between_the_two_and_training_matches():
    torch = pytest.importorskip("torch")
    theirs = _lenet(torch.nn)[:16]
    ours = _lenet(nn)[:16]
    ours.load_state_dict({k: ag.tensor(v.numpy()) for k, v in theirs.state_dict().items()})
    for m in (ours, theirs):
        m[11].p = 0.0  # dropout off: the random streams differ
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 1, 28, 28)).astype(np.float32)
    y = rng.integers(0, 10, 8)
    lr = 0.1
    for _ in range(3):
        out, tout = ours(ag.tensor(x)), theirs(torch.from_numpy(x))
        np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-4, atol=1e-4)
        loss = -out.log_softmax(1)[np.arange(8), y].mean()
        tloss = torch.nn.functional.cross_entropy(tout, torch.from_numpy(y))
        loss.backward(), tloss.backward()
        for (k, p), (_, tp) in zip(ours.named_parameters(), theirs.named_parameters()):
            np.testing.assert_allclose(p.grad.data, tp.grad.numpy(), rtol=1e-3, atol=1e-4, err_msg=k)
        with ag.no_grad(), torch.no_grad():
            for p, tp in zip(ours.parameters(), theirs.parameters()):
                p.sub_(p.grad, alpha=lr)
                tp.sub_(tp.grad, alpha=lr)
        ours.zero_grad(), theirs.zero_grad()
    for (k, b), (_, tb) in zip(ours.named_buffers(), theirs.named_buffers()):
        np.testing.assert_allclose(b.data, tb.numpy(), rtol=1e-3, atol=1e-4, err_msg=k)
    ours.eval(), theirs.eval()
    np.testing.assert_allclose(ours(ag.tensor(x)).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-3, atol=1e-4)
    # and back: PyTorch loads our state dict
    theirs.load_state_dict({k: torch.from_numpy(np.array(v.data)) for k, v in ours.state_dict().items()})
