"""nn.drawing.draw_model / save_model_graph and the `python -m nn.visualize` command."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

import autograd as ag
from autograd.viz import has_dot

nn = pytest.importorskip("nn", reason="the nn package is not available")
drawing = pytest.importorskip("nn.drawing", reason="nn.drawing is not available")

needs_dot = pytest.mark.skipif(not has_dot(), reason="Graphviz's `dot` program is not installed (apt-get install graphviz)")


def _mse(out, y):
    return ((out - y) ** 2).mean()


class Block(nn.Module):
    def __init__(self, d: int):
        super().__init__()
        self.fc1 = nn.Linear(d, d)
        self.fc2 = nn.Linear(d, d)

    def forward(self, x):
        return x + self.fc2(self.fc1(x).relu())


class Deep(nn.Module):
    def __init__(self, n: int, d: int = 4):
        super().__init__()
        self.inp = nn.Linear(3, d)
        self.blocks = nn.Sequential(*[Block(d) for _ in range(n)])
        self.head = nn.Linear(d, 1)

    def forward(self, x):
        return self.head(self.blocks(self.inp(x)))


def test_draw_model_names_params_and_clusters():
    ag.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 2))
    g = drawing.draw_model(model, ag.randn(5, 4), _mse, ag.zeros(5, 2))
    src = g.source
    for name in ("0.weight", "0.bias", "1.weight", "1.bias"):
        assert f"<B>{name}</B>" in src
    assert "label=Sequential" in src and 'label="0: Linear"' in src and 'label="1: Linear"' in src
    assert "<B>input</B>" in src and "loss = " in src and "output" in src
    assert "‖grad‖" in src and "cluster_legend" in src and "GradWatch" not in src  # every gradient recorded
    assert g.info["clusters"] == 3


def test_draw_model_leaves_the_model_unchanged():
    model = nn.Sequential(nn.Linear(3, 2))
    sentinel = ag.full((2, 3), 7.0)
    model[0].weight.grad = sentinel
    before = model[0].weight.data.copy()
    x = ag.randn(4, 3)
    drawing.draw_model(model, x, _mse, ag.zeros(4, 2))
    assert model[0].weight.grad is sentinel and model[0].bias.grad is None
    assert (model[0].weight.data == before).all()
    assert not x.requires_grad and x.grad is None


def test_draw_model_restores_buffers():
    class Counter(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(2, 2)
            self.register_buffer("calls", ag.zeros(1))

        def forward(self, x):
            self.calls.data += 1
            return self.lin(x)

    m = Counter()
    drawing.draw_model(m, ag.randn(3, 2))
    assert m.calls.item() == 0.0


def test_draw_model_without_loss_uses_output_and_max_depth_folds():
    model = Deep(20)
    g = drawing.draw_model(model, ag.randn(2, 3), max_depth=2)
    boxes = [line for line in g.source.splitlines() if "shape=box3d" in line]
    assert len(boxes) == 20 and all("4 ops: linear, relu, linear, add" in b for b in boxes)
    assert all("40 params in 4 tensors" in b for b in boxes)
    assert 'label="blocks: Sequential"' in g.source and "blocks.19: Block" in g.source
    whole = drawing.draw_model(model, ag.randn(2, 3), max_depth=0)
    assert whole.info["boxes"] == 1 and whole.info["clusters"] == 0


def test_draw_model_multiple_inputs_and_outputs():
    class Two(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(2, 2)

        def forward(self, x, y):
            h = self.a(x) * y
            return h, h.sum(dim=1)

    g = drawing.draw_model(Two(), (ag.randn(3, 2), ag.randn(3, 2)))
    src = g.source
    assert "<B>input 0</B>" in src and "<B>input 1</B>" in src
    assert "output 0" in src and "output 1" in src


def test_draw_model_errors():
    with pytest.raises(TypeError, match="expected an nn.Module"):
        drawing.draw_model(lambda x: x, ag.ones(1))
    with pytest.raises(TypeError, match="example input 0 is a list"):
        drawing.draw_model(nn.Linear(2, 2), [[1.0, 2.0]])
    model = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="loss_fn returned a float"):
        drawing.draw_model(model, ag.ones(1, 2), lambda out: 1.0)
    assert model.weight.grad is None


def test_save_model_graph_dot_and_missing_dot(tmp_path, monkeypatch):
    model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
    out = drawing.save_model_graph(model, ag.randn(2, 3), tmp_path / "g.dot")
    assert open(out).read().startswith("digraph")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.warns(RuntimeWarning, match="apt-get install graphviz"):
        out = drawing.save_model_graph(model, ag.randn(2, 3), tmp_path / "out" / "g.svg")
    assert out.endswith("g.dot") and os.path.exists(out) and not os.path.exists(tmp_path / "out" / "g.svg")


@needs_dot
def test_save_model_graph_renders_png(tmp_path):
    out = drawing.save_model_graph(nn.Sequential(nn.Linear(3, 2)), ag.randn(2, 3), tmp_path / "g.png", _mse, ag.zeros(2, 2))
    with open(out, "rb") as f:
        assert f.read(4) == b"\x89PNG"


def _has_mlp_layers() -> bool:
    return hasattr(nn, "ReLU") and (hasattr(nn, "CrossEntropyLoss") or hasattr(nn.functional, "cross_entropy"))


@pytest.mark.skipif(not _has_mlp_layers(), reason="nn.ReLU / cross-entropy are not implemented yet")
def test_cli_draws_the_digits_mlp(tmp_path):
    from nn import visualize

    out = tmp_path / "mlp.dot"
    assert visualize.main(["--out", str(out), "--hidden", "16,8", "--batch", "8"]) == 0
    src = out.read_text()
    for name in ("0.weight", "2.weight", "4.bias", "relu", "cross_entropy", "<B>target</B>"):
        assert name in src, name


def test_cli_help_and_bad_arguments(tmp_path, capsys):
    res = subprocess.run([sys.executable, "-m", "nn.visualize", "--help"], capture_output=True, text=True, timeout=120,
                         cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
    assert res.returncode == 0 and "--max-depth" in res.stdout and "graphviz" in res.stdout
    assert "RuntimeWarning" not in res.stderr
    from nn import visualize

    assert visualize.main(["--hidden", "a,b", "--out", str(tmp_path / "x.dot")]) == 2
    assert "--hidden must be comma separated integers" in capsys.readouterr().err


def test_folded_box_with_nan_gradient_says_so_instead_of_a_norm():
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
    x = ag.randn(5, 3)
    loss = (model(x) * float("nan")).sum()
    watch = ag.GradWatch(loss)
    loss.backward()
    src = ag.draw_graph(loss, params=model, show_grads=True, max_depth=0).source
    assert "NaN/inf gradient inside" in src
    assert "params NaN/inf" in src and "params 0" not in src
    del watch
