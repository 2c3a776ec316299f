"""Graph drawing: DOT text (names, shapes, clusters, colours, legend, NaN), folding, rendering, big graphs."""

from __future__ import annotations

import os
import re
import warnings

import graphviz
import numpy as np
import pytest

import autograd as ag
from autograd.scope import module_scope
from autograd.viz import GraphvizNotFoundError, has_dot
from autograd.viz.stats import GRAD_SCALE, NONFINITE, ZERO, TensorStats, grad_colour

needs_dot = pytest.mark.skipif(not has_dot(), reason="Graphviz's `dot` program is not installed (apt-get install graphviz)")

VANISHING, EXPLODING = GRAD_SCALE[0][1], GRAD_SCALE[-1][1]
HEALTHY = GRAD_SCALE[3][1]


def _mlp():
    ag.manual_seed(0)
    x = ag.randn(4, 3)
    w = ag.randn(3, 2, requires_grad=True)
    b = ag.zeros(2, requires_grad=True)
    loss = (x @ w + b).relu().mean()
    return x, w, b, loss


def _node_line(src: str, label_text: str) -> str:
    """The DOT statement of the node whose label contains ``label_text``."""
    lines = [line for line in src.splitlines() if label_text in line and "label=" in line]
    assert lines, f"no node labelled {label_text!r} in\n{src}"
    return lines[0]


def _cluster_block(src: str, label: str) -> str:
    """The text of the cluster subgraph with the given label (up to its closing brace)."""
    lines = src.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("subgraph cluster_") and f"label={graphviz.quoting.quote(label)}" in lines[i + 1]:
            depth, out = 0, []
            for line2 in lines[i:]:
                depth += line2.count("{") - line2.count("}")
                out.append(line2)
                if depth == 0:
                    return "\n".join(out)
    raise AssertionError(f"no cluster labelled {label!r} in\n{src}")


# ---- structure --------------------------------------------------------------------------------
def test_op_names_shapes_dtypes_and_param_names():
    x, w, b, loss = _mlp()
    g = ag.draw_graph(loss, params={"fc.weight": w, "fc.bias": b})
    src = g.source
    assert isinstance(g, graphviz.Digraph)
    for op in ("matmul", "add", "relu", "mean"):
        assert f"<B>{op}</B>" in src
    assert "(4, 2) float32" in _node_line(src, "<B>matmul</B>")
    assert "scalar float32" in _node_line(src, "<B>mean</B>")
    assert "(3, 2) float32" in _node_line(src, "<B>fc.weight</B>")
    assert "shape=box" in _node_line(src, "<B>fc.bias</B>")
    assert {k: g.info[k] for k in ("ops", "leaves", "edges", "clusters", "boxes")} == {
        "ops": 4, "leaves": 2, "edges": 5, "clusters": 0, "boxes": 0}
    assert g.info["outputs"] == {"output": "n0"} and g.info["named"] == ["fc.bias", "fc.weight"]
    assert "legend" not in src  # only with show_grads


def test_float64_dtype_and_unnamed_leaf():
    w = ag.randn(2, 2, dtype=ag.float64, requires_grad=True)
    src = ag.draw_graph((w * w).sum()).source
    assert "(2, 2) float64" in _node_line(src, "<B>mul</B>")
    assert "<B>leaf</B>" in src
    assert src.count("t0 -> n1") == 2  # x * x: both operands drawn, micrograd style


def test_outputs_marked_and_several_outputs_in_one_picture():
    x, w, b, loss = _mlp()
    other = (w * 2).sum()
    g = ag.draw_graph({"loss": loss, "reg": other}, params={"w": w, "b": b})
    src = g.source
    assert src.count("peripheries=2") == 2
    assert re.search(r"loss = [-0-9.e]+", src) and re.search(r"reg = [-0-9.e]+", src)
    assert src.count("<B>w</B>") == 1  # the shared leaf is drawn once
    g2 = ag.draw_graph(loss, other)
    assert "output 0" in g2.source and "output 1" in g2.source


def test_leaf_output_without_graph():
    t = ag.ones(3)
    src = ag.draw_graph(t).source
    assert "<B>tensor</B>" in src and "peripheries=2" in src and "style=dashed" in src


def test_named_input_without_grad_found_through_saved_tensors():
    x, w, b, loss = _mlp()
    src = ag.draw_graph(loss, params={"w": w}, inputs={"x": x}).source
    line = _node_line(src, "<B>x</B>")
    assert "shape=ellipse" in line and "(4, 3) float32" in line
    key = line.split()[0]
    matmul = _node_line(src, "<B>matmul</B>").split()[0]
    assert f"{key} -> {matmul}" in src


def test_multi_output_op_labels_each_output():
    class SplitHalf(ag.Function):
        @staticmethod
        def forward(ctx, x):
            n = x.data.shape[0] // 2
            return x.data[:n].copy(), x.data[n:].copy()

        @staticmethod
        def backward(ctx, g1, g2):
            return ag.cat([g1, g2])

    x = ag.randn(6, requires_grad=True)
    a, b = SplitHalf.apply(x)
    src = ag.draw_graph((a * 2).sum() + b.sum()).source
    line = _node_line(src, "<B>splithalf</B>")
    assert "[0] (3,) float32" in line and "[1] (3,) float32" in line
    assert 'label="[0]"' in src and 'label="[1]"' in src


def test_html_special_characters_are_escaped():
    w = ag.ones(2, requires_grad=True)
    src = ag.draw_graph((w * 2).sum(), params={"a<b>&c": w}).source
    assert "a&lt;b&gt;&amp;c" in src and "a<b>&c" not in src


# ---- modules: clusters and folding ------------------------------------------------------------
class _Mod:
    """A stand-in for an nn module (the scope holds module objects)."""


def test_clusters_named_from_module_objects_and_params_inside():
    enc, layer = _Mod(), _Mod()
    w = ag.randn(3, 3, requires_grad=True)
    x = ag.randn(2, 3)
    with module_scope(enc), module_scope(layer):
        h = (x @ w).tanh()
    with module_scope(enc):
        y = h.sum()
    names = {id(enc): "encoder", id(layer): "encoder.0"}
    src = ag.draw_graph(y, params={"encoder.0.weight": w}, module_names=names).source
    inner = _cluster_block(src, "encoder.0: _Mod")
    outer = _cluster_block(src, "encoder: _Mod")
    assert "<B>matmul</B>" in inner and "<B>tanh</B>" in inner and "<B>encoder.0.weight</B>" in inner
    assert "<B>sum</B>" in outer and "<B>sum</B>" not in inner
    assert inner in outer  # nested
    flat = ag.draw_graph(y, module_names=names, group_modules=False)
    assert "cluster" not in flat.source and flat.info["clusters"] == 0


def test_string_scopes_and_unnamed_modules():
    m = _Mod()
    x = ag.ones(2, requires_grad=True)
    with module_scope("block"), module_scope(m):
        y = x.exp().sum()
    src = ag.draw_graph(y).source
    assert "label=block" in src and "label=_Mod" in src


def _deep(depth: int, width: int = 2):
    """``width`` blocks, each a chain of ``depth`` nested scopes with 2 ops at the innermost level."""
    x = ag.randn(3, requires_grad=True)
    y = x
    for blk in range(width):
        names = [f"b{blk}"] + [f"l{d}" for d in range(1, depth)]
        scopes = [module_scope(n) for n in names]
        for s in scopes:
            s.__enter__()
        y = (y * 2).sin()
        for s in reversed(scopes):
            s.__exit__(None, None, None)
    return x, y.sum()


@pytest.mark.parametrize("max_depth", [0, 1, 3, 10])
def test_deep_module_tree_folds_at_max_depth(max_depth):
    depth = 12
    x, loss = _deep(depth, width=2)
    g = ag.draw_graph(loss, max_depth=max_depth)
    src = g.source
    assert g.info["boxes"] == 2  # one box per block, at the fold depth
    assert g.info["clusters"] == 2 * max_depth  # every shown level above the fold, per block
    boxes = [line for line in src.splitlines() if "shape=box3d" in line]
    assert len(boxes) == 2 and all("2 ops: mul, sin" in line for line in boxes)
    assert "<B>sin</B>" not in src and "<B>mul</B>" not in src  # folded away
    assert "<B>sum</B>" in src
    assert src.count("->") == g.info["edges"]
    if max_depth:
        assert f"label=l{max_depth - 1}" in src or max_depth == 1
        assert f"label=l{max_depth + 1}" not in src
    assert "in (3,)" in boxes[0] and "out (3,)" in boxes[0]


def test_no_folding_without_max_depth_and_errors_on_bad_depth():
    x, loss = _deep(5, width=1)
    g = ag.draw_graph(loss)
    assert g.info["boxes"] == 0 and g.info["clusters"] == 5
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="max_depth"):
            ag.draw_graph(loss, max_depth=bad)


def test_folded_box_counts_params_and_marks_outputs():
    m = _Mod()
    w = ag.randn(4, 2, requires_grad=True)
    b = ag.randn(2, requires_grad=True)
    x = ag.randn(5, 4)
    with module_scope(m):
        out = x @ w + b
    loss = out.pow(2).mean()
    ag.GradWatch(loss)
    loss.backward()
    g = ag.draw_graph({"out": out, "loss": loss}, params={"fc.weight": w, "fc.bias": b}, module_names={id(m): "fc"},
                      max_depth=0, show_grads=True)
    box = _node_line(g.source, "shape=box3d")
    assert "10 params in 2 tensors" in box and "output out" in box and "peripheries=2" in box
    assert "‖grad‖ params" in box and "‖grad‖ out" in box
    assert "<B>fc.weight</B>" not in g.source  # folded into the box


# ---- gradients, data, saved -------------------------------------------------------------------
def test_grad_colours_from_vanishing_to_exploding_with_legend():
    small = ag.ones(5, requires_grad=True)
    big = ag.ones(5, requires_grad=True)
    mid = ag.ones(5, requires_grad=True)
    loss = (small * 1e-9).sum() + (big * 1e6).sum() + (mid * 0.5).sum()
    ag.GradWatch(loss)
    loss.backward()
    src = ag.draw_graph(loss, params={"small": small, "big": big, "mid": mid}, show_grads=True).source
    assert VANISHING in _node_line(src, "<B>small</B>")
    assert EXPLODING in _node_line(src, "<B>big</B>")
    assert HEALTHY in _node_line(src, "<B>mid</B>")
    assert "‖grad‖ 2.236e-09" in src
    assert "cluster_legend" in src and "vanishing" in src and "exploding" in src and "NaN or inf" in src


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
def test_nan_and_inf_gradients_are_red():
    x = ag.tensor([1.0, 0.0, 4.0], requires_grad=True)
    y = (x.sqrt() * 2).sum()
    ag.GradWatch(y)
    y.backward()
    src = ag.draw_graph(y, params={"x": x}, show_grads=True).source
    line = _node_line(src, "<B>x</B>")
    assert NONFINITE[0] in line and "color=red" in line and "penwidth=3" in line and "1 inf of 3" in line
    g = ag.ones(2, requires_grad=True)
    w = (g * ag.tensor([float("nan"), 1.0])).sum()
    w.backward()
    assert "1 NaN of 2" in _node_line(ag.draw_graph(w, params={"g": g}, show_grads=True).source, "<B>g</B>")


def test_intermediate_grads_need_a_watch_and_retain_grad_is_used():
    x, w, b, loss = _mlp()
    loss.backward(retain_graph=True)
    src = ag.draw_graph(loss, params={"w": w, "b": b}, show_grads=True).source
    assert "GradWatch" in src  # the legend says how to get them
    assert "‖grad‖" in _node_line(src, "<B>w</B>")
    assert "grad" not in _node_line(src, "<B>relu</B>").split("label=")[1].split(">>")[0].replace("<B>", "")
    x2 = ag.ones(2, requires_grad=True)
    h = x2 * 3
    h.retain_grad()
    y = h.sum()
    y.backward()
    assert "grad [1, 1]" in _node_line(ag.draw_graph(y, show_grads=True).source, "<B>mul</B>")


def test_zero_gradient_is_grey():
    x = ag.tensor([-1.0, -2.0], requires_grad=True)
    y = x.relu().sum()
    y.backward()
    assert ZERO[0] in _node_line(ag.draw_graph(y, params={"x": x}, show_grads=True).source, "<B>x</B>")


def test_gradwatch_records_and_remove():
    x = ag.tensor([1.0, -2.0], requires_grad=True)
    y = (x * 3).relu().sum()
    watch = ag.GradWatch(y)
    assert len(watch) == 3 and watch.records() == []
    y.backward(retain_graph=True)
    recs = {op: s.norm for op, _, s in watch.records()}
    assert recs["sum"] == 1.0 and recs["relu"] == pytest.approx(np.sqrt(2)) and recs["mul"] == 1.0
    assert x.grad.tolist() == [3.0, 0.0]  # the hooks change nothing
    watch.remove()
    assert len(watch) == 0 and not any(y.grad_fn.hooks or ())
    with pytest.raises(TypeError, match="GradWatch: output 0 is a int"):
        ag.GradWatch(3)


def test_show_data_values_and_summaries():
    a = ag.tensor(2.0, requires_grad=True)
    b = ag.tensor(-3.0, requires_grad=True)
    c = a * b
    src = ag.draw_graph(c, params={"a": a, "b": b}, show_data=True).source
    assert "data 2" in _node_line(src, "<B>a</B>") and "data -6" in _node_line(src, "<B>mul</B>")
    w = ag.arange(10.0).requires_grad_()
    y = (w * 2).sin().sum()
    src = ag.draw_graph(y, params={"w": w}, show_data=True).source
    assert "data μ 4.5  σ 2.872  [0, 9]" in _node_line(src, "<B>w</B>")
    assert "data μ 9  σ 5.745  [0, 18]" in _node_line(src, "<B>mul</B>")  # found through sin's saved input


def test_show_saved_before_and_after_backward():
    x, w, b, loss = _mlp()
    src = ag.draw_graph(loss, show_saved=True).source
    assert "saved (4, 3), (3, 2)" in _node_line(src, "<B>matmul</B>")
    loss.backward()
    assert "saved: freed by backward" in _node_line(ag.draw_graph(loss, show_saved=True).source, "<B>matmul</B>")


def test_stats_helpers():
    s = TensorStats.of(np.array([3.0, 4.0]))
    assert s.norm == 5.0 and s.text() == "[3, 4]" and s.grad_text() == "grad [3, 4]"
    assert grad_colour(None) == (None, None, None)
    assert grad_colour(TensorStats.of(np.zeros(3)))[2] == "zero"
    assert grad_colour(TensorStats.of(np.array([np.inf])))[2] == "NaN/inf"
    assert TensorStats.of(np.zeros((0, 3))).text() == "empty"
    big = TensorStats.of(np.array([1.0, np.nan, 3.0, 5.0, 7.0]))
    assert big.text() == "μ 4  σ 2.236  [1, 7]  (1 NaN of 5)"


# ---- arguments ----------------------------------------------------------------------------------
def test_bad_arguments_raise_clear_errors():
    x, w, b, loss = _mlp()
    with pytest.raises(TypeError, match="at least one output"):
        ag.draw_graph()
    with pytest.raises(TypeError, match="output 0 is a float"):
        ag.draw_graph(1.5)
    with pytest.raises(ValueError, match="rankdir must be one of TB, LR, BT, RL"):
        ag.draw_graph(loss, rankdir="up")
    with pytest.raises(TypeError, match="params must be a dict"):
        ag.draw_graph(loss, params=[w])
    with pytest.raises(TypeError, match="inputs must be a dict"):
        ag.draw_graph(loss, inputs=[x])
    assert 'rankdir=LR' in ag.draw_graph(loss, rankdir="LR").source


def test_params_and_module_names_from_a_module_like_object():
    class Model:
        def __init__(self):
            self.w = ag.randn(2, 2, requires_grad=True)

        def named_parameters(self):
            return [("lin.weight", self.w)]

        def named_modules(self):
            return [("", self)]

        def __call__(self, x):
            with module_scope(self):
                return x @ self.w

    m = Model()
    y = m(ag.randn(3, 2)).sum()
    src = ag.draw_graph(y, params=m).source
    root = _cluster_block(src, "Model")
    assert "<B>matmul</B>" in root and "<B>lin.weight</B>" in src


# ---- big graphs -------------------------------------------------------------------------------
def test_ten_thousand_node_graph_draws():
    x = ag.randn(4, requires_grad=True)
    y = x
    for i in range(5000):
        with module_scope(f"block{i // 500}"):
            y = (y * 1.0001).tanh()
    loss = y.sum()
    watch = ag.GradWatch(loss)
    loss.backward()
    g = ag.draw_graph(loss, params={"x": x}, show_grads=True, show_data=True)
    assert g.info["ops"] == 10001 and g.info["edges"] == 10001 and g.info["clusters"] == 10
    assert len(watch.records()) == 10001
    folded = ag.draw_graph(loss, max_depth=0)
    assert folded.info["boxes"] == 10 and folded.source.count("->") == 11


# ---- rendering ----------------------------------------------------------------------------------
@needs_dot
@pytest.mark.parametrize("fmt,magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_render_formats(tmp_path, fmt, magic):
    x, w, b, loss = _mlp()
    loss.backward()
    g = ag.draw_graph(loss, params={"w": w, "b": b}, show_grads=True)
    out = ag.render_graph(g, tmp_path / f"graph.{fmt}")
    with open(out, "rb") as f:
        assert f.read(5).startswith(magic[:4])
    if fmt == "svg":
        text = open(out, encoding="utf-8").read()
        assert "matmul" in text and "‖grad‖" in text


@needs_dot
def test_inline_display_in_jupyter():
    x, w, b, loss = _mlp()
    g = ag.draw_graph(loss)
    bundle = g._repr_mimebundle_()
    assert "image/svg+xml" in bundle and "relu" in bundle["image/svg+xml"]
    assert "<svg" in g._repr_svg_()
    assert g.save_as.__doc__


def test_render_paths_and_formats(tmp_path):
    x, w, b, loss = _mlp()
    g = ag.draw_graph(loss)
    out = ag.render_graph(g, tmp_path / "sub" / "graph.gv")
    assert out.endswith("graph.gv") and open(out).read() == g.source
    assert ag.render_graph(g, tmp_path / "noext", format="dot").endswith("noext.dot")
    with pytest.raises(ValueError, match="unsupported format 'jpg'"):
        ag.render_graph(g, tmp_path / "graph.jpg")


def test_missing_dot_gives_install_hint_and_keeps_source(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    x, w, b, loss = _mlp()
    g = ag.draw_graph(loss)
    assert not has_dot()
    with pytest.raises(GraphvizNotFoundError, match="apt-get install graphviz") as err:
        ag.render_graph(g, tmp_path / "graph.png")
    assert isinstance(err.value, RuntimeError) and "brew install graphviz" in str(err.value)
    assert os.path.exists(tmp_path / "graph.dot") and not os.path.exists(tmp_path / "graph.png")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        bundle = g._repr_mimebundle_()
    assert list(bundle) == ["text/plain"] and "install" in bundle["text/plain"] and ".source" in bundle["text/plain"]
    assert g._repr_svg_() is None
    assert g.source.startswith("digraph")
