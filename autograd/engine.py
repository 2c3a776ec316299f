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
            g = _wrap(np.ones_like(t.data), None, False)
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
            if not g.requires_grad:  # the engine may take ownership of seeds; never of a user's array
                g = _wrap(g.data.copy(), None, False)
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
    lead = g.data.ndim - len(shape)
    if lead < 0:
        return g.reshape(shape) if g.data.size == int(np.prod(shape)) else g.expand(shape)
    dims = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and g.data.shape[lead + i] != 1
    )
    if dims:
        g = g.sum(dim=dims, keepdim=True)
    if g.data.shape != shape:
        g = g.reshape(shape)
    return g


def _run(roots: list, seeds: list, retain_graph: bool, create_graph: bool, capture, only) -> None:
    deps = _collect(roots)
    buffers: dict = {}
    owned: set = set()
    for t, g in zip(roots, seeds):
        fn = t.grad_fn
        if fn is None:
            _deliver_leaf(t, g, create_graph, capture, only, owned)
            continue
        buf = buffers.get(fn)
        if buf is None:
            buf = buffers[fn] = [None] * fn.n_outputs
        i = t._oi
        buf[i] = g if buf[i] is None else buf[i] + g
    ready = [fn for fn, n in deps.items() if n == 0]
    prev_mode = _grad.enabled
    anomaly = _anomaly.state.enabled
    try:
        while ready:
            fn = ready.pop()
            grads = buffers.pop(fn, None)
            if grads is not None and fn.hooks:
                _grad.enabled = create_graph
                for idx, hook in list(fn.hooks):
                    if grads[idx] is not None:
                        r = hook(grads[idx])
                        if r is not None:
                            grads[idx] = r
            if capture is not None and grads is not None:
                for i, g in enumerate(grads):
                    key = (id(fn), i)
                    if key in capture and g is not None:
                        capture[key] = g
            if grads is None or all(g is None for g in grads):
                in_grads = (None,) * len(fn.next_edges)
            else:
                if fn.freed:
                    raise RuntimeError(FREED_MESSAGE)
                if fn.n_outputs > 1:
                    grads = [
                        _wrap(np.zeros((), dt), None, False) if g is None else g
                        for g, dt in zip(grads, fn.out_dtypes)
                    ]
                _grad.enabled = create_graph
                in_grads = fn.backward(fn, *grads)
                _grad.enabled = prev_mode
                if in_grads.__class__ is not tuple:
                    in_grads = (in_grads,)
                n_in = len(fn.next_edges)
                if len(in_grads) > n_in and all(g is None for g in in_grads[n_in:]):
                    in_grads = in_grads[:n_in]  # extra trailing Nones are allowed, as in PyTorch
                if len(in_grads) != n_in:
                    raise RuntimeError(
                        f"function {fn!r} returned an incorrect number of gradients "
                        f"(expected {len(fn.next_edges)}, got {len(in_grads)})"
                    )
                if not retain_graph:
                    fn.release()
            for k, (e, g, shape) in enumerate(zip(fn.next_edges, in_grads, fn.in_shapes)):
                if e is None:
                    continue
                node, idx = e
                if g is not None:
                    if not isinstance(g, Tensor):
                        g = _wrap(np.asarray(g), None, False)
                    if g.data.shape != shape:
                        _grad.enabled = create_graph
                        g = sum_to_shape(g, shape)
                        _grad.enabled = prev_mode
                    if anomaly:
                        _check_anomaly(fn, g, k)
                if idx < 0:
                    if g is not None:
                        _deliver_leaf(node, g, create_graph, capture, only, owned)
                    continue
                if g is not None:
                    buf = buffers.get(node)
                    if buf is None:
                        buf = buffers[node] = [None] * node.n_outputs
                    if buf[idx] is None:
                        buf[idx] = g
                    else:
                        _grad.enabled = create_graph
                        buf[idx] = buf[idx] + g
                        _grad.enabled = prev_mode
                n = deps[node] - 1
                deps[node] = n
                if n == 0:
                    ready.append(node)
    finally:
        _grad.enabled = prev_mode


def _deliver_leaf(t: Tensor, g: Tensor, create_graph: bool, capture, only, owned: set) -> None:
    if t._hooks:
        for hook in list(t._hooks):
            r = hook(g)
            if r is not None:
                g = r
    if capture is not None:
        key = (id(t), -1)
        if key in capture:
            prev = capture[key]
            capture[key] = g if prev is None else prev + g
        return
    if only is not None and id(t) not in only:
        return
    if g.data.dtype != t.data.dtype:
        g = g.to(t.data.dtype)
    if create_graph:
        t.grad = g if t.grad is None else t.grad + g
        return
    data = g.data
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


def _check_anomaly(fn, g: Tensor, index: int) -> None:
    if g.data.dtype.kind == "f" and not np.isfinite(g.data).all():
        kind = "nan" if np.isnan(g.data).any() else "inf"
        where = fn.trace or "(op created before detect_anomaly was enabled)"
        raise RuntimeError(
            f"Function '{type(fn).__name__}Backward0' returned {kind} values in its {index}th output.\n"
            f"The forward op '{fn.op_name()}' was created at:\n  {where}"
        )
