"""nn.training: fit, evaluate, History, EarlyStopping, ModelCheckpoint, scheduler stepping, clipping."""

import io
import math
import os
from types import SimpleNamespace

import numpy as np
import pytest

import autograd as ag
from autograd.data import DataLoader, TensorDataset, load_digits

nn = pytest.importorskip("nn", reason="nn is not importable yet")
from nn.training import (  # noqa: E402
    Callback,
    EarlyStopping,
    History,
    LambdaCallback,
    ModelCheckpoint,
    evaluate,
    fit,
    load_checkpoint,
)


class MLP(nn.Module):
    def __init__(self, sizes=(64, 32, 10)):
        super().__init__()
        self.layers = nn.Sequential(*(nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])))

    def forward(self, x):
        n = len(self.layers)
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < n - 1:
                x = x.relu()
        return x


class SGD:
    """A torch.optim-style plain SGD (so these tests do not depend on optim)."""

    def __init__(self, params, lr):
        self.param_groups = [{"params": list(params), "lr": lr}]
        self.grad_norms_seen = []

    def zero_grad(self, set_to_none=True):
        for p in self.param_groups[0]["params"]:
            p.grad = None

    def step(self):
        ps = self.param_groups[0]["params"]
        self.grad_norms_seen.append(math.sqrt(sum(float((p.grad.data ** 2).sum()) for p in ps if p.grad is not None)))
        with ag.no_grad():
            for p in ps:
                if p.grad is not None:
                    p -= self.param_groups[0]["lr"] * p.grad

    def state_dict(self):
        group = self.param_groups[0]
        return {"state": {}, "param_groups": [{"lr": group["lr"], "params": list(range(len(group["params"])))}]}

    def load_state_dict(self, sd):
        self.param_groups[0]["lr"] = sd["param_groups"][0]["lr"]


def ce(out, y):
    return -out.log_softmax(1).gather(1, y.reshape(-1, 1)).mean()


@pytest.fixture(scope="module")
def digits():
    train, val, test = load_digits(seed=0)
    return train, val, test


def loaders(digits, bs=64, seed=0):
    train, val, _ = digits
    return (DataLoader(train, batch_size=bs, shuffle=True, generator=ag.Generator().manual_seed(seed)),
            DataLoader(val, batch_size=256))


def weights(model):
    return {k: v.data.copy() for k, v in model.state_dict().items()}


def test_fit_logs_everything_and_learns(digits):
    ag.manual_seed(0)
    model = MLP()
    tl, vl = loaders(digits)
    h = fit(model, ce, SGD(model.parameters(), 0.5), tl, vl, epochs=4, verbose=False, progress=False)
    assert h.keys() == ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "grad_norm", "lr", "time"]
    assert h["epoch"] == [1, 2, 3, 4] and len(h) == 4 and h.stop_reason is None
    assert len(h.steps["loss"]) == 4 * len(tl) and h.steps["epoch"][-1] == 4
    assert h["train_loss"][-1] < h["train_loss"][0] and h["val_accuracy"][-1] > 0.85
    assert all(g > 0 for g in h["grad_norm"]) and h["lr"] == [0.5] * 4 and all(t > 0 for t in h["time"])
    np.testing.assert_allclose(h["train_loss"][0], np.mean(h.steps["loss"][: len(tl)]), rtol=0.05)
    ev = evaluate(model, vl, ce)
    assert ev["loss"] == pytest.approx(h["val_loss"][-1]) and ev["accuracy"] == pytest.approx(h["val_accuracy"][-1])


def test_fit_is_the_hand_written_pytorch_loop(digits):
    tl, _ = loaders(digits, seed=3)
    ag.manual_seed(1)
    a = MLP()
    ag.manual_seed(1)
    b = MLP()
    fit(a, ce, SGD(a.parameters(), 0.3), tl, epochs=2, verbose=False, metrics=[])
    opt = SGD(b.parameters(), 0.3)
    tl2, _ = loaders(digits, seed=3)
    for _ in range(2):
        for x, y in tl2:
            loss = ce(b(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
    for k, v in weights(a).items():
        np.testing.assert_array_equal(v, weights(b)[k])


def test_table_progress_and_quiet_modes(digits, capsys):
    tl, vl = loaders(digits)
    model = MLP()
    out = io.StringIO()
    fit(model, ce, SGD(model.parameters(), 0.1), tl, vl, epochs=2, progress=True, file=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].split() == ["epoch", "train_loss", "train_accuracy", "val_loss", "val_accuracy", "grad_norm", "lr", "time"]
    assert lines[1].split()[0] == "1" and lines[2].split()[0] == "2"
    assert "epoch 1/2" in capsys.readouterr().err  # the tqdm bar went to stderr
    fit(model, ce, SGD(model.parameters(), 0.1), tl, epochs=1, verbose=False)  # stderr is not a TTY here: no bar
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""


def test_custom_metrics_and_multi_input_batches():
    ag.manual_seed(0)
    a, b, y = ag.randn(40, 3), ag.randn(40, 2), ag.randint(0, 2, (40,))

    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.l = nn.Linear(5, 2)

        def forward(self, u, v):
            return self.l(ag.cat([u, v], 1))

    def top2(out, target):
        return 1.0

    model = Two()
    h = fit(model, ce, SGD(model.parameters(), 0.1), DataLoader(TensorDataset(a, b, y), batch_size=8), epochs=1,
            metrics={"always": top2}, verbose=False)
    assert h["train_always"] == [1.0]
    with pytest.raises(ValueError, match="unknown metric 'f1'"):
        fit(model, ce, SGD(model.parameters(), 0.1), DataLoader(TensorDataset(a, b, y)), metrics=["f1"], verbose=False)


def test_bad_arguments_fail_before_training(digits, tmp_path):
    tl, vl = loaders(digits)
    model = MLP()
    before = weights(model)
    opt = SGD(model.parameters(), 0.1)
    with pytest.raises(ValueError, match="epochs must be a positive int"):
        fit(model, ce, opt, tl, epochs=0)
    with pytest.raises(ValueError, match="no batches"):
        fit(model, ce, opt, DataLoader(digits[1], batch_size=10_000, drop_last=True))
    with pytest.raises(ValueError, match=r"EarlyStopping: cannot monitor 'val_loss'.*pass val_loader"):
        fit(model, ce, opt, tl, callbacks=[EarlyStopping()], verbose=False)
    with pytest.raises(ValueError, match="unknown field"):
        fit(model, ce, opt, tl, vl, callbacks=[ModelCheckpoint(tmp_path / "{nope}.ngd")], verbose=False)
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    with pytest.raises(OSError, match="ModelCheckpoint: cannot create the folder"):
        fit(model, ce, opt, tl, vl, callbacks=[ModelCheckpoint(blocker / "sub" / "best.ngd")], verbose=False)
    with pytest.raises(TypeError, match="each batch must be"):
        fit(model, ce, opt, DataLoader(digits[1].tensors[0], batch_size=8), verbose=False)
    for k, v in weights(model).items():
        np.testing.assert_array_equal(v, before[k])


class FakeState(SimpleNamespace):
    def log(self, msg):
        self.messages.append(msg)

    def mark(self, note):
        pass


def test_early_stopping_unit_patience_min_delta_and_restore():
    model = nn.Linear(1, 1)
    state = FakeState(model=model, log_keys=["epoch", "val_loss"], val_loader=object(), stop_training=False, stop_reason=None,
                      history=History(), messages=[])
    es = EarlyStopping(patience=2, min_delta=0.01, restore_best_weights=True)
    es.on_train_begin(state)
    snapshots = {}
    for epoch, v in enumerate([1.0, 0.9, 0.895, 0.95, 0.5], 1):
        with ag.no_grad():
            model.weight.fill_(float(epoch))
        snapshots[epoch] = model.weight.item()
        logs = {"epoch": epoch, "val_loss": v}
        state.history.add_epoch(logs)
        es.on_epoch_end(state, logs)
        if state.stop_training:
            break
    assert epoch == 4 and es.best_epoch == 2 and es.best == 0.9 and es.stopped_epoch == 4
    assert "did not improve for 2 epochs" in state.stop_reason
    es.on_train_end(state)
    assert model.weight.item() == snapshots[2] and "restored the weights of epoch 2" in state.messages[0]
    assert EarlyStopping(monitor="val_accuracy").mode == "max"
    with pytest.raises(ValueError, match="mode must be"):
        EarlyStopping(mode="up")


def test_early_stopping_in_fit_restores_best_weights(digits):
    tl, _ = loaders(digits)
    model = MLP()
    per_epoch = {}
    rec = LambdaCallback(on_epoch_end=lambda state, logs: per_epoch.__setitem__(logs["epoch"], weights(state.model)))
    es = EarlyStopping(monitor="train_loss", patience=1, min_delta=1e9, restore_best_weights=True)
    h = fit(model, ce, SGD(model.parameters(), 0.2), tl, epochs=10, callbacks=[rec, es], verbose=False)
    assert len(h) == 2 and "early stopping" in h.stop_reason
    for k, v in weights(model).items():
        np.testing.assert_array_equal(v, per_epoch[1][k])


def test_model_checkpoint_best_and_every_epoch(digits, tmp_path):
    tl, vl = loaders(digits)
    model = MLP()
    opt = SGD(model.parameters(), 0.3)
    per_epoch = {}
    rec = LambdaCallback(on_epoch_end=lambda state, logs: per_epoch.__setitem__(logs["epoch"], weights(state.model)))
    best = ModelCheckpoint(tmp_path / "out" / "best.ngd", monitor="val_accuracy")
    every = ModelCheckpoint(tmp_path / "out" / "ep{epoch:02d}-{val_loss:.3f}.ngd", save_best_only=False, save_weights_only=True)
    h = fit(model, ce, opt, tl, vl, epochs=3, callbacks=[rec, best, every], verbose=False)
    assert len(every.saved) == 3 and all(os.path.exists(p) for p in every.saved)
    assert os.path.basename(every.saved[0]).startswith("ep01-")
    best_epoch = h.best("val_accuracy")["epoch"]
    ckpt = ag.load(tmp_path / "out" / "best.ngd")
    assert ckpt["epoch"] == best_epoch and ckpt["format"] == "numbagrad-checkpoint"
    assert ckpt["logs"]["val_accuracy"] == h.best("val_accuracy")["val_accuracy"]
    assert History.from_dict(ckpt["history"]).epochs == h.epochs[:best_epoch]
    fresh = MLP()
    opt2 = SGD(fresh.parameters(), 99.0)
    load_checkpoint(tmp_path / "out" / "best.ngd", fresh, opt2)
    assert opt2.param_groups[0]["lr"] == 0.3
    for k, v in weights(fresh).items():
        np.testing.assert_array_equal(v, per_epoch[best_epoch][k])
    only_weights = ag.load(every.saved[-1])
    assert sorted(only_weights) == sorted(model.state_dict())
    with pytest.raises(RuntimeError, match="size mismatch"):
        load_checkpoint(tmp_path / "out" / "best.ngd", MLP((64, 16, 10)))
    assert os.listdir(tmp_path / "out") and not [f for f in os.listdir(tmp_path / "out") if f.endswith(".tmp")]


class CountingScheduler:
    def __init__(self, opt):
        self.opt, self.n = opt, 0

    def step(self):
        self.n += 1
        self.opt.param_groups[0]["lr"] *= 0.5

    def state_dict(self):
        return {"n": self.n}


class PlateauScheduler:
    def __init__(self):
        self.seen = []

    def step(self, metrics):
        self.seen.append(metrics)

    def state_dict(self):
        return {}


def test_scheduler_stepping_per_epoch_per_step_and_plateau(digits):
    tl, vl = loaders(digits)
    model = MLP()
    opt = SGD(model.parameters(), 0.4)
    s = CountingScheduler(opt)
    h = fit(model, ce, opt, tl, epochs=3, scheduler=s, verbose=False, metrics=[])
    assert s.n == 3 and h["lr"] == [0.4, 0.2, 0.1]  # lr logged is the one used during the epoch
    opt = SGD(model.parameters(), 1.0)
    s = CountingScheduler(opt)
    h = fit(model, ce, opt, tl, epochs=1, scheduler=s, scheduler_interval="step", verbose=False, metrics=[])
    assert s.n == len(tl) and h.steps["lr"][:3] == [1.0, 0.5, 0.25]
    p = PlateauScheduler()
    h = fit(model, ce, SGD(model.parameters(), 0.1), tl, vl, epochs=2, scheduler=[p], verbose=False)
    assert p.seen == h["val_loss"]
    with pytest.raises(ValueError, match="ReduceLROnPlateau monitors 'val_acc'"):
        fit(model, ce, opt, tl, vl, scheduler=p, scheduler_monitor="val_acc", verbose=False)


def test_gradient_clipping_and_logged_norm(digits):
    tl, _ = loaders(digits)
    model = MLP()
    opt = SGD(model.parameters(), 2.0)
    h = fit(model, ce, opt, tl, epochs=1, clip_grad_norm=0.05, verbose=False)
    assert max(opt.grad_norms_seen) <= 0.05 * (1 + 1e-4)
    assert max(h.steps["grad_norm"]) > 0.05  # the history keeps the norm before clipping
    with pytest.raises(ValueError, match="clip_grad_norm must be positive"):
        fit(model, ce, opt, tl, clip_grad_norm=0)


def test_non_finite_loss_stops_before_the_bad_update(digits):
    tl, _ = loaders(digits)
    model = MLP()
    calls = {"n": 0}
    kept = {}

    def flaky(out, y):
        calls["n"] += 1
        if calls["n"] == 3:
            kept.update(weights(model))
            return ce(out, y) * float("nan")
        return ce(out, y)

    h = fit(model, flaky, SGD(model.parameters(), 0.1), tl, epochs=2, verbose=False)
    assert "loss became nan at epoch 1, step 3" in h.stop_reason and len(h.steps["loss"]) == 2 and len(h) == 1
    for k, v in weights(model).items():
        np.testing.assert_array_equal(v, kept[k])


def test_ctrl_c_returns_history_and_runs_train_end(digits, tmp_path):
    tl, vl = loaders(digits)
    model = MLP()
    ended = []

    class Interrupt(Callback):
        def on_batch_end(self, state, logs):
            if state.epoch == 2 and logs["step"] == len(tl) + 2:
                raise KeyboardInterrupt

        def on_train_end(self, state):
            ended.append(True)

    h = fit(model, ce, SGD(model.parameters(), 0.1), tl, vl, epochs=5, callbacks=[Interrupt()], verbose=False)
    assert len(h) == 1 and "interrupted" in h.stop_reason and ended == [True]


def test_history_table_best_plot_and_round_trip(digits, tmp_path):
    pytest.importorskip("matplotlib")
    tl, vl = loaders(digits)
    model = MLP()
    h = fit(model, ce, SGD(model.parameters(), 0.3), tl, vl, epochs=2, verbose=False)
    fig = h.plot(tmp_path / "history.png", title="digits")
    assert (tmp_path / "history.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and len(fig.axes) == 4
    assert h.table().splitlines()[0].split()[:2] == ["epoch", "train_loss"]
    ag.save(h.to_dict(), tmp_path / "h.ngd")
    assert History.from_dict(ag.load(tmp_path / "h.ngd")).epochs == h.epochs
    with pytest.raises(KeyError, match="no 'nope'"):
        h["nope"]
    with pytest.raises(ValueError, match="nothing to plot"):
        History().plot()
    h2 = fit(model, ce, SGD(model.parameters(), 0.3), tl, vl, epochs=1, verbose=False, history=h)
    assert h2 is h and h["epoch"] == [1, 2, 3]


def test_evaluate_restores_training_mode(digits):
    _, vl = loaders(digits)
    model = MLP()
    model.train()
    evaluate(model, vl, ce)
    assert model.training
    model.eval()
    evaluate(model, vl)
    assert not model.training


def test_with_optim_resume_from_checkpoint_equals_uninterrupted_training(digits, tmp_path):
    optim = pytest.importorskip("optim", reason="optim is not importable yet")
    train, val, _ = digits
    tl, vl = DataLoader(train, batch_size=128), DataLoader(val, batch_size=512)

    def make():
        ag.manual_seed(7)
        m = MLP()
        return m, optim.Adam(m.parameters(), lr=3e-3)

    straight, opt = make()
    fit(straight, ce, opt, tl, vl, epochs=3, verbose=False)
    first, opt1 = make()
    ck = ModelCheckpoint(tmp_path / "last.ngd", save_best_only=False)
    h = fit(first, ce, opt1, tl, vl, epochs=2, callbacks=[ck], verbose=False)
    resumed, opt2 = make()
    ckpt = load_checkpoint(tmp_path / "last.ngd", resumed, opt2)
    assert ckpt["epoch"] == 2 and all(isinstance(k, int) for k in ckpt["optimizer"]["state"])
    h2 = fit(resumed, ce, opt2, tl, vl, epochs=1, verbose=False, history=History.from_dict(ckpt["history"]))
    assert h2["epoch"] == [1, 2, 3] and h2.epochs[:2] == h.epochs
    for k, v in weights(resumed).items():
        np.testing.assert_array_equal(v, weights(straight)[k])


def test_with_optim_reduce_lr_on_plateau_and_step_lr(digits):
    optim = pytest.importorskip("optim", reason="optim is not importable yet")
    from optim import lr_scheduler

    tl, vl = loaders(digits)
    model = MLP()
    opt = optim.SGD(model.parameters(), lr=0.5)
    plateau = lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0)
    h = fit(model, ce, opt, tl, vl, epochs=6, scheduler=plateau, verbose=False)
    replay_opt = optim.SGD([ag.zeros(1, requires_grad=True)], lr=0.5)
    replay = lr_scheduler.ReduceLROnPlateau(replay_opt, factor=0.5, patience=0)
    expected = []
    for v in h["val_loss"]:
        expected.append(replay_opt.param_groups[0]["lr"])
        replay.step(v)
    assert h["lr"] == expected
    model = MLP()
    opt = optim.SGD(model.parameters(), lr=0.1)
    h = fit(model, ce, opt, tl, epochs=4, scheduler=lr_scheduler.StepLR(opt, step_size=2, gamma=0.1), verbose=False)
    np.testing.assert_allclose(h["lr"], [0.1, 0.1, 0.01, 0.01])


def test_wrong_label_dtype_fails_on_the_first_batch_with_nothing_changed(digits, tmp_path):
    if not hasattr(nn, "CrossEntropyLoss"):
        pytest.skip("nn.CrossEntropyLoss is not available yet")
    x, y = digits[0].tensors
    bad = DataLoader(TensorDataset(x, y.float()), batch_size=64)
    model = MLP()
    before = weights(model)
    ck = ModelCheckpoint(tmp_path / "best.ngd", monitor="train_loss")
    with pytest.raises(RuntimeError, match="cross_entropy: expected target dtype"):
        fit(model, nn.CrossEntropyLoss(), SGD(model.parameters(), 0.1), bad, callbacks=[ck], verbose=False)
    for k, v in weights(model).items():
        np.testing.assert_array_equal(v, before[k])
    assert not (tmp_path / "best.ngd").exists()
