"""``draw_graph``: a picture of the recorded graph, grouped by module, coloured by gradient health.

Op nodes carry the op's name as users write it (``matmul``, ``relu``) with the output
shape and dtype; leaves are named from ``params``/``inputs``; the given outputs get a
double border. Ops are grouped in clusters by the ``nn`` module that recorded them;
``max_depth`` folds every module nested deeper than that into one box (op count,
parameters, in/out shapes), so deep models stay readable. ``show_grads`` colours each
tensor by its gradient norm (see ``autograd.viz.stats.GRAD_SCALE``), NaN/inf in red,
with a legend; ``show_data`` adds value summaries; ``show_saved`` what ops saved.

Example:
    >>> import autograd as ag
    >>> w = ag.randn(3, 2, requires_grad=True)
    >>> x = ag.randn(4, 3)
    >>> loss = (x @ w).relu().mean()
    >>> watch = ag.GradWatch(loss); loss.backward()
    >>> g = ag.draw_graph(loss, params={"w": w}, show_grads=True)
    >>> "matmul" in g.source and "(4, 2) float32" in g.source and "legend" in g.source
    True
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping

from ..tensor import Tensor
from .graph import Graph, LeafNode, OpNode, collect
from .render import GraphDrawing
from .stats import GRAD_SCALE, NONFINITE, ZERO, TensorStats, fmt, grad_colour, norm_colour
from .watch import node_grad

RANKDIRS = ("TB", "LR", "BT", "RL")
FONT = "Helvetica"
_KIND_STYLE = {  # leaf kind -> (shape, border colour, fill when gradients are not shown)
    "param": ("box", "#b8860b", "#fff4c2"),
    "input": ("ellipse", "#3a78b5", "#dcebf7"),
    "leaf": ("ellipse", "#777777", "#eeeeee"),
    "tensor": ("ellipse", "#999999", "white"),
}
_CLUSTER_FILLS = ("#f6f6f6", "#edf3fb", "#f7f1e6", "#eef7ee")


def draw_graph(
    *outputs,
    params=None,
    inputs: Mapping | None = None,
    show_data: bool = False,
    show_grads: bool = False,
    show_saved: bool = False,
    group_modules: bool = True,
    max_depth: int | None = None,
    rankdir: str = "TB",
    module_names=None,
) -> GraphDrawing:
    """Draw the graph that produced ``outputs`` as a ``graphviz.Digraph`` (a ``GraphDrawing``).

    Args:
        outputs: Tensors (several give one picture), or one dict of name -> Tensor to name them.
        params: Names for leaves: a dict of name -> tensor (``dict(model.named_parameters())``) or a
            module (its ``named_parameters()``, and its ``named_modules()`` for ``module_names``).
        inputs: Named input tensors (drawn as ellipses). Inputs that need no gradient can only be
            found through the tensors ops saved, so draw before ``backward()`` or use ``retain_graph=True``.
        show_data: Add the shape and ``μ σ [min, max]`` of each tensor (values for tensors of a few
            elements). Intermediate values are known where an op saved them (before backward).
        show_grads: Add each tensor's gradient norm and colour nodes from vanishing to exploding
            (NaN/inf red), with a legend. Leaves show ``.grad``; intermediate tensors show what a
            ``GradWatch`` created before ``backward()`` recorded (or a ``retain_grad()``-ed gradient).
        show_saved: Add the shapes of the tensors each op saved for backward.
        group_modules: Group ops in clusters by the ``nn`` module that recorded them.
        max_depth: Draw modules at this nesting depth (0 = the outermost module, the model itself)
            as single boxes; ``None`` shows every op.
        rankdir: Graphviz layout direction: ``'TB'`` (top to bottom), ``'LR'``, ``'BT'`` or ``'RL'``.
        module_names: ``{id(module): name}`` (or a module, whose ``named_modules()`` is used) to
            name the clusters; unnamed modules show their class name.

    Example:
        >>> import autograd as ag
        >>> a = ag.tensor(2.0, requires_grad=True); b = ag.tensor(-3.0, requires_grad=True)
        >>> c = a * b + 1
        >>> c.backward()
        >>> src = ag.draw_graph({"c": c}, params={"a": a, "b": b}, show_data=True, show_grads=True).source
        >>> "<B>mul</B>" in src and "grad -3" in src and "c = -5" in src
        True
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    if max_depth is not None and (not isinstance(max_depth, int) or isinstance(max_depth, bool) or max_depth < 0):
        raise ValueError(f"draw_graph: max_depth must be None or an int >= 0, got {max_depth!r}")
    outs = _named_outputs(outputs)
    names, mod_source = _leaf_names(params, inputs)
    mod_names = _module_names(module_names if module_names is not None else mod_source)
    graph = collect(outs, names)
    return _Drawer(graph, mod_names, show_data, show_grads, show_saved, group_modules, max_depth, rankdir).draw()


# ---- arguments --------------------------------------------------------------------------------
def _named_outputs(outputs: tuple) -> list:
    flat: list = []
    for o in outputs:
        if isinstance(o, Mapping):
            flat.extend((str(k), v) for k, v in o.items())
        elif isinstance(o, (list, tuple)):
            flat.extend((None, v) for v in o)
        else:
            flat.append((None, o))
    if not flat:
        raise TypeError("draw_graph() needs at least one output tensor, e.g. draw_graph(loss)")
    for i, (name, t) in enumerate(flat):
        if not isinstance(t, Tensor):
            raise TypeError(f"draw_graph: output {name or i} is a {type(t).__name__}, expected a Tensor")
    if len(flat) == 1:
        return [(flat[0][0] or "output", flat[0][1])]
    return [(name or f"output {i}", t) for i, (name, t) in enumerate(flat)]


def _leaf_names(params, inputs) -> tuple:
    names: dict = {}
    mod_source = None
    if params is not None:
        if hasattr(params, "named_parameters") and not isinstance(params, Mapping):
            mod_source = params
            params = dict(params.named_parameters())
        if not isinstance(params, Mapping):
            raise TypeError(f"draw_graph: params must be a dict of name -> tensor or a module, got {type(params).__name__}")
        for name, t in params.items():
            if isinstance(t, Tensor):
                names.setdefault(id(t), str(name))
    if inputs is not None:
        if not isinstance(inputs, Mapping):
            raise TypeError(f"draw_graph: inputs must be a dict of name -> tensor, got {type(inputs).__name__}")
        for name, t in inputs.items():
            if isinstance(t, Tensor):
                names[id(t)] = (str(name), "input")
    return names, mod_source


def _module_names(source) -> dict:
    if source is None:
        return {}
    if hasattr(source, "named_modules") and not isinstance(source, Mapping):
        return {id(m): name for name, m in source.named_modules()}
    if not isinstance(source, Mapping):
        raise TypeError(f"draw_graph: module_names must be a dict of id(module) -> name or a module, got {type(source).__name__}")
    return dict(source)


# ---- text ---------------------------------------------------------------------------------------
def shape_text(shape, dtype=None) -> str:
    """``'(4, 2) float32'``, ``'scalar float64'``: how nodes show a shape and dtype.

    Example:
        >>> from autograd.viz.draw import shape_text
        >>> shape_text((4, 2), "float32"), shape_text(())
        ('(4, 2) float32', 'scalar')
    """
    s = "scalar" if shape == () else ("(?)" if shape is None else str(tuple(shape)))
    return s if dtype is None else f"{s} {dtype}"


def html_label(title: str, lines: list, title_size: int = 12) -> str:
    """A node label in the drawings' style: a bold title over small lines (text is HTML-escaped).

    Example:
        >>> from autograd.viz.draw import html_label
        >>> html_label("a<b", ["x"])
        '<<FONT POINT-SIZE="12"><B>a&lt;b</B></FONT><BR/><FONT POINT-SIZE="10">x</FONT>>'
    """
    rows = [f'<FONT POINT-SIZE="{title_size}"><B>{html.escape(title, quote=False)}</B></FONT>']
    rows += [f'<FONT POINT-SIZE="10">{html.escape(line, quote=False)}</FONT>' for line in lines]
    return "<" + "<BR/>".join(rows) + ">"


class _Cluster:
    __slots__ = ("key", "depth", "label", "name", "index", "members", "n_ops", "op_names", "params", "ins", "outs")

    def __init__(self, key: tuple, depth: int, label: str, name: str | None, index: int) -> None:
        self.key = key
        self.depth = depth
        self.label = label
        self.name = name
        self.index = index
        self.members: list = []  # node statements (name, label, attrs) drawn inside this cluster
        self.n_ops = 0  # for boxes: the ops folded in
        self.op_names: list = []
        self.params: list = []  # for boxes: the parameter leaves folded in
        self.ins: dict = {}  # for boxes: (src key, idx) -> shape entering
        self.outs: dict = {}  # for boxes: (src key, idx) -> shape leaving

    @property
    def box_key(self) -> str:
        return f"m{self.index}"


class _Drawer:
    """One drawing: places nodes in clusters/boxes, then writes the DOT statements."""

    def __init__(self, graph: Graph, mod_names: dict, show_data, show_grads, show_saved, group, max_depth, rankdir) -> None:
        self.g = graph
        self.mod_names = mod_names
        self.show_data, self.show_grads, self.show_saved = show_data, show_grads, show_saved
        self.group, self.max_depth, self.rankdir = group, max_depth, rankdir
        self.clusters: dict = {}  # scope key tuple -> _Cluster
        self.by_name: dict = {}  # module name -> scope key tuple
        self._scope_cache: dict = {}
        self.top: list = []  # node statements outside every cluster
        self.rep: dict = {}  # node key -> box key, for nodes folded into a collapsed module
        self.output_of: dict = {}  # node key -> [(name, idx, tensor)]
        self.watched = False  # some intermediate gradient was recorded

    # -- placement ----------------------------------------------------------------------------
    def _scope_key(self, scope: tuple) -> tuple:
        cached = self._scope_cache.get(id(scope))
        if cached is not None:
            return cached[1]
        key = tuple(o if isinstance(o, str) else id(o) for o in scope)
        for d in range(len(key)):
            sub = key[: d + 1]
            if sub not in self.clusters:
                obj = scope[d]
                if isinstance(obj, str):
                    name, label = obj, obj
                else:
                    name = self.mod_names.get(id(obj))
                    cls = type(obj).__name__
                    label = f"{name}: {cls}" if name else cls
                self.clusters[sub] = _Cluster(sub, d, label, name, len(self.clusters))
                if name is not None:
                    self.by_name.setdefault(name, sub)
        self._scope_cache[id(scope)] = (scope, key)  # keep the tuple alive so its id stays unique
        return key

    def _container(self, key: tuple):
        """The cluster a node with scope ``key`` is drawn in, and the box it is folded into (or None)."""
        if not key:
            return None, None
        if self.max_depth is not None and len(key) > self.max_depth:
            box = self.clusters[key[: self.max_depth + 1]]
            return (self.clusters[key[: self.max_depth]] if self.max_depth else None), box
        return self.clusters[key], None

    def _place(self) -> dict:
        place: dict = {}  # node key -> (cluster or None, box or None)
        for node in self.g.ops.values():
            scope = getattr(node.fn, "scope", ()) if self.group else ()
            place[node.key] = self._container(self._scope_key(scope) if scope else ())
        for leaf in self.g.leaves.values():
            where = (None, None)
            if self.group and leaf.kind == "param" and leaf.name:
                mod = leaf.name.rsplit(".", 1)[0] if "." in leaf.name else ""
                key = self.by_name.get(mod)
                if key is not None:
                    where = self._container(key)
            place[leaf.key] = where
        for key, (_, box) in place.items():
            if box is not None:
                self.rep[key] = box.box_key
        return place

    # -- labels -------------------------------------------------------------------------------
    def _output_lines(self, key: str, idx: int) -> list:
        lines = []
        for name, i, t in self.output_of.get(key, ()):
            if i == idx:
                value = f" = {fmt(float(t.data))}" if t.data.size == 1 and t.data.dtype.kind in "fiub" else ""
                lines.append(f"{name}{value}")
        return lines

    def _op_statement(self, node: OpNode) -> tuple:
        fn = node.fn
        idxs = sorted(node.out_shapes.keys() | node.values.keys()) or [0]
        lines = []
        worst = None
        for idx in idxs:
            prefix = f"[{idx}] " if fn.n_outputs > 1 else ""
            lines.append(prefix + shape_text(node.out_shapes.get(idx), node.out_dtypes.get(idx)))
            lines += self._output_lines(node.key, idx)
            if self.show_data and idx in node.values:
                lines.append(prefix + "data " + TensorStats.of(node.values[idx]).text())
            if self.show_grads:
                stats = node_grad(fn, idx)
                if stats is not None:
                    self.watched = True
                    lines.append(prefix + stats.grad_text())
                    if worst is None or not stats.finite:
                        worst = stats
        if self.show_saved:
            lines.append(_saved_text(fn))
        attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": "white", "color": "#555555"}
        self._grad_style(attrs, worst)
        self._output_style(attrs, node.key)
        scope = getattr(fn, "scope", ())
        where = ".".join(self.mod_names.get(id(o)) or type(o).__name__ for o in scope if not isinstance(o, str))
        attrs["tooltip"] = f"{type(fn).__name__}" + (f" in {where}" if where else "")
        return node.key, html_label(fn.op_name(), lines), attrs

    def _leaf_statement(self, leaf: LeafNode) -> tuple:
        t = leaf.tensor
        lines = [shape_text(tuple(t.data.shape), t.data.dtype)]
        lines += self._output_lines(leaf.key, -1)
        if self.show_data:
            lines.append("data " + TensorStats.of(t.data).text())
        stats = None
        if self.show_grads and t.requires_grad:
            if t.grad is not None:
                stats = TensorStats.of(t.grad.data)
                lines.append(stats.grad_text())
            else:
                lines.append("grad None")
        shape, border, fill = _KIND_STYLE[leaf.kind]
        attrs = {"shape": shape, "style": "filled", "fillcolor": fill, "color": border, "penwidth": "1.5"}
        if leaf.kind == "tensor":
            attrs["style"] = "dashed"
        if self.show_grads and t.requires_grad:
            attrs["fillcolor"] = "white"
            self._grad_style(attrs, stats)
        self._output_style(attrs, leaf.key)
        title = leaf.name or leaf.kind
        return leaf.key, html_label(title, lines), attrs

    def _grad_style(self, attrs: dict, stats) -> None:
        fill, font, _ = grad_colour(stats)
        if fill is None or not self.show_grads:
            return
        attrs["fillcolor"] = fill
        attrs["fontcolor"] = font
        if not stats.finite:
            attrs["color"] = "red"
            attrs["penwidth"] = "3"

    def _output_style(self, attrs: dict, key: str) -> None:
        if key in self.output_of:
            attrs["peripheries"] = "2"

    def _box_statement(self, box: _Cluster) -> tuple:
        names = box.op_names[::-1]  # ops were found from the outputs back: list them in forward order
        ops = ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
        lines = [f"{box.n_ops} op{'s' * (box.n_ops != 1)}: {ops}"]
        if box.params:
            n = sum(int(p.tensor.data.size) for p in box.params)
            lines.append(f"{n:,} params in {len(box.params)} tensor{'s' * (len(box.params) != 1)}")
        shapes = lambda d: ", ".join(shape_text(s, None) for s in dict.fromkeys(d.values())) or "-"  # noqa: E731
        lines.append(f"in {shapes(box.ins)}")
        lines.append(f"out {shapes(box.outs)}")
        for name, key, _, _ in self.g.outputs:
            if self.rep.get(key) == box.box_key:
                lines.append(name if name.startswith("output") else f"output {name}")
        attrs = {"shape": "box3d", "style": "filled", "fillcolor": "#e9e9e9", "color": "#555555"}
        if box.box_key in self.output_of:
            attrs["peripheries"] = "2"
        if self.show_grads:
            attrs["fillcolor"] = "white"
            self._box_grads(box, lines, attrs)
        attrs["tooltip"] = f"{box.label}: {box.n_ops} ops folded (max_depth={self.max_depth})"
        return box.box_key, html_label(box.label, lines), attrs

    def _box_grads(self, box: _Cluster, lines: list, attrs: dict) -> None:
        """Gradient of the box: its parameters' joint norm (else its outputs'), red if anything inside is NaN/inf."""
        sq, have, p_bad = 0.0, False, False
        for p in box.params:
            if p.tensor.grad is not None:
                s = TensorStats.of(p.tensor.grad.data)
                p_bad |= not s.finite
                sq += s.norm**2 if s.finite else 0.0
                have = True
        out_sq, out_have, o_bad = 0.0, False, False
        for src, idx in box.outs:
            node = self._ops_by_key.get(src)
            s = node_grad(node.fn, idx) if node is not None else None
            if s is not None:
                self.watched = True
                o_bad |= not s.finite
                out_sq += s.norm**2 if s.finite else 0.0
                out_have = True
        bad = p_bad or o_bad
        bad |= self._box_bad.get(box.box_key, False)
        if have:  # a norm over non-finite values is not a number: say so rather than print the finite part
            lines.append(f"‖grad‖ params {'NaN/inf' if p_bad else fmt(math.sqrt(sq))}")
        if out_have:
            lines.append(f"‖grad‖ out {'NaN/inf' if o_bad else fmt(math.sqrt(out_sq))}")
        if bad:
            lines.append("NaN/inf gradient inside")
            fill, font, _ = NONFINITE
            attrs.update(fillcolor=fill, fontcolor=font, color="red", penwidth="3")
        elif have or out_have:
            fill, font, _ = norm_colour(math.sqrt(sq) if have else math.sqrt(out_sq))
            attrs.update(fillcolor=fill, fontcolor=font)

    # -- assembly -----------------------------------------------------------------------------
    def draw(self) -> GraphDrawing:
        g = self.g
        self._ops_by_key = {n.key: n for n in g.ops.values()}
        self._leaves_by_key = {leaf.key: leaf for leaf in g.leaves.values()}
        for name, key, idx, t in g.outputs:
            self.output_of.setdefault(key, []).append((name, idx, t))
        place = self._place()
        self._box_bad: dict = {}
        boxes: dict = {}
        for node in g.ops.values():
            cluster, box = place[node.key]
            if box is not None:
                boxes[box.box_key] = box
                box.n_ops += 1
                box.op_names.append(node.fn.op_name())
                if self.show_grads:
                    for idx in node.out_shapes:
                        s = node_grad(node.fn, idx)
                        if s is not None and not s.finite:
                            self._box_bad[box.box_key] = True
                continue
            self._put(cluster, self._op_statement(node))
        for leaf in g.leaves.values():
            cluster, box = place[leaf.key]
            if box is not None:
                boxes[box.box_key] = box
                box.params.append(leaf)
                continue
            self._put(cluster, self._leaf_statement(leaf))
        edges = self._edges(boxes)
        for box in boxes.values():
            for _, key, idx, t in g.outputs:
                if self.rep.get(key) == box.box_key:
                    box.outs[(key, idx)] = tuple(t.data.shape)
                    self.output_of.setdefault(box.box_key, [])
            parent = self.clusters.get(box.key[:-1]) if len(box.key) > 1 else None
            self._put(parent, self._box_statement(box))
        return self._emit(edges)

    def _put(self, cluster, statement: tuple) -> None:
        (cluster.members if cluster is not None else self.top).append(statement)

    def _shape_of(self, key: str, idx: int):
        if idx < 0:
            return tuple(self._leaves_by_key[key].tensor.data.shape)
        node = self._ops_by_key[key]
        return node.out_shapes.get(idx)

    def _edges(self, boxes: dict) -> list:
        out = []
        seen = set()
        multi = {n.key for n in self.g.ops.values() if n.fn.n_outputs > 1}
        for src, dst, idx in self.g.edges:
            rs, rd = self.rep.get(src, src), self.rep.get(dst, dst)
            if rs == rd:
                continue
            if rs != src or rd != dst:
                if rd != dst and (src, idx) not in boxes[rd].ins:
                    boxes[rd].ins[(src, idx)] = self._shape_of(src, idx)
                if rs != src:
                    boxes[rs].outs.setdefault((src, idx), self._shape_of(src, idx))
                if (rs, rd) in seen:
                    continue
                seen.add((rs, rd))
                out.append((rs, rd, None))
                continue
            out.append((rs, rd, f"[{idx}]" if src in multi else None))
        return out

    def _emit(self, edges: list) -> GraphDrawing:
        dot = GraphDrawing(
            name="autograd",
            graph_attr={"rankdir": self.rankdir, "fontname": FONT, "fontsize": "11", "nodesep": "0.25", "ranksep": "0.35"},
            node_attr={"fontname": FONT, "fontsize": "11", "margin": "0.1,0.04", "height": "0.3"},
            edge_attr={"color": "#555555", "arrowsize": "0.7", "fontname": FONT, "fontsize": "9"},
        )
        shown = {}
        for key, c in self.clusters.items():
            if self.max_depth is not None and c.depth >= self.max_depth:
                continue
            shown[key] = GraphDrawing(
                name=f"cluster_{c.index}",
                graph_attr={
                    "label": c.label, "labeljust": "l", "style": "rounded,filled", "color": "#9a9a9a",
                    "fillcolor": _CLUSTER_FILLS[c.depth % len(_CLUSTER_FILLS)], "fontname": FONT, "fontsize": "11",
                    "tooltip": c.label,
                },
            )
            for name, label, attrs in c.members:
                shown[key].node(name, label=label, **attrs)
        for name, label, attrs in self.top:
            dot.node(name, label=label, **attrs)
        for key in sorted(shown, key=len, reverse=True):  # deepest first: a cluster is complete when attached
            parent = shown.get(key[:-1]) if len(key) > 1 else None
            sub = shown[key]
            if len(sub.body) == 0:
                continue
            (parent if parent is not None else dot).subgraph(sub)
        for src, dst, label in edges:
            dot.edge(src, dst, label=label)
        if self.show_grads:
            self._legend(dot)
        dot.info = {
            "ops": len(self.g.ops),
            "leaves": len(self.g.leaves),
            "edges": len(edges),
            "clusters": sum(1 for s in shown.values() if s.body),
            "boxes": len({b for b in self.rep.values()}),
            "outputs": {name: self.rep.get(key, key) for name, key, _, _ in self.g.outputs},
            "named": sorted(leaf.name for leaf in self.g.leaves.values() if leaf.name),
        }
        return dot

    def _legend(self, dot: GraphDrawing) -> None:
        rows = ['<TR><TD COLSPAN="2"><B>‖grad‖</B></TD></TR>']
        entries = [(fill, text) for _, fill, _, text in GRAD_SCALE]
        entries += [(ZERO[0], "exactly zero"), (NONFINITE[0], "NaN or inf"), ("white", "not recorded")]
        for fill, text in entries:
            rows.append(
                f'<TR><TD BGCOLOR="{fill}" WIDTH="16"> </TD>'
                f'<TD ALIGN="LEFT"><FONT POINT-SIZE="9">{html.escape(text, quote=False)}</FONT></TD></TR>'
            )
        notes = ["box: parameter", "ellipse: input", "rounded: op", "3d box: folded module", "double border: output"]
        if not self.watched and self.g.ops:
            notes += ["intermediate gradients not", "recorded: call ag.GradWatch(", "outputs) before backward()"]
        rows.append('<TR><TD COLSPAN="2" BORDER="0" ALIGN="LEFT"><FONT POINT-SIZE="8">'
                    + '<BR ALIGN="LEFT"/>'.join(notes) + '<BR ALIGN="LEFT"/></FONT></TD></TR>')
        table = '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3">' + "".join(rows) + "</TABLE>>"
        legend = GraphDrawing(name="cluster_legend", graph_attr={"label": "legend", "style": "dashed", "color": "#bbbbbb",
                                                                 "fontname": FONT, "fontsize": "10"})
        legend.node("legend", label=table, shape="plaintext")
        dot.subgraph(legend)


def _saved_text(fn) -> str:
    if getattr(fn, "freed", False):
        return "saved: freed by backward"
    parts = []
    for s in getattr(fn, "saved", None) or ():
        if isinstance(s, Tensor):
            parts.append(shape_text(tuple(s.data.shape), None))
        elif s is not None and hasattr(s, "shape"):
            parts.append(shape_text(tuple(s.shape), None))
    if getattr(fn, "save_output", False) and getattr(fn, "out_data", None) is not None:
        parts.append("output")
    return "saved " + (", ".join(parts) if parts else "nothing")

