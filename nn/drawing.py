"""Draw a model: the graph of one forward and backward step, parameters and modules named.

``draw_model(model, x, loss_fn, target)`` runs ``model(x)`` (and the loss), records
every intermediate gradient with ``autograd.GradWatch``, runs backward, and returns
``autograd.draw_graph`` of the step with the parameters named from
``model.named_parameters()`` and the clusters from ``model.named_modules()``. The model
is left as it was: each parameter's ``.grad`` and every buffer are restored.
``save_model_graph`` writes the picture to a file (the training job's output folder).

Example:
    >>> import autograd as ag
    >>> import nn
    >>> model = nn.Sequential(nn.Linear(4, 8), nn.Linear(8, 1))
    >>> g = nn.drawing.draw_model(model, ag.randn(5, 4), lambda out, y: ((out - y) ** 2).mean(), ag.zeros(5, 1))
    >>> "0.weight" in g.source and "cluster" in g.source and model[0].weight.grad is None
    True
"""

from __future__ import annotations

import os
import warnings

import autograd as ag
from autograd.grad_mode import enable_grad
from autograd.tensor import Tensor
from autograd.viz import GradWatch, GraphDrawing, GraphvizNotFoundError, TensorStats, draw_graph, render_graph
from autograd.viz.draw import html_label, shape_text

__all__ = ["draw_model", "save_model_graph"]


def _as_inputs(example_input) -> tuple:
    items = tuple(example_input) if isinstance(example_input, (tuple, list)) else (example_input,)
    if not items:
        raise ValueError("draw_model: example_input is empty; give the tensor(s) the model is called with")
    for i, x in enumerate(items):
        if not isinstance(x, Tensor):
            raise TypeError(f"draw_model: example input {i} is a {type(x).__name__}, expected a Tensor")
    return items


def draw_model(
    model,
    example_input,
    loss_fn=None,
    target=None,
    *,
    show_grads: bool = True,
    show_data: bool = False,
    show_saved: bool = False,
    group_modules: bool = True,
    max_depth: int | None = None,
    rankdir: str = "TB",
) -> GraphDrawing:
    """The graph of one step of ``model`` on ``example_input`` (one tensor, or a tuple of the call's arguments).

    With ``loss_fn`` the step is ``loss_fn(model(x), target)`` (``loss_fn(model(x))`` when ``target`` is
    None) and backward starts from the loss; without it, backward starts from the model's output with
    a gradient of ones (the gradient of ``output.sum()``). Float inputs are drawn as leaves named
    ``input`` (their gradient is shown too); the target is named ``target``. Gradients are recorded
    for every tensor, so ``show_grads`` (on by default) colours the whole graph. Parameters' ``.grad``
    and the module buffers (e.g. BatchNorm running statistics) are restored afterwards; random
    layers (dropout) do draw random numbers. The other arguments are those of ``autograd.draw_graph``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> model = nn.Sequential(nn.Linear(3, 2))
        >>> g = nn.drawing.draw_model(model, ag.randn(4, 3), max_depth=0)
        >>> g.info["boxes"], "Sequential" in g.source
        (1, True)
    """
    if not callable(model) or not hasattr(model, "named_parameters"):
        raise TypeError(f"draw_model: expected an nn.Module, got {type(model).__name__}")
    inputs = _as_inputs(example_input)
    params = dict(model.named_parameters())
    saved_grads = [(p, p.grad) for p in params.values()]
    buffers = {n: b.data.copy() for n, b in model.named_buffers()} if hasattr(model, "named_buffers") else {}
    names: dict = {}
    call_args = []
    for i, x in enumerate(inputs):
        if x.dtype.kind == "f" and not x.requires_grad:
            x = x.detach().requires_grad_()
        names["input" if len(inputs) == 1 else f"input {i}"] = x
        call_args.append(x)
    if isinstance(target, Tensor):
        names["target"] = target
    try:
        for p, _ in saved_grads:
            p.grad = None
        with enable_grad():
            out = model(*call_args)
            outs = list(out) if isinstance(out, (tuple, list)) else [out]
            for i, o in enumerate(outs):
                if not isinstance(o, Tensor):
                    raise TypeError(f"draw_model: the model returned a {type(o).__name__} (output {i}); expected Tensors")
            shown = {"output" if len(outs) == 1 else f"output {i}": o for i, o in enumerate(outs)}
            if loss_fn is not None:
                loss = loss_fn(out, target) if target is not None else loss_fn(out)
                if not isinstance(loss, Tensor):
                    raise TypeError(f"draw_model: loss_fn returned a {type(loss).__name__}, expected a Tensor")
                shown["loss"] = loss
                roots, seeds = [loss], None
            else:
                roots = [o for o in outs if o.requires_grad]
                seeds = [ag.ones_like(o) for o in roots]
            GradWatch(*roots)
            if roots and roots[0].requires_grad:
                ag.backward(roots, seeds, retain_graph=True)
        drawing = draw_graph(
            shown, params=params, inputs=names, module_names=model, show_data=show_data, show_grads=show_grads,
            show_saved=show_saved, group_modules=group_modules, max_depth=max_depth, rankdir=rankdir,
        )
        if "target" in names and "target" not in drawing.info["named"] and "loss" in drawing.info["outputs"]:
            _add_target(drawing, target, drawing.info["outputs"]["loss"], show_data)
        return drawing
    finally:
        for p, g in saved_grads:
            p.grad = g
        if buffers:
            for n, b in model.named_buffers():
                if n in buffers and b.data.shape == buffers[n].shape:
                    b.data[...] = buffers[n]


def _add_target(drawing: GraphDrawing, target: Tensor, loss_key: str, show_data: bool) -> None:
    """Draw the target into the loss when no op kept it (losses usually keep only a converted copy)."""
    lines = [shape_text(tuple(target.shape), target.dtype)]
    if show_data:
        lines.append("data " + TensorStats.of(target.data).text())
    drawing.node("target", label=html_label("target", lines), shape="ellipse", style="filled,dashed",
                 fillcolor="#dcebf7", color="#3a78b5")
    drawing.edge("target", loss_key, style="dashed", tooltip="the target goes into the loss")
    drawing.info["named"] = sorted([*drawing.info["named"], "target"])


def save_model_graph(model, example_input, path: str | os.PathLike, loss_fn=None, target=None, **draw_kwargs) -> str:
    """Draw one step of ``model`` (see ``draw_model``) into ``path`` (``.svg``, ``.png``, ``.pdf`` or ``.dot``).

    Returns the path written. When Graphviz's ``dot`` program is missing this does not fail: it
    writes the DOT text next to ``path`` (suffix ``.dot``), warns how to install Graphviz, and
    returns that path, so a training job never stops for a picture.

    Example:
        >>> import os, tempfile
        >>> import autograd as ag
        >>> import nn
        >>> model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 2))
        >>> out = nn.drawing.save_model_graph(model, ag.randn(2, 3), os.path.join(tempfile.mkdtemp(), "step.dot"))
        >>> os.path.basename(out), open(out).read().startswith("digraph")
        ('step.dot', True)
    """
    drawing = draw_model(model, example_input, loss_fn, target, **draw_kwargs)
    try:
        return render_graph(drawing, path)
    except GraphvizNotFoundError as e:
        warnings.warn(str(e), RuntimeWarning, stacklevel=2)
        return os.path.splitext(os.fspath(path))[0] + ".dot"
