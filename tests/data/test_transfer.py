"""Transfer learning through autograd.save/load: load a backbone with strict=False, freeze it, fine-tune a new head."""

import numpy as np
import pytest

import autograd as ag
from autograd.data import DataLoader, TensorDataset, load_digits

nn = pytest.importorskip("nn", reason="nn is not importable yet")
if not all(hasattr(nn, n) for n in ("Module", "Linear", "Sequential")):
    pytest.skip("nn has no Module/Linear/Sequential yet", allow_module_level=True)


class Net(nn.Module):
    def __init__(self, n_classes, head_name="head"):
        super().__init__()
        self.features = nn.Sequential(nn.Linear(64, 32), nn.Linear(32, 32))
        setattr(self, head_name, nn.Linear(32, n_classes))
        self.head_name = head_name

    def forward(self, x):
        h = x
        for layer in self.features:
            h = layer(h).relu()
        return getattr(self, self.head_name)(h)


def _loss(logits, y):
    return -logits.log_softmax(1).gather(1, y.reshape(-1, 1)).mean()


def _optimizer(params, lr):
    """optim.SGD once optim exists; None means: plain gradient-descent updates."""
    try:
        import optim

        return optim.SGD(params, lr=lr)
    except (ImportError, AttributeError):
        return None


def _train(model, loader, params, epochs, lr=0.5):
    params = list(params)
    opt = _optimizer(params, lr)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for x, y in loader:
            loss = _loss(model(x), y)
            for p in params:
                p.grad = None
            loss.backward()
            if opt is not None:
                opt.step()
            else:
                with ag.no_grad():
                    for p in params:
                        p -= lr * p.grad
            total += loss.item() * len(y)
        losses.append(total / len(loader.dataset))
    return losses


def _accuracy(model, ds):
    x, y = ds.tensors
    with ag.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


def test_save_backbone_load_strict_false_freeze_and_finetune_head(tmp_path):
    ag.manual_seed(0)
    train, _, test = load_digits(seed=0)
    pre = Net(10)
    _train(pre, DataLoader(train, batch_size=64, shuffle=True, generator=ag.Generator().manual_seed(0)), pre.parameters(), 3)
    path = tmp_path / "pretrained.ngd"
    ag.save(pre.state_dict(), path)

    # the new task: digits 0, 1, 2 only, with a new 3-class head under another name
    def subset(ds):
        x, y = ds.tensors
        keep = np.flatnonzero(y.data < 3)
        return TensorDataset(ag.tensor(x.data[keep]), ag.tensor(y.data[keep]))

    small_train, small_test = subset(train), subset(test)
    model = Net(3, head_name="classifier")
    result = model.load_state_dict(ag.load(path), strict=False)
    assert sorted(result.missing_keys) == ["classifier.bias", "classifier.weight"]
    assert sorted(result.unexpected_keys) == ["head.bias", "head.weight"]
    for k, v in pre.state_dict().items():
        if k.startswith("features."):
            np.testing.assert_array_equal(model.state_dict()[k].data, v.data)

    model.features.requires_grad_(False)
    trainable = [p for p in model.parameters() if p.requires_grad]
    assert len(trainable) == 2  # only the new head
    frozen_before = {k: v.data.copy() for k, v in model.state_dict().items() if k.startswith("features.")}
    loader = DataLoader(small_train, batch_size=32, shuffle=True, generator=ag.Generator().manual_seed(1))
    losses = _train(model, loader, trainable, 4)
    assert losses[-1] < losses[0]
    for k, v in model.state_dict().items():
        if k.startswith("features."):
            np.testing.assert_array_equal(v.data, frozen_before[k])
    assert all(p.grad is None for p in model.features.parameters())
    assert _accuracy(model, small_test) > 0.9


def test_replacing_the_head_after_a_full_load(tmp_path):
    pre = Net(10)
    ag.save(pre.state_dict(), tmp_path / "m.ngd")
    model = Net(10)
    model.load_state_dict(ag.load(tmp_path / "m.ngd"))  # strict: same architecture
    model.head = nn.Linear(32, 4)
    x = ag.rand(5, 64)
    assert model(x).shape == (5, 4)


def test_checkpoint_from_another_model_gives_a_clear_error(tmp_path):
    ag.save(Net(10).state_dict(), tmp_path / "m.ngd")
    other = Net(3)
    with pytest.raises(RuntimeError, match="size mismatch for head.weight"):
        other.load_state_dict(ag.load(tmp_path / "m.ngd"))
    with pytest.raises(RuntimeError, match="Missing key"):
        nn.Sequential(nn.Linear(64, 32)).load_state_dict({})
