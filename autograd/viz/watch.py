"""``GradWatch``: record the gradient of every intermediate tensor during the next backward.

After ``backward()`` only leaves keep ``.grad``. To colour the intermediate nodes of
a drawing by their gradient norm, create a ``GradWatch`` on the outputs *before*
calling backward: it puts a small recording hook on every node of the graph (the
same mechanism as ``Tensor.register_hook``), which keeps a ``TensorStats`` summary
(norm, NaN/inf counts, a few values), never the gradient itself. ``draw_graph``
reads the recordings straight from the nodes, so nothing else has to be passed.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([1.0, -2.0], requires_grad=True)
    >>> y = (x * 3).relu().sum()
    >>> watch = ag.GradWatch(y)
    >>> y.backward()
    >>> [(op, f"{s.norm:.3g}") for op, _, s in watch.records()]
    [('sum', '1'), ('relu', '1.41'), ('mul', '1')]
"""

from __future__ import annotations

from ..tensor import Tensor
from .stats import TensorStats

try:  # the hook behind Tensor.retain_grad: a retained gradient is shown too
    from ..tensor import _RetainGrad
except ImportError:  # pragma: no cover - core refactors
    _RetainGrad = None


class _GradRecorder:
    """The hook a ``GradWatch`` registers on one node output: keeps a summary of the gradient."""

    __slots__ = ("stats",)

    def __init__(self) -> None:
        self.stats: TensorStats | None = None

    def __call__(self, grad) -> None:
        self.stats = TensorStats.of(grad.data if isinstance(grad, Tensor) else grad)


def _outputs(tensors) -> list:
    out = []
    for t in tensors:
        if isinstance(t, dict):
            out.extend(t.values())
        elif isinstance(t, (list, tuple)):
            out.extend(_outputs(t))
        else:
            out.append(t)
    for i, t in enumerate(out):
        if not isinstance(t, Tensor):
            raise TypeError(f"GradWatch: output {i} is a {type(t).__name__}, expected a Tensor")
    return out


class GradWatch:
    """Record the gradient norm of every node reachable from ``outputs`` during the next backward.

    Create it after the forward pass and before ``backward()``; then
    ``draw_graph(..., show_grads=True)`` shows the norms of intermediate tensors too.
    ``records()`` lists them; ``remove()`` takes the hooks off the nodes.

    Example:
        >>> import autograd as ag
        >>> w = ag.ones(2, requires_grad=True)
        >>> loss = (w * 1e-9).sum()
        >>> watch = ag.GradWatch(loss); loss.backward()
        >>> len(watch), watch.records()[1][0]
        (2, 'mul')
    """

    def __init__(self, *outputs) -> None:
        self._entries: list = []  # (node, output index, recorder), in discovery order
        seen = set()
        stack = []
        for t in _outputs(outputs):
            fn = t.grad_fn
            if fn is not None and fn not in seen:
                seen.add(fn)
                stack.append(fn)
        while stack:
            fn = stack.pop()
            if fn.hooks is None:
                fn.hooks = []
            for idx in range(fn.n_outputs):
                rec = _GradRecorder()
                fn.hooks.append((idx, rec))
                self._entries.append((fn, idx, rec))
            for e in fn.next_edges:
                if e is not None and e[1] >= 0 and e[0] not in seen:
                    seen.add(e[0])
                    stack.append(e[0])

    def __len__(self) -> int:
        return len(self._entries)

    def records(self) -> list:
        """``[(op name, output index, TensorStats)]`` for every node output whose gradient was recorded."""
        return [(fn.op_name(), idx, rec.stats) for fn, idx, rec in self._entries if rec.stats is not None]

    def remove(self) -> None:
        """Take the recording hooks off the graph (the drawing then no longer sees them)."""
        for fn, _, rec in self._entries:
            if fn.hooks:
                fn.hooks[:] = [h for h in fn.hooks if h[1] is not rec]
        self._entries = []


def node_grad(fn, idx: int) -> TensorStats | None:
    """The recorded gradient of output ``idx`` of node ``fn`` (from a ``GradWatch`` or ``retain_grad``), or None."""
    hooks = fn.hooks
    if not hooks:
        return None
    for i, h in reversed(hooks):
        if i == idx and isinstance(h, _GradRecorder) and h.stats is not None:
            return h.stats
    if _RetainGrad is not None:
        for i, h in hooks:
            if i == idx and isinstance(h, _RetainGrad):
                t = h.ref()
                if t is not None and t.grad is not None:
                    return TensorStats.of(t.grad.data)
    return None
