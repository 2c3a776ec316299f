"""Collect the recorded graph behind some output tensors into plain nodes and edges.

The walk is iterative (a stack, no recursion), so graphs of any depth work. Nodes
keep no reference to their output tensors, so what is known about each op output
is gathered from where it can be found: its consumers' edges give its shape, the
outputs given by the caller and the tensors other nodes saved for backward give
its values, and dtypes come from the node (``out_dtypes``), from those values, or
are inferred from the inputs' dtypes (parents first, in topological order).

Example:
    >>> import autograd as ag
    >>> from autograd.viz.graph import collect
    >>> w = ag.ones(2, 3, requires_grad=True)
    >>> y = (w * 2).sum()
    >>> g = collect([("y", y)], {id(w): "w"})
    >>> [(op.fn.op_name(), op.out_shapes) for op in g.ops.values()]
    [('sum', {0: ()}), ('mul', {0: (2, 3)})]
    >>> [(leaf.name, leaf.kind) for leaf in g.leaves.values()], len(g.edges)
    ([('w', 'param')], 2)
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor


class OpNode:
    """One recorded op (a ``Function`` node) and what is known about its outputs."""

    __slots__ = ("fn", "key", "out_shapes", "out_dtypes", "values")

    def __init__(self, fn, key: str) -> None:
        self.fn = fn
        self.key = key
        self.out_shapes: dict = {}  # output index -> shape
        self.out_dtypes: dict = {}  # output index -> dtype (filled by collect)
        self.values: dict = {}  # output index -> array (when a tensor holding it was found)


class LeafNode:
    """A tensor at the edge of the graph: a parameter, an input, an unnamed leaf, or a non-grad output.

    ``kind`` is ``'param'`` (named in ``params``), ``'input'`` (named in ``inputs``, or a named tensor that
    needs no gradient), ``'leaf'`` (an unnamed tensor that requires grad) or ``'tensor'`` (an output with no graph).
    """

    __slots__ = ("tensor", "key", "name", "kind")

    def __init__(self, tensor: Tensor, key: str, name: str | None, kind: str) -> None:
        self.tensor = tensor
        self.key = key
        self.name = name
        self.kind = kind


class Graph:
    """The nodes and edges reachable from some outputs; ``edges`` are ``(src key, dst key, src output index)``."""

    def __init__(self) -> None:
        self.ops: dict = {}  # Function node -> OpNode, in discovery order (outputs first)
        self.leaves: dict = {}  # id(tensor) -> LeafNode
        self.edges: list = []
        self.outputs: list = []  # (name, key, output index, tensor)


def _edge_shape(fn, k: int, e) -> tuple | None:
    if len(e) > 2:
        return e[2]
    shapes = getattr(fn, "in_shapes", None)
    return shapes[k] if shapes else None


def collect(outputs: list, names: dict) -> Graph:
    """Walk back from ``outputs`` (a list of ``(name, Tensor)``); ``names`` maps ``id(tensor)`` to a name.

    A name is a string (a parameter) or ``(string, 'input')`` for a named input. Named tensors
    that need no gradient are found through the tensors ops saved for backward (so before
    ``backward()``, or with ``retain_graph=True``).
    """
    g = Graph()
    ops = g.ops
    stack: list = []

    def leaf(t: Tensor) -> LeafNode:
        node = g.leaves.get(id(t))
        if node is None:
            entry = names.get(id(t))
            if isinstance(entry, tuple):
                name, kind = entry
            elif entry is not None:
                name, kind = entry, ("param" if t.requires_grad else "input")
            else:
                name, kind = None, ("leaf" if t.requires_grad else "tensor")
            node = g.leaves[id(t)] = LeafNode(t, f"t{len(g.leaves)}", name, kind)
        return node

    def op(fn) -> OpNode:
        node = ops.get(fn)
        if node is None:
            node = ops[fn] = OpNode(fn, f"n{len(ops)}")
            stack.append(fn)
        return node

    for name, t in outputs:
        if t.grad_fn is None:
            g.outputs.append((name, leaf(t).key, -1, t))
            continue
        node = op(t.grad_fn)
        node.out_shapes[t._oi] = tuple(t.data.shape)
        node.values[t._oi] = t.data
        g.outputs.append((name, node.key, t._oi, t))
    while stack:
        fn = stack.pop()
        dst = ops[fn].key
        for k, e in enumerate(fn.next_edges):
            if e is None:
                continue
            obj, idx = e[0], e[1]
            if idx < 0:
                g.edges.append((leaf(obj).key, dst, -1))
                continue
            src = op(obj)
            if idx not in src.out_shapes:
                shape = _edge_shape(fn, k, e)
                if shape is not None:
                    src.out_shapes[idx] = tuple(shape)
            g.edges.append((src.key, dst, idx))
        _scan_saved(g, fn, dst, names, leaf)
    _fill_dtypes(g)
    return g


def _scan_saved(g: Graph, fn, dst: str, names: dict, leaf) -> None:
    """Values of op outputs, and named inputs that need no gradient, from what ``fn`` saved."""
    saved = getattr(fn, "saved", None)
    if saved:
        added = set()
        for s in saved:
            if not isinstance(s, Tensor):
                continue
            if s.grad_fn is not None:
                node = g.ops.get(s.grad_fn)
                if node is not None:
                    node.values.setdefault(s._oi, s.data)
            elif not s.requires_grad and id(s) in names and id(s) not in added:
                added.add(id(s))
                g.edges.append((leaf(s).key, dst, -1))
    out = getattr(fn, "out_data", None)
    if out is not None and getattr(fn, "save_output", False):
        g.ops[fn].values.setdefault(0, out)


def _fill_dtypes(g: Graph) -> None:
    """Each op output's dtype: recorded on the node, else from a found value, else inferred from its inputs."""
    parents: dict = {key: [] for key in (n.key for n in g.ops.values())}
    children: dict = {key: [] for key in parents}
    by_key = {n.key: n for n in g.ops.values()}
    leaf_dtype = {leaf.key: leaf.tensor.data.dtype for leaf in g.leaves.values()}
    for src, dst, idx in g.edges:
        parents[dst].append((src, idx))
        if src in children:
            children[src].append(dst)
    pending = {key: sum(1 for p, _ in ps if p in by_key) for key, ps in parents.items()}
    ready = [key for key, n in pending.items() if n == 0]
    while ready:  # Kahn's order: parents before children
        key = ready.pop()
        node = by_key[key]
        known = getattr(node.fn, "out_dtypes", None)
        inferred = None
        for idx in node.out_shapes.keys() | node.values.keys() | {0}:
            if known is not None and idx < len(known):
                node.out_dtypes[idx] = np.dtype(known[idx])
            elif idx in node.values:
                node.out_dtypes[idx] = np.asarray(node.values[idx]).dtype
            elif node.fn.op_name() not in ("to", "type"):
                if inferred is None:
                    ins = [leaf_dtype[p] if i < 0 else by_key[p].out_dtypes.get(i) for p, i in parents[key]]
                    ins = [d for d in ins if d is not None]
                    inferred = np.result_type(*ins) if ins else False
                if inferred is not False:
                    node.out_dtypes[idx] = inferred
        for c in children[key]:
            pending[c] -= 1
            if pending[c] == 0:
                ready.append(c)
