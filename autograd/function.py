"""``Function``: one differentiable operation, and the graph node it leaves behind.

A ``Function`` subclass gives ``forward(ctx, *args)`` and ``backward(ctx, *grads)``.
``forward`` receives the call's arguments (Tensors and plain values) and returns an
array or Tensor (or a tuple of them). ``backward`` receives one gradient Tensor per
output and returns one gradient per forward argument (``None`` where there is none).
Backward is written with autograd ops, so gradients of gradients work.

The instance made by ``apply`` *is* the graph node (``ctx``): it holds the edges to
its inputs, their shapes (the engine sums broadcast gradients back to them), and
what ``save_for_backward`` kept.

Example:
    >>> import autograd as ag
    >>> class Cube(ag.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x.data ** 3
    ...     @staticmethod
    ...     def backward(ctx, grad):
    ...         (x,) = ctx.saved_tensors
    ...         return grad * 3 * x * x
    >>> x = ag.tensor([2.0], requires_grad=True)
    >>> Cube.apply(x).sum().backward(); x.grad
    tensor([12.])
"""

from __future__ import annotations

import weakref

import numpy as np

from . import anomaly as _anomaly
from . import scope as _scope
from . import views as _views
from .grad_mode import state as _grad
from .tensor import Tensor, _wrap

_new = object.__new__
_scope_state = _scope.state
_anomaly_state = _anomaly.state

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors "
    "after they have already been freed). Saved intermediate values of the graph are freed "
    "when you call .backward() or autograd.grad(). Specify retain_graph=True if you need to "
    "backward through the graph a second time or if you need to access saved tensors after "
    "calling backward."
)


class Function:
    """Base class of every differentiable op; subclass it for a custom op (see the module example)."""

    save_output = False  # set True when backward needs the forward's output (exp, tanh, ...)
    name: str | None = None  # the op's name as users write it; defaults to the class name
    backward_name: str | None = None  # the node's name as PyTorch prints it; defaults to <ClassName>Backward0

    # Node state. Class-level defaults keep the per-op cost down: apply sets only what differs.
    recording = False  # True once apply has attached this node to a graph
    saved: tuple | None = None
    saved_versions: list | tuple = ()  # (tensor, version at save) per saved Tensor
    freed = False
    hooks: list | None = None  # [(output index, hook)] for non-leaf tensor hooks
    trace: str | None = None  # the user's line that created the op (under detect_anomaly)
    scope: tuple = ()  # the nn modules active when the op was recorded
    n_outputs = 1
    backward_arrays = None  # optional array-level twin of backward, used when no graph of the backward is built
    next_edges: tuple = ()  # per forward arg: None, or (parent node, output index, shape) / (leaf, -1, shape)

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        # a user's forward may use Tensor ops: run it with recording off, as PyTorch does; the library's
        # own ops work on arrays and skip that switch
        cls._forward_records_off = not cls.__module__.startswith(("autograd.", "nn.", "optim."))

    @classmethod
    def apply(cls, *args):
        """Run ``forward`` on ``args`` and, when recording, attach the node to the output(s)."""
        ctx = _new(cls)
        record = False
        if _grad.enabled:
            for a in args:
                if isinstance(a, Tensor) and a.requires_grad:
                    record = True
                    break
        n_args = len(args)
        if not record:
            # fixed-arity calls: Python calls ``f(ctx, *args)`` through a slower path
            out = cls.forward(ctx, *args) if n_args != 2 else cls.forward(ctx, args[0], args[1])
            if out.__class__ is np.ndarray:
                res = _wrap(out, None, False)
                if out.base is not None:  # a view of an input shares its version counter
                    _views.link_output(res, args)
                return res
            if out.__class__ is tuple:
                return _link_outputs(tuple(_as_output(o, None, 0) for o in out), args)
            return _link_outputs((_as_output(out, None, 0),), args)[0]
        # recording: the hot path of every training step, kept free of calls that a flag can skip.
        # The edges are known before forward runs, so forward can save only what backward will use.
        ctx.recording = True
        edges = []
        for a in args:
            if isinstance(a, Tensor) and a.requires_grad:
                fn = a.grad_fn
                edges.append((a, -1, a.data.shape) if fn is None else (fn, a._oi, a.data.shape))
            else:
                edges.append(None)
        ctx.next_edges = tuple(edges)
        if cls._forward_records_off:
            _grad.enabled = False
            try:
                out = cls.forward(ctx, *args)
            finally:
                _grad.enabled = True
        else:
            out = cls.forward(ctx, *args) if n_args != 2 else cls.forward(ctx, args[0], args[1])
        return attach(ctx, out, args)

    @staticmethod
    def forward(ctx, *args, **kwargs):  # pragma: no cover - abstract
        raise NotImplementedError("Function subclasses must implement forward(ctx, *args)")

    @staticmethod
    def backward(ctx, *grads):  # pragma: no cover - abstract
        raise NotImplementedError("Function subclasses must implement backward(ctx, *grads)")

    # ctx API --------------------------------------------------------------------------
    def save_for_backward(self, *tensors) -> None:
        """Keep tensors for backward; an in-place change to any of them is detected there.

        ``None`` and plain numbers may stand among them (an op keeps only what its backward will use).
        """
        if self.recording:
            self.saved = tensors
            versions = []  # (tensor, version at save); a loop, not a comprehension: this runs once per op
            for t in tensors:
                if isinstance(t, Tensor):
                    versions.append((t, t._version))
            if versions:
                self.saved_versions = versions

    @property
    def saved_tensors(self) -> tuple:
        """The tensors given to ``save_for_backward``, checked against in-place changes."""
        if self.freed:
            raise RuntimeError(FREED_MESSAGE)
        saved = self.saved
        if saved is None:
            return ()
        for t, v in self.saved_versions:
            if t._version != v:
                raise RuntimeError(_version_message(self, t, v))
        return saved

    @property
    def output(self) -> Tensor:
        """The forward output (for ops with ``save_output = True``), linked to this node."""
        if self.freed:
            raise RuntimeError(FREED_MESSAGE)
        live = self.out_ref()
        if live is not None and live._version != 0:
            raise RuntimeError(_version_message(self, live, 0))
        return _wrap(self.out_data, self, True)

    @property
    def in_shapes(self) -> tuple:
        """Per forward arg: the shape of each input that needs a gradient (None for the others)."""
        return tuple(None if e is None else e[2] for e in self.next_edges)

    @property
    def needs_input_grad(self) -> tuple:
        """One bool per forward argument: whether backward needs to produce its gradient."""
        if not self.recording:
            return ()
        return tuple(e is not None for e in self.next_edges)

    def release(self) -> None:
        """Drop what the node saved (called by the engine after backward unless ``retain_graph``)."""
        self.freed = True
        if self.saved is not None:  # stores only where there is something to drop: a new attribute costs more
            self.saved = None
            self.saved_versions = ()
        if self.save_output:
            self.out_data = None

    @property
    def next_functions(self) -> tuple:
        """PyTorch's view of the edges: ``(node, output index)`` per forward arg, ``(None, 0)`` where no
        gradient flows, and an ``AccumulateGrad`` (with ``.variable``) for a leaf."""
        return tuple(
            (None, 0) if e is None else ((AccumulateGrad(e[0]), 0) if e[1] < 0 else (e[0], e[1])) for e in self.next_edges
        )

    def op_name(self) -> str:
        """The op's name as users wrote it (``matmul``, ``relu``)."""
        return self.name or type(self).__name__.lower()

    def __repr__(self) -> str:
        return f"<{self.backward_name or type(self).__name__ + 'Backward0'}>"


class AccumulateGrad:
    """Stands for a leaf tensor in ``next_functions``, as PyTorch's node of that name.

    Example:
        >>> import autograd as ag
        >>> w = ag.ones(2, requires_grad=True)
        >>> (w * 2).grad_fn.next_functions[0][0].variable is w
        True
    """

    __slots__ = ("variable",)

    def __init__(self, variable: Tensor) -> None:
        self.variable = variable

    def name(self) -> str:
        return "torch::autograd::AccumulateGrad"

    def __repr__(self) -> str:
        return "<AccumulateGrad>"


def attach(ctx: Function, out, args: tuple = ()):
    """The output Tensor(s) of a recorded node ``ctx`` whose ``next_edges`` are set: ``out`` is what forward
    returned (an array, a Tensor, or a tuple of them) for the arguments ``args``. Also records the active
    module scope and, under ``detect_anomaly``, the user's line; an output that is a view of an argument
    shares its version counter."""
    if _scope_state.current:
        ctx.scope = _scope_state.current
    if _anomaly_state.enabled:
        ctx.trace = _anomaly.user_frame()
    if out.__class__ is np.ndarray and out.dtype.kind == "f":
        res = _new(Tensor)
        res.data = out
        res.requires_grad = True
        res.grad = res._hooks = None
        res.grad_fn = ctx
        res._version = res._oi = 0
        ctx.out_dtypes = (out.dtype,)
        if out.base is not None:
            _views.link_output(res, args)
    elif out.__class__ is tuple:
        ctx.n_outputs = len(out)
        ctx.out_dtypes = tuple(np.asarray(o.data if isinstance(o, Tensor) else o).dtype for o in out)
        return _link_outputs(tuple(_as_output(o, ctx, i) for i, o in enumerate(out)), args)
    else:
        res = _link_outputs((_as_output(out, ctx, 0),), args)[0]
        ctx.out_dtypes = (res.data.dtype,)
    if ctx.save_output:
        ctx.out_data = res.data
        ctx.out_ref = weakref.ref(res)
    return res


def _link_outputs(outs: tuple, args: tuple) -> tuple:
    for t in outs:
        if t.data.base is not None:
            _views.link_output(t, args)
    return outs


def _as_output(out, ctx, index: int) -> Tensor:
    if isinstance(out, Tensor):
        data = out.data
    elif out.__class__ is np.ndarray:
        data = out
    else:
        data = np.asarray(out)
    if ctx is None or data.dtype.kind not in "fc":
        return _wrap(data, None, False)
    t = _wrap(data, ctx, True)
    t._oi = index
    return t


def _version_message(node: Function, t: Tensor, expected: int) -> str:
    return (
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{t.dtype} {tuple(t.shape)}], saved by '{node.op_name()}' ({node!r}), is at "
        f"version {t._version}; expected version {expected} instead."
    )
