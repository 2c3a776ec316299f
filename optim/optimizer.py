"""``Optimizer``: the machinery every optimizer shares (as ``torch.optim.Optimizer``).

An optimizer holds ``param_groups`` (lists of parameters, each group with its own
options, missing options filled from ``defaults``) and ``state`` (a dict per parameter).
``step()`` walks the parameters that have a gradient and, for each, calls the subclass's
``_update``: the math of that optimizer, which turns the group's options and the step
count into a few scalars and hands them with the flat arrays to one fused kernel
(``optim.kernels``). A subclass writes three things: ``_check`` (validate options),
``_init_state`` and ``_update``.

Updates change ``p.data`` in place (bumping ``p._version``) and build no graph.
``state_dict()`` / ``load_state_dict()`` use PyTorch's layout: parameters are integer
ids, numbered in group order; state tensors are ``autograd.Tensor``.

Example:
    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.1, momentum=0.9)
    >>> (w * w).sum().backward(); opt.step(); w
    tensor([0.8000, 1.6000], requires_grad=True)
    >>> sd = opt.state_dict(); sd["param_groups"][0]["params"], list(sd["state"][0])
    ([0], ['momentum_buffer'])
"""

from __future__ import annotations

import copy
import numbers
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from autograd import dtypes as _dt
from autograd import views as _views
from autograd.grad_mode import enable_grad
from autograd.tensor import Tensor, _wrap

from . import kernels as K

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))
_EMPTY = {dt: np.empty(0, dtype=dt) for dt in _FLOATS}
_SET_MESSAGE = (
    "optimizer parameters need to be organized in ordered collections, but the ordering of tensors in sets will "
    "change between runs. Please use a list instead."
)


class _RequiredParameter:
    """Singleton marking an option that every parameter group must give."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


class Optimizer:
    """Base class of all optimizers.

    Args:
        params: an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts (parameter
            groups: ``{"params": [...], "lr": 0.1, ...}``).
        defaults: the default value of every option, used where a group does not give one.

    Example:
        >>> import autograd as ag, optim
        >>> a, b = ag.zeros(2, requires_grad=True), ag.zeros(3, requires_grad=True)
        >>> opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.5]
    """

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        if isinstance(params, Tensor):
            raise TypeError(
                "params argument given to the optimizer should be an iterable of Tensors or dicts, but got "
                f"{type(params).__name__}"
            )
        if isinstance(params, set):
            raise TypeError(_SET_MESSAGE)
        self._check(defaults)
        self.defaults = defaults
        self.state: defaultdict[Tensor, dict[str, Any]] = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        groups = list(params)
        if len(groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ---- what a subclass writes ---------------------------------------------------------------
    @classmethod
    def _check(cls, options: dict[str, Any]) -> None:
        """Raise ValueError for an invalid option (called on ``defaults`` and on every new group)."""

    def _init_state(self, p: Tensor, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Fill the empty ``state`` of ``p`` before its first update."""

    def _update(self, param: Tensor, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        """Update ``param``'s data, given flat as ``p``, in place from the flat gradient ``g``."""
        raise NotImplementedError

    # ---- groups -------------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (missing ones come from ``defaults``).

        Example:
            >>> import autograd as ag, optim
            >>> opt = optim.Adam([ag.zeros(2, requires_grad=True)], lr=1e-3)
            >>> opt.add_param_group({"params": ag.zeros(3, requires_grad=True), "lr": 1e-2})
            >>> len(opt.param_groups), opt.param_groups[1]["betas"]
            (2, (0.9, 0.999))
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group).__name__}")
        if "params" not in param_group:
            raise ValueError("param_group must have a 'params' entry (the list of Tensors to optimize)")
        group = dict(param_group)
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(_SET_MESSAGE)
        params = list(params)
        named = [isinstance(p, tuple) for p in params]
        if any(named):
            if not all(named):
                raise ValueError("all optimizer params should be with/without names. Some param names are missing")
            group["param_names"] = [n for n, _ in params]
            params = [p for _, p in params]
        for p in params:
            if not isinstance(p, Tensor):
                raise TypeError(f"optimizer can only optimize Tensors, but one of the params is {type(p).__name__}")
            if not p.is_leaf:
                raise ValueError("can't optimize a non-leaf Tensor")
        group["params"] = params
        for name, default in self.defaults.items():
            if default is required and name not in group:
                raise ValueError(f"parameter group didn't specify a value of required optimization parameter {name}")
            group.setdefault(name, default)
        self._check(group)
        if len({id(p) for p in params}) != len(params):
            raise ValueError(f"{type(self).__name__}: a parameter appears more than once in the same parameter group")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for g in self.param_groups:
            if ("param_names" in g) != ("param_names" in group):
                which = "with names" if "param_names" in group else "without names"
                raise ValueError(
                    f"all optimizer param groups should be with/without names. cannot add param group {which} to the optimizer"
                )
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(group)

    # ---- the training-loop API ----------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients: to None (default), or to zeros in place with ``set_to_none=False``.

        Example:
            >>> import autograd as ag, optim
            >>> w = ag.ones(2, requires_grad=True); w.sum().backward()
            >>> opt = optim.SGD([w], lr=0.1); opt.zero_grad(); w.grad is None
            True
        """
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    g.grad_fn = None
                    g.requires_grad = False
                    if g.data.flags.writeable:
                        g.data[...] = 0
                    else:
                        g.data = np.zeros_like(g.data)
                    g._version += 1

    def step(self, closure: Callable[[], Any] | None = None):
        """Update every parameter that has a gradient; returns ``closure()``'s loss when one is given.

        All gradients are checked before any parameter changes, so a bad gradient leaves
        every parameter and the state as they were.

        Example:
            >>> import autograd as ag, optim
            >>> w = ag.tensor([3.0], requires_grad=True)
            >>> opt = optim.SGD([w], lr=0.25)
            >>> def closure():
            ...     opt.zero_grad(); loss = (w * w).sum(); loss.backward(); return loss
            >>> float(opt.step(closure)), w
            (9.0, tensor([1.5000], requires_grad=True))
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        work = []
        for gi, group in enumerate(self.param_groups):
            for pi, p in enumerate(group["params"]):
                if p.grad is not None:
                    work.append((group, p, self._flat_grad(p, gi, pi)))
        for group, p, g in work:
            state = self.state.get(p)
            if not state:  # kept only if the optimizer stores something (SGD without momentum does not)
                state = {}
                self._init_state(p, state, group)
            data = p.data
            if data.flags.c_contiguous and data.flags.writeable:
                self._update(p, data.reshape(-1), g, state, group)
            else:  # update a contiguous copy, then write it back
                flat = np.ascontiguousarray(data).reshape(-1)
                self._update(p, flat, g, state, group)
                if data.flags.writeable:
                    data[...] = flat.reshape(data.shape)
                else:
                    p.data = flat.reshape(data.shape)
            if state:
                self.state[p] = state
            _views.bump(p)  # p, and any view or detach() of it, as PyTorch's shared version counter
        return loss

    def _flat_grad(self, p: Tensor, group_index: int, index: int) -> np.ndarray:
        name = type(self).__name__
        if p.data.dtype not in _FLOATS:
            raise TypeError(
                f"{name}: parameter {index} of group {group_index} has dtype {p.data.dtype}; "
                "optimizers update float32 and float64 parameters"
            )
        g = p.grad.data if isinstance(p.grad, Tensor) else np.asarray(p.grad)
        if g.shape != p.data.shape:
            raise RuntimeError(
                f"{name}: the gradient of parameter {index} of group {group_index} has shape {tuple(g.shape)}, "
                f"but the parameter has shape {tuple(p.data.shape)}"
            )
        if g.dtype != p.data.dtype:
            g = g.astype(p.data.dtype)
        return np.ascontiguousarray(g).reshape(-1)

    # ---- helpers for subclasses ---------------------------------------------------------------
    @staticmethod
    def _kernel(name: str, p: np.ndarray):
        return K.select(name, p.dtype, p.size)

    @staticmethod
    def _flat(t: Tensor) -> np.ndarray:
        return t.data.reshape(-1)

    @staticmethod
    def _unused(p: np.ndarray) -> np.ndarray:
        """An empty array for a state array a kernel will not touch (never an alias: aliasing stops vectorisation)."""
        return _EMPTY[p.dtype]

    @staticmethod
    def _zeros(p: Tensor, fill: float = 0.0) -> Tensor:
        return _wrap(np.full(p.data.shape, fill, dtype=p.data.dtype), None, False)

    @staticmethod
    def _scalar_tensor(value: float) -> Tensor:
        """A 0-d tensor for counters like ``step`` (float32, or float64 when that is the default dtype)."""
        dtype = np.float64 if _dt.get_default_dtype() == np.float64 else np.float32
        return _wrap(np.array(value, dtype=dtype), None, False)

    @staticmethod
    def _next_step(state: dict[str, Any]) -> float:
        step = state["step"]
        step.data += 1
        return float(step.data)

    # ---- state dicts --------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """``{"state": {id: {...}}, "param_groups": [{..., "params": [ids]}]}`` as in PyTorch.

        Parameters are numbered 0, 1, ... in group order. The state tensors are the
        optimizer's own (not copies), as in PyTorch: save them (``autograd.save``) or
        ``copy.deepcopy`` the dict to keep a snapshot.

        Example:
            >>> import autograd as ag, optim
            >>> opt = optim.Adam([ag.zeros(2, requires_grad=True)], lr=0.1)
            >>> sd = opt.state_dict(); sd["state"], sd["param_groups"][0]["lr"]
            ({}, 0.1)
        """
        ids: dict[int, int] = {}
        groups = []
        start = 0
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                ids.setdefault(id(p), i)
            packed["params"] = [ids[id(p)] for p in group["params"]]
            start += len(packed["params"])
            groups.append(packed)
        state = {(ids[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict()`` (copying its tensors); nothing changes if it does not fit.

        Example:
            >>> import autograd as ag, optim
            >>> w = ag.ones(2, requires_grad=True); w.sum().backward()
            >>> a = optim.Adam([w], lr=0.1); a.step()
            >>> b = optim.Adam([ag.ones(2, requires_grad=True)], lr=0.5); b.load_state_dict(a.state_dict())
            >>> b.param_groups[0]["lr"], float(b.state[b.param_groups[0]["params"][0]]["step"])
            (0.1, 1.0)
        """
        name = type(self).__name__
        if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
            raise ValueError(f"{name}.load_state_dict: expected a dict with 'state' and 'param_groups' (from state_dict())")
        saved_groups = copy.deepcopy(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                "loaded state dict has a different number of parameter groups "
                f"({len(saved_groups)} saved, {len(self.param_groups)} in the optimizer)"
            )
        for i, (g, s) in enumerate(zip(self.param_groups, saved_groups)):
            if len(g["params"]) != len(s["params"]):
                raise ValueError(
                    "loaded state dict contains a parameter group that doesn't match the size of optimizer's group "
                    f"(group {i}: {len(s['params'])} saved, {len(g['params'])} in the optimizer)"
                )
        id_map = {sid: p for g, s in zip(self.param_groups, saved_groups) for sid, p in zip(s["params"], g["params"])}
        state: defaultdict[Any, dict[str, Any]] = defaultdict(dict)
        for key, value in state_dict["state"].items():
            if key in id_map:
                p = id_map[key]
                state[p] = {k: _load_value(name, key, k, v, p) for k, v in value.items()}
            else:
                state[key] = copy.deepcopy(value)
        groups = []
        for g, s in zip(self.param_groups, saved_groups):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
            for k, v in self.defaults.items():
                s.setdefault(k, v)
            groups.append(s)
        self.state = state
        self.param_groups = groups

    def __repr__(self) -> str:
        lines = [type(self).__name__ + " ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {group[k]}" for k in sorted(group) if k != "params"]
        return "\n".join(lines) + "\n)"


def _load_value(opt: str, pid: Any, key: str, value: Any, p: Tensor) -> Any:
    """A copy of one saved state entry, as a Tensor of ``p``'s dtype (``step`` keeps its float dtype)."""
    if isinstance(value, (Tensor, np.ndarray)) or (key == "step" and isinstance(value, numbers.Real)):
        arr = value.data if isinstance(value, Tensor) else np.asarray(value)
        if key == "step" or arr.ndim == 0:
            dtype = arr.dtype if arr.dtype.kind == "f" else np.float32
        else:
            dtype = p.data.dtype
            if arr.shape != p.data.shape:
                raise ValueError(
                    f"{opt}.load_state_dict: state '{key}' of parameter {pid} has shape {tuple(arr.shape)}, "
                    f"but the parameter has shape {tuple(p.data.shape)}"
                )
        return _wrap(np.array(arr, dtype=dtype, copy=True), None, False)
    return copy.deepcopy(value)


# ---- option checks shared by the optimizers (PyTorch's messages) ---------------------------------


def _number(opt: str, name: str, value: Any) -> float:
    if isinstance(value, Tensor) and value.numel() == 1:
        value = value.item()
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{opt}: {name} must be a number, got {type(value).__name__}")
    return value


def check_lr(opt: str, options: dict[str, Any]) -> None:
    lr = options.get("lr", 0.0)
    if lr is required:
        return
    if not 0.0 <= _number(opt, "lr", lr):
        raise ValueError(f"Invalid learning rate: {lr}")


def check_nonnegative(opt: str, options: dict[str, Any], *names: str, label: dict[str, str] | None = None) -> None:
    """``0 <= options[name]`` for each name (message ``Invalid <label> value: <v>``)."""
    label = {"eps": "epsilon", **(label or {})}
    for name in names:
        if name in options and not 0.0 <= _number(opt, name, options[name]):
            raise ValueError(f"Invalid {label.get(name, name)} value: {options[name]}")


def check_betas(opt: str, options: dict[str, Any]) -> None:
    betas = options.get("betas")
    if betas is None:
        return
    if not isinstance(betas, (tuple, list)) or len(betas) != 2:
        raise ValueError(f"{opt}: betas must be a pair (beta1, beta2), got {betas!r}")
    for i, b in enumerate(betas):
        if not 0.0 <= _number(opt, f"betas[{i}]", b) < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {b}")


def check_unsupported(opt: str, options: dict[str, Any]) -> None:
    """PyTorch-only switches are accepted (so code ports) but must keep their no-op values."""
    if options.get("differentiable"):
        raise ValueError(f"{opt}: differentiable=True is not supported (updates are fused kernels outside the graph)")


ParamsT = Iterable[Tensor] | Iterable[dict[str, Any]] | Iterable[tuple[str, Tensor]]
