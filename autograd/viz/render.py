"""Rendering drawings to SVG/PNG/PDF, inline display in Jupyter, and a clear message when ``dot`` is missing.

``draw_graph`` returns a ``GraphDrawing``: a ``graphviz.Digraph`` (so ``.source``,
``.render(...)``, ``.pipe(...)`` all work) whose Jupyter display does not fail when
Graphviz's ``dot`` program is not installed: it shows how to install it instead.
``render_graph(drawing, path)`` writes one file, the format taken from the suffix.

Example:
    >>> import autograd as ag
    >>> x = ag.ones(2, requires_grad=True)
    >>> g = ag.draw_graph((x * 2).sum())
    >>> g.source.startswith("digraph")
    True
    >>> # ag.render_graph(g, "graph.svg")   # needs Graphviz's `dot` program
"""

from __future__ import annotations

import os
import shutil

import graphviz

from ..atomic_file import atomic_write

FORMATS = ("svg", "png", "pdf", "dot")

INSTALL_HINT = (
    "Install Graphviz (the program, not only the Python package): Debian/Ubuntu `sudo apt-get install graphviz`, "
    "Fedora `sudo dnf install graphviz`, macOS `brew install graphviz`, conda `conda install -c conda-forge graphviz`, "
    "Windows `winget install graphviz` (then put its bin folder on PATH). In this repository `make test` / `make demo` "
    "install it on Debian when run as root."
)


class GraphvizNotFoundError(RuntimeError):
    """Raised when a drawing must be rendered but Graphviz's ``dot`` program is not on PATH."""


def missing_dot_message(what: str = "render the graph") -> str:
    """The message shown when ``dot`` is missing: how to install it, and that the DOT source still works.

    Example:
        >>> from autograd.viz.render import missing_dot_message
        >>> "apt-get install graphviz" in missing_dot_message()
        True
    """
    return (
        f"Graphviz's `dot` program was not found on PATH, so numbagrad cannot {what}. {INSTALL_HINT} "
        "The DOT text is still available without it: `drawing.source` (paste it into any Graphviz viewer, "
        "e.g. https://dreampuf.github.io/GraphvizOnline) or `render_graph(drawing, 'graph.dot')`."
    )


def has_dot() -> bool:
    """True when Graphviz's ``dot`` program is on PATH (rendering works).

    Example:
        >>> from autograd.viz.render import has_dot
        >>> isinstance(has_dot(), bool)
        True
    """
    return shutil.which("dot") is not None


class GraphDrawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` from ``draw_graph``; ``info`` counts what it shows.

    It displays inline in Jupyter (SVG); without the ``dot`` program the notebook shows how
    to install it instead of a traceback, and ``.source`` still gives the DOT text.

    Example:
        >>> import autograd as ag
        >>> g = ag.draw_graph((ag.ones(3, requires_grad=True) * 2).sum())
        >>> isinstance(g, graphviz.Digraph), g.info["ops"]
        (True, 2)
    """

    info: dict = {}

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs) -> dict:
        try:
            return super()._repr_mimebundle_(include, exclude, **kwargs)
        except graphviz.ExecutableNotFound:
            return {"text/plain": missing_dot_message("display the graph inline")}

    def _repr_svg_(self) -> str | None:
        try:
            return self.pipe(format="svg", encoding="utf-8")
        except graphviz.ExecutableNotFound:
            return None

    def save_as(self, path: str | os.PathLike, format: str | None = None) -> str:
        """Render to ``path`` (SVG/PNG/PDF from the suffix, or DOT text); see ``render_graph``."""
        return render_graph(self, path, format)


def _atomic_write(path: str, data: bytes) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    atomic_write(path, lambda fh: fh.write(data), op="render_graph")


def render_graph(dot: graphviz.Digraph, path: str | os.PathLike, format: str | None = None) -> str:
    """Write ``dot`` to ``path`` as SVG, PNG, PDF, or DOT text; return the path written.

    ``format`` defaults to the suffix of ``path`` (a path without one gets ``.svg``). SVG/PNG/PDF need
    Graphviz's ``dot`` program; when it is missing the DOT text is written next to ``path`` (suffix
    ``.dot``) and ``GraphvizNotFoundError`` says how to install Graphviz. The file is replaced atomically.

    Example:
        >>> import os, tempfile
        >>> import autograd as ag
        >>> g = ag.draw_graph((ag.ones(2, requires_grad=True) * 2).sum())
        >>> out = ag.render_graph(g, os.path.join(tempfile.mkdtemp(), "step.dot"))
        >>> open(out).read().startswith("digraph")
        True
    """
    path = os.fspath(path)
    root, ext = os.path.splitext(path)
    if format is None:
        format = ext[1:].lower() if ext else "svg"
        if format == "gv":
            format = "dot"
    format = format.lower()
    if format not in FORMATS:
        raise ValueError(f"render_graph: unsupported format {format!r} (from {path!r}); use one of {', '.join(FORMATS)}")
    if not ext:
        path = f"{path}.{format}"
        root = path[: -len(format) - 1]
    if format == "dot":
        _atomic_write(path, dot.source.encode("utf-8"))
        return path
    try:
        data = dot.pipe(format=format)
    except graphviz.ExecutableNotFound:
        fallback = root + ".dot"
        _atomic_write(fallback, dot.source.encode("utf-8"))
        raise GraphvizNotFoundError(
            missing_dot_message(f"write {path}") + f" The DOT text was written to {fallback}."
        ) from None
    _atomic_write(path, data)
    return path
