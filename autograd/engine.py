"""The backward pass: an iterative, dependency-counted walk of the graph.

``backward`` seeds the output gradients, counts for each node how many edges lead
into it, then runs nodes whose count has reached zero (a topological order, with no
recursion, so 100k-op chains are fine). Each gradient an op returns is summed back
to its input's shape here, the only place broadcasting is undone.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> (g,) = ag.grad((x ** 3).sum(), [x], create_graph=True)
    >>> g
    tensor([ 3., 12.], grad_fn=<MulBackward0>)
    >>> ag.grad(g.sum(), [x])[0]
    tensor([ 6., 12.])
"""

from __future__ import annotations

import numpy as np

from . import anomaly as _anomaly
from .function import FREED_MESSAGE
from .grad_mode import state as _grad
from .tensor import Tensor, _wrap


def backward(tensors, grad_tensors=None, retain_graph: bool | None = None, create_graph: bool = False, inputs=None) -> None:
    """Accumulate the gradients of ``tensors`` into the ``.grad`` of the leaves (or of ``inputs``).

    Example:
        >>> import autograd as ag
        >>> w = ag.ones(3, requires_grad=True)
        >>> ag.backward([(w * 2).sum()]); w.grad
        tensor([2., 2., 2.])
    """
    tensors = _as_list(tensors)
    grads = _seed_grads(tensors, grad_tensors)
    if retain_graph is None:
        retain_graph = create_graph
    only = None
    if inputs is not None:
        only = {id(t): t for t in _as_list(inputs)}
    _run(tensors, grads, retain_graph, create_graph, capture=None, only=only)


def grad(outputs, inputs, grad_outputs=None, retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool | None = None, materialize_grads: bool = False) -> tuple:
    """Return d(outputs)/d(inputs) without touching any ``.grad``.

    Example:
        >>> import autograd as ag
        >>> x = ag.tensor(3.0, requires_grad=True)
        >>> ag.grad(x * x, x)
        (tensor(6.),)
    """
    outputs = _as_list(outputs)
    inputs = _as_list(inputs)
    for i, t in enumerate(inputs):
        if not isinstance(t, Tensor) or not t.requires_grad:
            raise RuntimeError(f"grad: input {i} does not require grad (One of the differentiated Tensors does not require grad)")
    grads = _seed_grads(outputs, grad_outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    capture = {}
    for t in inputs:
        key = (id(t), -1) if t.grad_fn is None else (id(t.grad_fn), t._oi)
        capture.setdefault(key, None)
    _run(outputs, grads, retain_graph, create_graph, capture=capture, only=None)
    result = []
    for i, t in enumerate(inputs):
        key = (id(t), -1) if t.grad_fn is None else (id(t.grad_fn), t._oi)
        g = capture[key]
        if g is None:
            if materialize_grads:
                g = _wrap(np.zeros_like(t.data), None, False)
            elif not allow_unused:
                raise RuntimeError(
                    f"grad: input {i} (shape {tuple(t.shape)}) appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        result.append(g)
    return tuple(result)


def _as_list(x) -> list:
    if isinstance(x, Tensor):
        return [x]
    return list(x)


def _seed_grads(tensors: list, grad_tensors) -> list:
    if grad_tensors is None:
        grad_tensors = [None] * len(tensors)
    else:
        grad_tensors = _as_list(grad_tensors)
    if len(grad_tensors) != len(tensors):
        raise RuntimeError(f"backward: got {len(tensors)} tensors and {len(grad_tensors)} gradients")
    seeds = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not t.requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t.data.size != 1:
                raise RuntimeError(
                    f"grad can be implicitly created only for scalar outputs (got shape {tuple(t.shape)}); "
                    "pass gradient= with the output's shape"
                )
            d = t.data  # (np.array of a 0-d one is 5x faster than np.ones_like)
            g = _wrap(np.ones(d.shape, d.dtype) if d.ndim else np.array(1, dtype=d.dtype), None, False)
        else:
            if not isinstance(g, Tensor):
                g = _wrap(np.asarray(g, dtype=t.data.dtype), None, False)
            if g.shape != t.shape:
                raise RuntimeError(
                    f"Mismatch in shape: grad_output[{i}] has a shape of {tuple(g.shape)} and output[{i}] "
                    f"has a shape of {tuple(t.shape)}."
                )
            if g.data.dtype != t.data.dtype:
                g = _wrap(g.data.astype(t.data.dtype), g.grad_fn, g.requires_grad)
        seeds.append(g)
    return seeds


def _collect(roots: list) -> dict:
    """Count, for every node reachable from ``roots``, the edges that lead into it."""
    deps: dict = {}
    stack = []
    for t in roots:
        fn = t.grad_fn
        if fn is not None and fn not in deps:
            deps[fn] = 0
            stack.append(fn)
    while stack:
        fn = stack.pop()
        for e in fn.next_edges:
            if e is not None and e[1] >= 0:
                node = e[0]
                if node in deps:
                    deps[node] += 1
                else:
                    deps[node] = 1
                    stack.append(node)
    return deps


def sum_to_shape(g: Tensor, shape: tuple) -> Tensor:
    """Sum a broadcast gradient back to ``shape`` (the engine's one unbroadcast step)."""
    if g.data.shape == shape:
        return g
    dims, lead = _broadcast_dims(g.data.shape, shape)
    if dims is None:
        return g.reshape(shape) if g.data.size == int(np.prod(shape)) else g.expand(shape)
    if dims:
        g = g.sum(dim=dims, keepdim=True)
    if g.data.shape != shape:
        g = g.reshape(shape)
    return g


def sum_array_to_shape(g: np.ndarray, shape: tuple) -> np.ndarray:
    """``sum_to_shape`` on a plain array (the engine's path when no graph is being built)."""
    dims, lead = _broadcast_dims(g.shape, shape)
    if dims is None:
        return g.reshape(shape) if g.size == int(np.prod(shape)) else np.broadcast_to(g, shape)
    if dims:
        g = g.sum(axis=dims, keepdims=True)
    return g.reshape(shape) if g.shape != shape else g


def _broadcast_dims(have: tuple, shape: tuple):
    """The dims to sum so that ``have`` becomes ``shape`` (None if ``have`` has fewer dims)."""
    lead = len(have) - len(shape)
    if lead < 0:
        return None, lead
    return tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1 and have[lead + i] != 1), lead


def _run(roots: list, seeds: list, retain_graph: bool, create_graph: bool, capture, only) -> None:
    """Run every node reachable from ``roots`` once all its output gradients have arrived.

    Without ``create_graph`` gradients travel as plain arrays and ops with a
    ``backward_arrays`` formula skip the Tensor machinery; with it they travel as
    Tensors so the backward pass is itself recorded. ``buffers`` maps a node to the
    gradient summed so far for its output (a list for multi-output nodes); ``deps``
    counts the edges still to deliver into each node.
    """
    deps = _collect(roots)
    raw = not create_graph
    buffers: dict = {}
    owned = {id(g.data) for g in seeds}  # the caller's gradient arrays: a leaf gets a copy, never the array
    leaves: list = []  # (leaf, grad), delivered once the whole pass succeeded: an error leaves every .grad as it was
    prev_mode = _grad.enabled
    _grad.enabled = create_graph  # backward formulas, hooks and accumulation record only with create_graph
    try:
        for t, g in zip(roots, seeds):
            if raw:
                g = g.data
            fn = t.grad_fn
            if fn is None:
                leaves.append((t, g))
            else:
                _accumulate(buffers, fn, t._oi, g)
        # only a root can have no edge leading into it: every other node was reached through one
        ready = []
        for t in roots:
            fn = t.grad_fn
            if fn is not None and deps[fn] == 0 and fn not in ready:
                ready.append(fn)
        anomaly = _anomaly.state.enabled
        unbroadcast = sum_array_to_shape if raw else sum_to_shape
        fast = raw and capture is None  # the usual loss.backward(): array formulas, no grad() capture
        fn = ready.pop() if ready else None
        grads = buffers.pop(fn, None)
        while fn is not None:
            edges = fn.next_edges
            if fast and grads is not None and fn.backward_arrays is not None and fn.n_outputs == 1 and not fn.hooks:
                # the hot path, inlined: one array gradient in, the array formula, release
                if fn.freed:
                    raise RuntimeError(FREED_MESSAGE)
                in_grads = fn.backward_arrays(fn, grads)
                if in_grads.__class__ is not tuple:
                    in_grads = (in_grads,)
                if len(in_grads) != len(edges):
                    in_grads = _check_count(fn, in_grads)
                if not retain_graph:  # fn.release(), inlined: the call costs as much as the stores
                    fn.freed = True
                    if fn.saved is not None:
                        fn.saved = None
                        fn.saved_versions = ()
                    if fn.save_output:
                        fn.out_data = None
            else:
                in_grads = _run_node(fn, grads, raw, retain_graph, capture)
            # deliver each input gradient; the last node made ready runs next, its gradient handed over
            # directly (the same order as a stack of ready nodes, without the round trip through it)
            nxt = nxt_grads = None
            for e, g in zip(edges, in_grads):
                if e is None:
                    continue
                node, idx, shape = e
                if g is not None:
                    if g.shape != shape:
                        g = unbroadcast(g, shape)
                    if anomaly:
                        _check_anomaly(fn, g, next(i for i, x in enumerate(edges) if x is e))
                    if idx < 0:
                        leaves.append((node, g))
                        continue
                    if node.n_outputs == 1:
                        prev = buffers.pop(node, None)
                        if prev is not None:
                            g = prev + g
                    else:
                        _accumulate(buffers, node, idx, g)
                        g = buffers.pop(node)
                elif idx < 0:
                    continue
                else:
                    g = buffers.pop(node, None)
                n = deps[node] - 1
                if n:
                    deps[node] = n
                    if g is not None:
                        buffers[node] = g
                    continue
                if nxt is not None:
                    ready.append(nxt)
                    if nxt_grads is not None:
                        buffers[nxt] = nxt_grads
                nxt, nxt_grads = node, g
            if nxt is None and ready:
                nxt = ready.pop()
                nxt_grads = buffers.pop(nxt, None)
            fn, grads = nxt, nxt_grads
        for t, g in leaves:
            _deliver_leaf(t, g, raw, capture, only, owned)
    finally:
        _grad.enabled = prev_mode


def _accumulate(buffers: dict, node, idx: int, g) -> None:
    """Add ``g`` to the gradient waiting for output ``idx`` of ``node`` (out of place: ``g`` may be shared)."""
    if node.n_outputs == 1:
        prev = buffers.get(node)
        buffers[node] = g if prev is None else prev + g
        return
    buf = buffers.get(node)
    if buf is None:
        buf = buffers[node] = [None] * node.n_outputs
    buf[idx] = g if buf[idx] is None else buf[idx] + g


def _as_tensor(g) -> Tensor | None:
    if g is None or isinstance(g, Tensor):
        return g
    return _wrap(g if g.__class__ is np.ndarray else np.asarray(g), None, False)  # NumPy makes 0-d results scalars


def _as_array(g):
    if g is None or g.__class__ is np.ndarray:
        return g
    return g.data if isinstance(g, Tensor) else np.asarray(g)


def _run_node(fn, grads, raw: bool, retain_graph: bool, capture) -> tuple:
    """Hooks, capture for ``grad()``, then the node's backward; returns one gradient per input edge."""
    if grads is None:
        return (None,) * len(fn.next_edges)
    multi = fn.n_outputs > 1
    if fn.hooks or capture is not None:
        grads = list(grads) if multi else [grads]
        if fn.hooks:
            for idx, hook in list(fn.hooks):
                if grads[idx] is not None:
                    r = hook(_as_tensor(grads[idx]))
                    if r is not None:
                        grads[idx] = _as_array(r) if raw else r
        if capture is not None:
            for i, g in enumerate(grads):
                key = (id(fn), i)
                if key in capture and g is not None:
                    capture[key] = _as_tensor(g)
        if not multi:
            grads = grads[0]
    if fn.freed:
        raise RuntimeError(FREED_MESSAGE)
    if multi:
        if all(g is None for g in grads):
            return (None,) * len(fn.next_edges)
        grads = [np.zeros((), dt) if g is None else g for g, dt in zip(grads, fn.out_dtypes)]
        if not raw:
            grads = [_as_tensor(g) for g in grads]
    if raw and fn.backward_arrays is not None:
        in_grads = fn.backward_arrays(fn, *grads) if multi else fn.backward_arrays(fn, grads)
        if in_grads.__class__ is not tuple:
            in_grads = (in_grads,)

    else:
        if raw:
            grads = [_as_tensor(g) for g in grads] if multi else _as_tensor(grads)
        in_grads = fn.backward(fn, *grads) if multi else fn.backward(fn, grads)
        if in_grads.__class__ is not tuple:
            in_grads = (in_grads,)
        if raw:
            in_grads = tuple(_as_array(g) for g in in_grads)
        else:
            in_grads = tuple(_as_tensor(g) if g is not None and not isinstance(g, Tensor) else g for g in in_grads)
    if len(in_grads) != len(fn.next_edges):
        in_grads = _check_count(fn, in_grads)
    if not retain_graph:
        fn.release()
    return in_grads


def _check_count(fn, in_grads: tuple) -> tuple:
    """Allow extra trailing Nones (as PyTorch does); any other count mismatch is an error."""
    n_in = len(fn.next_edges)
    if len(in_grads) > n_in and all(g is None for g in in_grads[n_in:]):
        return in_grads[:n_in]
    raise RuntimeError(f"function {fn!r} returned an incorrect number of gradients (expected {n_in}, got {len(in_grads)})")


def _deliver_leaf(t: Tensor, g, raw: bool, capture, only, owned: set) -> None:
    """Give a leaf its gradient: through its hooks, into ``capture`` for ``grad()``, else into ``.grad``."""
    if t._hooks:
        g = _as_tensor(g)
        for hook in list(t._hooks):
            r = hook(g)
            if r is not None:
                g = r
        if raw:
            g = g.data
    if capture is not None:
        key = (id(t), -1)
        if key in capture:
            prev = capture[key]
            g = _as_tensor(g)
            capture[key] = g if prev is None else prev + g
        return
    if only is not None and id(t) not in only:
        return
    if not raw:
        if g.data.dtype != t.data.dtype:
            g = g.to(t.data.dtype)
        t.grad = g if t.grad is None else t.grad + g
        return
    data = g if g.__class__ is np.ndarray else np.asarray(g)  # NumPy makes 0-d results scalars
    if data.dtype != t.data.dtype:
        data = data.astype(t.data.dtype)
    if t.grad is None:
        # take ownership of a fresh array; copy views and arrays already handed to another leaf
        if data.base is not None or not data.flags.writeable or id(data) in owned:
            data = data.copy()
        owned.add(id(data))
        t.grad = _wrap(data, None, False)
    else:
        acc = t.grad.data
        # a grad taken over in this pass may still sit in a pending buffer: never add into it in place
        if id(acc) not in owned and acc.shape == data.shape and acc.flags.writeable and t.grad.grad_fn is None:
            np.add(acc, data, out=acc)
        else:
            t.grad = _wrap(acc + data, None, False)


def _check_anomaly(fn, g, index: int) -> None:
    data = g.data if isinstance(g, Tensor) else g
    if data.dtype.kind == "f" and not np.isfinite(data).all():
        kind = "nan" if np.isnan(data).any() else "inf"
        where = fn.trace or "(op created before detect_anomaly was enabled)"
        raise RuntimeError(
            f"Function '{repr(fn)[1:-1]}' returned {kind} values in its {index}th output.\n"
            f"The forward op '{fn.op_name()}' was created at:\n  {where}"
        )
