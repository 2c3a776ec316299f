"""The LR range test on tiny problems built from autograd ops (and on an nn.Linear when nn is there)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import autograd as ag
import optim


class Line:
    """A duck-typed model: y = x @ w + b, with a state dict (sharing memory, as nn does)."""

    def __init__(self) -> None:
        self.w = ag.zeros(3, 1, requires_grad=True)
        self.b = ag.zeros(1, requires_grad=True)

    def __call__(self, x):
        return x @ self.w + self.b

    def parameters(self):
        return [self.w, self.b]

    def state_dict(self):
        return {"w": self.w, "b": self.b}

    def load_state_dict(self, sd):
        self.w.data[...] = sd["w"].data
        self.b.data[...] = sd["b"].data


def mse(out, target):
    return ((out - target) ** 2).mean()


def _batches(n=256, size=32, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype=np.float32) + 0.3
    return [(ag.tensor(x[i : i + size]), ag.tensor(y[i : i + size])) for i in range(0, n, size)]


def test_range_test_records_exponential_lrs_and_smoothed_losses():
    model = Line()
    opt = optim.SGD(model.parameters(), lr=0.01)
    finder = optim.LRFinder(model, opt, mse)
    hist = finder.range_test(_batches(), start_lr=1e-5, end_lr=1e-2, num_iter=20, smooth_beta=0.9)
    assert len(hist["lr"]) == 20  # no divergence at these rates; the 8 batches were cycled
    np.testing.assert_allclose(hist["lr"], np.geomspace(1e-5, 1e-2, 20), rtol=1e-12)
    avg, expected = 0.0, []
    for i, loss in enumerate(hist["raw_loss"]):
        avg = 0.9 * avg + 0.1 * loss
        expected.append(avg / (1 - 0.9 ** (i + 1)))
    np.testing.assert_allclose(hist["loss"], expected, rtol=1e-12)
    assert hist["loss"][0] == hist["raw_loss"][0]  # bias correction: no pull towards 0
    assert finder.best_loss == min(hist["loss"])


def test_linear_step_mode():
    model = Line()
    finder = optim.LRFinder(model, optim.SGD(model.parameters(), lr=0.1), mse)
    hist = finder.range_test(_batches(), start_lr=0.001, end_lr=0.01, num_iter=10, step_mode="linear")
    np.testing.assert_allclose(hist["lr"], np.linspace(0.001, 0.01, 10), rtol=1e-12)


def test_stops_on_divergence_and_suggests_a_rate_where_the_loss_falls_fastest():
    model = Line()
    opt = optim.SGD(model.parameters(), lr=0.01)
    finder = optim.LRFinder(model, opt, mse)
    hist = finder.range_test(_batches(512, 64), start_lr=1e-4, end_lr=100.0, num_iter=100, diverge_th=4.0)
    n = len(hist["lr"])
    assert n < 100
    assert hist["loss"][-1] > 4.0 * finder.best_loss or not math.isfinite(hist["loss"][-1])
    lr = finder.suggestion()
    assert 1e-2 < lr < 1.0  # the loss falls fastest around 0.1 (it diverges above ~2)
    lrs, losses = np.array(hist["lr"][10 : n - 5]), np.array(hist["loss"][10 : n - 5])
    slopes = np.gradient(losses, np.log10(lrs))
    assert lr == lrs[np.argmin(slopes)]


def test_model_optimizer_and_grads_are_restored():
    model = Line()
    model.w.data[...] = [[0.5], [0.25], [-1.0]]
    opt = optim.Adam(model.parameters(), lr=0.003, betas=(0.8, 0.9))
    batches = _batches()
    for x, y in batches[:3]:  # some optimizer state to restore
        opt.zero_grad()
        mse(model(x), y).backward()
        opt.step()
    w_before, b_grad_before = model.w.data.copy(), model.b.grad.data.copy()
    sd_before = {k: {kk: vv.data.copy() for kk, vv in v.items()} for k, v in opt.state_dict()["state"].items()}
    finder = optim.LRFinder(model, opt, mse)
    finder.range_test(batches, start_lr=1e-4, end_lr=1.0, num_iter=15)
    np.testing.assert_array_equal(model.w.data, w_before)
    np.testing.assert_array_equal(model.b.grad.data, b_grad_before)
    assert opt.param_groups[0]["lr"] == 0.003 and opt.param_groups[0]["betas"] == (0.8, 0.9)
    sd_after = opt.state_dict()["state"]
    for k, v in sd_before.items():
        for kk, arr in v.items():
            np.testing.assert_array_equal(sd_after[k][kk].data, arr)
    # and training continues exactly as if the range test never happened
    twin = Line()
    twin.w.data[...] = [[0.5], [0.25], [-1.0]]
    opt_twin = optim.Adam(twin.parameters(), lr=0.003, betas=(0.8, 0.9))
    for x, y in batches[:3]:
        opt_twin.zero_grad()
        mse(twin(x), y).backward()
        opt_twin.step()
    for m, o in ((model, opt), (twin, opt_twin)):
        for x, y in batches[3:6]:
            o.zero_grad()
            mse(m(x), y).backward()
            o.step()
    np.testing.assert_array_equal(model.w.data, twin.w.data)


def test_state_is_restored_even_when_training_fails():
    model = Line()
    opt = optim.SGD(model.parameters(), lr=0.5)
    calls = []

    def crashing(out, target):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("boom")
        return mse(out, target)

    with pytest.raises(RuntimeError, match="boom"):
        optim.LRFinder(model, opt, crashing).range_test(_batches(), start_lr=0.1, end_lr=1.0, num_iter=10)
    assert np.all(model.w.data == 0) and opt.param_groups[0]["lr"] == 0.5


def test_with_nn_linear():
    nn = pytest.importorskip("nn")
    _ = ag.manual_seed(0)
    model = nn.Linear(3, 1)
    before = {k: v.data.copy() for k, v in model.state_dict().items()}
    opt = optim.SGD(model.parameters(), lr=0.01, momentum=0.9)
    finder = optim.LRFinder(model, opt, mse)
    hist = finder.range_test(_batches(), start_lr=1e-4, end_lr=10.0, num_iter=50)
    assert 10 < len(hist["lr"]) <= 50
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.data, before[k])
    assert opt.state_dict()["state"] == {}


def test_plot_saves_a_png(tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = Line()
    finder = optim.LRFinder(model, optim.SGD(model.parameters(), lr=0.01), mse)
    finder.range_test(_batches(), start_lr=1e-4, end_lr=10.0, num_iter=60)
    ax = finder.plot()
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "Learning rate"
    path = tmp_path / "lr_finder.png"
    ax.figure.savefig(path)
    assert path.stat().st_size > 1000
    fig, ax2 = plt.subplots()
    assert finder.plot(ax=ax2, skip_start=0, skip_end=0, suggest=False) is ax2
    plt.close("all")


def test_errors():
    model = Line()
    opt = optim.SGD(model.parameters(), lr=0.01)
    with pytest.raises(TypeError, match="must have a state_dict"):
        optim.LRFinder(object(), opt, mse)
    with pytest.raises(TypeError, match="expected an optim.Optimizer"):
        optim.LRFinder(model, "sgd", mse)
    finder = optim.LRFinder(model, opt, mse)
    with pytest.raises(RuntimeError, match="call range_test first"):
        finder.suggestion()
    with pytest.raises(ValueError, match="need 0 < start_lr < end_lr"):
        finder.range_test(_batches(), start_lr=1.0, end_lr=0.1)
    with pytest.raises(ValueError, match="num_iter must be an integer >= 2"):
        finder.range_test(_batches(), num_iter=1)
    with pytest.raises(ValueError, match="step_mode must be 'exp' or 'linear'"):
        finder.range_test(_batches(), step_mode="cos")
    with pytest.raises(ValueError, match="yielded no batches"):
        finder.range_test([], num_iter=5)
    with pytest.raises(TypeError, match=r"\(inputs, targets\) pairs"):
        finder.range_test([ag.ones(3)], num_iter=5)
    finder.range_test(_batches(), start_lr=1e-3, end_lr=1e-2, num_iter=5)
    with pytest.raises(RuntimeError, match="only 0 points left"):
        finder.suggestion()


def test_optim_does_not_import_nn():
    import subprocess
    import sys

    code = "import sys, optim; assert 'nn' not in sys.modules, 'optim imported nn'"
    root = __file__.rsplit("/tests/", 1)[0]
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr


def test_suggestion_ignores_a_fall_after_a_blow_up():
    # the smoothed loss falls, blows up without reaching diverge_th, then drifts down steeply:
    # the advice must come from before the lowest loss, not from the far side of the spike
    finder = optim.LRFinder(Line(), optim.SGD(Line().parameters(), lr=0.1), mse)
    lrs = list(np.logspace(-4, 1, 60))
    losses = [2.0 - 1.5 * i / 30 for i in range(30)] + [3.0 - 2.4 * i / 30 for i in range(30)]
    finder.history = {"lr": lrs, "loss": losses}
    lr = finder.suggestion(skip_start=0, skip_end=0)
    assert lr <= lrs[29]
