"""Drawing computation graphs: ``draw_graph``, ``GradWatch``, ``render_graph``.

``autograd.draw_graph(loss, params=dict(model.named_parameters()))`` returns a
``graphviz.Digraph``; create ``autograd.GradWatch(loss)`` before ``backward()`` to
colour every tensor, not only the leaves, by its gradient norm. See ``draw.py``.

Example:
    >>> import autograd as ag
    >>> x = ag.ones(3, requires_grad=True)
    >>> g = ag.draw_graph((x.exp() * 2).sum(), params={"x": x})
    >>> [op in g.source for op in ("exp", "mul", "sum")]
    [True, True, True]
"""

from .draw import draw_graph
from .render import GraphDrawing, GraphvizNotFoundError, has_dot, missing_dot_message, render_graph
from .stats import GRAD_SCALE, TensorStats, grad_colour
from .watch import GradWatch

__all__ = [
    "GRAD_SCALE",
    "GradWatch",
    "GraphDrawing",
    "GraphvizNotFoundError",
    "TensorStats",
    "draw_graph",
    "grad_colour",
    "has_dot",
    "missing_dot_message",
    "render_graph",
]
