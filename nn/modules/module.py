"""``Module``: the base class of every layer and model, as ``torch.nn.Module``.

Assigning a ``Parameter``, a buffer (``register_buffer``) or another ``Module`` to an
attribute registers it; ``state_dict`` keys, ``repr`` and the traversal methods follow
PyTorch. ``__call__`` runs the forward hooks and records the module as the scope of the
ops its forward creates (graph drawing groups nodes by it).

Example:
    >>> import autograd as ag
    >>> import nn
    >>> class TwoLayer(nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc1 = nn.Linear(4, 8)
    ...         self.fc2 = nn.Linear(8, 2)
    ...     def forward(self, x):
    ...         return self.fc2(self.fc1(x).relu())
    >>> model = TwoLayer()
    >>> [name for name, _ in model.named_parameters()]
    ['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']
    >>> model(ag.randn(3, 4)).shape
    Size([3, 2])
"""

from __future__ import annotations

from collections import OrderedDict, namedtuple
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

from autograd import dtypes as _dt
from autograd import scope as _scope
from autograd.grad_mode import no_grad
from autograd.tensor import Size, Tensor, _wrap

from ..parameter import Parameter

__all__ = ["Module", "RemovableHandle"]

_scope_state = _scope.state


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict(strict=False)`` returns: the keys it could not match."""

    __slots__ = ()

    def __repr__(self) -> str:
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return super().__repr__()

    __str__ = __repr__


class RemovableHandle:
    """A handle on a registered hook; ``remove()`` unregisters it (also usable as a context manager).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> m = nn.Identity()
        >>> h = m.register_forward_hook(lambda mod, args, out: out * 2)
        >>> m(ag.ones(1))
        tensor([2.])
        >>> h.remove(); m(ag.ones(1))
        tensor([1.])
    """

    __slots__ = ("_owner", "_key", "_id")
    _next_id = 0

    def __init__(self, owner: Module, key: str) -> None:
        self._owner = owner
        self._key = key
        RemovableHandle._next_id += 1
        self._id = RemovableHandle._next_id

    @property
    def id(self) -> int:
        return self._id

    def remove(self) -> None:
        """Unregister the hook (a second call does nothing)."""
        hooks = self._owner.__dict__[self._key]
        if self._id in hooks:
            del hooks[self._id]
            self._owner._update_hook_flag()

    def __enter__(self) -> RemovableHandle:
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


def _addindent(s: str, n: int) -> str:
    lines = s.split("\n")
    if len(lines) == 1:
        return s
    return lines[0] + "\n" + "\n".join(" " * n + line for line in lines[1:])


def _check_name(kind: str, name, owner: Module) -> None:
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {type(name).__name__}")
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain ".", got: {name}')
    if hasattr(owner, name) and name not in owner._parameters and name not in owner._buffers and name not in owner._modules:
        raise KeyError(f"attribute '{name}' already exists")


class Module:
    """Base class for all layers and models; subclass it, set layers in ``__init__``, write ``forward``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> class Scale(nn.Module):
        ...     def __init__(self, n):
        ...         super().__init__()
        ...         self.w = nn.Parameter(ag.ones(n))
        ...         self.register_buffer("calls", ag.zeros(()))
        ...     def forward(self, x):
        ...         return x * self.w
        >>> m = Scale(3)
        >>> list(m.state_dict())
        ['w', 'calls']
        >>> m
        Scale()
    """

    training: bool

    def __init__(self, *args, **kwargs) -> None:
        if args or kwargs:
            raise TypeError(f"{type(self).__name__}.__init__() got unexpected arguments {args} {kwargs}")
        d = self.__dict__
        d["training"] = True
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent_buffers_set"] = set()
        d["_modules"] = {}
        d["_forward_pre_hooks"] = {}
        d["_forward_pre_hooks_with_kwargs"] = set()
        d["_forward_hooks"] = {}
        d["_forward_hooks_with_kwargs"] = set()
        d["_has_hooks"] = False

    # ---- calling ------------------------------------------------------------------------
    def forward(self, *args, **kwargs):
        """The computation; every subclass defines it (call the module, not ``forward``)."""
        raise NotImplementedError(f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        if self._has_hooks:
            return self._call_with_hooks(args, kwargs)
        prev = _scope_state.current
        _scope_state.current = prev + (self,)
        try:
            return self.forward(*args, **kwargs)
        finally:
            _scope_state.current = prev

    def _call_with_hooks(self, args: tuple, kwargs: dict):
        prev = _scope_state.current
        _scope_state.current = prev + (self,)
        try:
            for hid, hook in list(self._forward_pre_hooks.items()):
                if hid in self._forward_pre_hooks_with_kwargs:
                    res = hook(self, args, kwargs)
                    if res is not None:
                        if not (isinstance(res, tuple) and len(res) == 2):
                            raise RuntimeError(
                                f"forward pre-hook must return None or a tuple of (new_args, new_kwargs), but got {res}."
                            )
                        args, kwargs = res
                else:
                    res = hook(self, args)
                    if res is not None:
                        args = res if isinstance(res, tuple) else (res,)
            out = self.forward(*args, **kwargs)
            for hid, hook in list(self._forward_hooks.items()):
                if hid in self._forward_hooks_with_kwargs:
                    res = hook(self, args, kwargs, out)
                else:
                    res = hook(self, args, out)
                if res is not None:
                    out = res
            return out
        finally:
            _scope_state.current = prev

    def _update_hook_flag(self) -> None:
        self.__dict__["_has_hooks"] = bool(self._forward_pre_hooks or self._forward_hooks)

    def register_forward_pre_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False) -> RemovableHandle:
        """Call ``hook(module, args)`` before each forward; a returned value replaces ``args``.

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs)`` and may return ``(args, kwargs)``.

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> m = nn.Identity()
            >>> _ = m.register_forward_pre_hook(lambda mod, args: (args[0] + 1,))
            >>> m(ag.zeros(1))
            tensor([1.])
        """
        return self._add_hook("_forward_pre_hooks", hook, prepend, with_kwargs)

    def register_forward_hook(self, hook: Callable, *, prepend: bool = False, with_kwargs: bool = False) -> RemovableHandle:
        """Call ``hook(module, args, output)`` after each forward; a returned value replaces the output.

        With ``with_kwargs=True`` the hook is ``hook(module, args, kwargs, output)``.

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> seen = []
            >>> m = nn.Linear(3, 2)
            >>> h = m.register_forward_hook(lambda mod, args, out: seen.append(tuple(out.shape)))
            >>> _ = m(ag.ones(5, 3)); seen
            [(5, 2)]
        """
        return self._add_hook("_forward_hooks", hook, prepend, with_kwargs)

    def _add_hook(self, key: str, hook: Callable, prepend: bool, with_kwargs: bool) -> RemovableHandle:
        if not callable(hook):
            raise TypeError(f"{type(self).__name__}: hook must be callable, got {type(hook).__name__}")
        handle = RemovableHandle(self, key)
        hooks = self.__dict__[key]
        hooks[handle.id] = hook
        if prepend:
            items = list(hooks.items())
            hooks.clear()
            hooks.update([items[-1]] + items[:-1])
        if with_kwargs:
            self.__dict__[key + "_with_kwargs"].add(handle.id)
        self._update_hook_flag()
        return handle

    # ---- registration -------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            _discard(d, name, d["_buffers"], d["_modules"], d["_non_persistent_buffers_set"])
            self.register_parameter(name, value)
            return
        if params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as parameter '{name}' of {type(self).__name__} "
                    "(nn.Parameter or None expected)"
                )
            params[name] = None
            return
        if isinstance(value, Module):
            if params is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            _discard(d, name, params, d["_buffers"], d["_non_persistent_buffers_set"])
            d["_modules"][name] = value
            return
        modules = d.get("_modules")
        if modules is not None and name in modules:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as child module '{name}' of {type(self).__name__} "
                    "(nn.Module or None expected)"
                )
            modules[name] = None
            return
        buffers = d.get("_buffers")
        if buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{type(value).__name__}' as buffer '{name}' of {type(self).__name__} "
                    "(Tensor or None expected)"
                )
            buffers[name] = value
            return
        object.__setattr__(self, name, value)

    def __getattr__(self, name: str):
        d = self.__dict__
        for key in ("_parameters", "_buffers", "_modules"):
            store = d.get(key)
            if store is not None and name in store:
                return store[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name: str) -> None:
        d = self.__dict__
        if name in d.get("_parameters", ()):
            del d["_parameters"][name]
        elif name in d.get("_buffers", ()):
            del d["_buffers"][name]
            d["_non_persistent_buffers_set"].discard(name)
        elif name in d.get("_modules", ()):
            del d["_modules"][name]
        else:
            object.__delattr__(self, name)

    def __dir__(self):
        return sorted(set(super().__dir__()) | set(self._parameters) | set(self._buffers) | set(self._modules))

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Register ``param`` (a ``Parameter`` or None) under ``name``.

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> m = nn.Module(); m.register_parameter("scale", nn.Parameter(ag.ones(1)))
            >>> [n for n, _ in m.named_parameters()]
            ['scale']
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name("parameter", name, self)
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{type(param).__name__}' object to parameter '{name}' of {type(self).__name__} "
                "(nn.Parameter or None required)"
            )
        if param is not None and param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}' of {type(self).__name__}. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, compute the value in forward()."
            )
        self._parameters[name] = param

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register a non-learnable tensor (running statistics...); it moves with ``to()`` and,
        when ``persistent``, is saved in ``state_dict``.

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> m = nn.Module(); m.register_buffer("steps", ag.zeros((), dtype=ag.int64))
            >>> m.steps
            tensor(0)
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name("buffer", name, self)
        if name in self._parameters or name in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"cannot assign '{type(tensor).__name__}' object to buffer '{name}' (Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register ``module`` as a child under ``name`` (same as attribute assignment).

        Example:
            >>> import nn
            >>> m = nn.Module(); m.add_module("head", nn.Linear(2, 1))
            >>> m
            Module(
              (head): Linear(in_features=2, out_features=1, bias=True)
            )
        """
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"{type(module).__name__} is not a Module subclass")
        if not isinstance(name, str):
            raise TypeError(f"module name should be a string. Got {type(name).__name__}")
        if "_modules" not in self.__dict__:
            raise AttributeError("cannot assign module before Module.__init__() call")
        if "." in name or name == "":
            raise KeyError(f'module name can\'t contain "." or be empty, got: "{name}"')
        if hasattr(self, name) and name not in self._modules:
            raise KeyError(f"attribute '{name}' already exists")
        self._modules[name] = module

    register_module = add_module

    # ---- traversal ----------------------------------------------------------------------
    def named_modules(
        self, memo: set | None = None, prefix: str = "", remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` for this module (name ``''``) and every descendant, depth first.

        Example:
            >>> import nn
            >>> [n for n, _ in nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Identity())).named_modules()]
            ['', '0', '1', '1.0']
        """
        if memo is None:
            memo = set()
        if remove_duplicate:
            if self in memo:
                return
            memo.add(self)
        yield prefix, self
        for name, module in self._modules.items():
            if module is None:
                continue
            sub = prefix + ("." if prefix else "") + name
            yield from module.named_modules(memo, sub, remove_duplicate)

    def modules(self) -> Iterator[Module]:
        """This module and every descendant (each once).

        Example:
            >>> import nn
            >>> len(list(nn.Sequential(nn.Linear(2, 2), nn.Identity()).modules()))
            3
        """
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """``(name, module)`` for the direct children.

        Example:
            >>> import nn
            >>> [n for n, _ in nn.Sequential(nn.Identity(), nn.Identity()).named_children()]
            ['0', '1']
        """
        seen = set()
        for name, module in self._modules.items():
            if module is not None and module not in seen:
                seen.add(module)
                yield name, module

    def children(self) -> Iterator[Module]:
        """The direct children.

        Example:
            >>> import nn
            >>> list(nn.Sequential(nn.Identity()).children())
            [Identity()]
        """
        for _, m in self.named_children():
            yield m

    def _named_members(self, store: str, prefix: str, recurse: bool, remove_duplicate: bool) -> Iterator[tuple[str, Tensor]]:
        mods = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) if recurse else [(prefix, self)]
        seen = set()
        for mod_prefix, mod in mods:
            for name, t in mod.__dict__[store].items():
                if t is None:
                    continue
                if remove_duplicate:
                    if t in seen:
                        continue
                    seen.add(t)
                yield mod_prefix + ("." if mod_prefix else "") + name, t

    def named_parameters(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Parameter]]:
        """``(name, parameter)`` pairs with ``state_dict``-style dotted names (shared parameters once).

        Example:
            >>> import nn
            >>> [(n, tuple(p.shape)) for n, p in nn.Linear(3, 2).named_parameters()]
            [('weight', (2, 3)), ('bias', (2,))]
        """
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        """The parameters (each once), to give to an optimizer.

        Example:
            >>> import nn
            >>> sum(p.numel() for p in nn.Linear(3, 2).parameters())
            8
        """
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    def named_buffers(
        self, prefix: str = "", recurse: bool = True, remove_duplicate: bool = True
    ) -> Iterator[tuple[str, Tensor]]:
        """``(name, buffer)`` pairs with dotted names.

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> m = nn.Sequential(nn.Identity()); m[0].register_buffer("count", ag.zeros(()))
            >>> [n for n, _ in m.named_buffers()]
            ['0.count']
        """
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        """The buffers.

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> m = nn.Identity(); m.register_buffer("count", ag.zeros(()))
            >>> list(m.buffers())
            [tensor(0.)]
        """
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target: str) -> Module:
        """The descendant at dotted path ``target`` (``''`` is this module).

        Example:
            >>> import nn
            >>> nn.Sequential(nn.Sequential(nn.Identity())).get_submodule("0.0")
            Identity()
        """
        mod = self
        if target == "":
            return mod
        for item in target.split("."):
            if item not in mod._modules or mod._modules[item] is None:
                raise AttributeError(f"{type(mod).__name__} has no attribute `{item}` (looking up submodule '{target}')")
            mod = mod._modules[item]
        return mod

    def get_parameter(self, target: str) -> Parameter:
        """The parameter at dotted path ``target``.

        Example:
            >>> import nn
            >>> nn.Sequential(nn.Linear(2, 3)).get_parameter("0.bias").shape
            Size([3])
        """
        path, _, name = target.rpartition(".")
        mod = self.get_submodule(path)
        if name not in mod._parameters:
            raise AttributeError(f"{type(mod).__name__} has no parameter `{name}` (looking up '{target}')")
        return mod._parameters[name]

    def get_buffer(self, target: str) -> Tensor:
        """The buffer at dotted path ``target``.

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> m = nn.Sequential(nn.Identity()); m[0].register_buffer("count", ag.zeros(()))
            >>> m.get_buffer("0.count")
            tensor(0.)
        """
        path, _, name = target.rpartition(".")
        mod = self.get_submodule(path)
        if name not in mod._buffers:
            raise AttributeError(f"{type(mod).__name__} has no buffer `{name}` (looking up '{target}')")
        return mod._buffers[name]

    # ---- modes and gradients ---------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=False`` is ``eval()``) on this module and all descendants.

        Example:
            >>> import nn
            >>> m = nn.Sequential(nn.Identity()).eval()
            >>> m.training, m[0].training
            (False, False)
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for m in self.modules():
            m.__dict__["training"] = mode
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)`` (dropout off, batch norm uses running statistics).

        Example:
            >>> import nn
            >>> nn.Identity().eval().training
            False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set ``requires_grad`` on every parameter (freeze with ``False``).

        Example:
            >>> import nn
            >>> m = nn.Linear(2, 2).requires_grad_(False)
            >>> m.weight.requires_grad
            False
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset every parameter's ``.grad`` (to None by default, else to zeros).

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> m = nn.Linear(2, 1); m(ag.ones(1, 2)).sum().backward()
            >>> m.zero_grad(); m.weight.grad is None
            True
        """
        for p in self.parameters():
            g = p.grad
            if g is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                if g.grad_fn is not None:
                    g = p.grad = g.detach()
                g.data[...] = 0
                g._version += 1

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call ``fn`` on every descendant (children first) and then on this module.

        Example:
            >>> import nn
            >>> def init(m):
            ...     if isinstance(m, nn.Linear):
            ...         nn.init.zeros_(m.weight)
            >>> float(nn.Sequential(nn.Linear(2, 2)).apply(init)[0].weight.sum())
            0.0
        """
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # ---- dtype ----------------------------------------------------------------------------
    def _apply(self, fn: Callable[[np.ndarray], np.ndarray], floating_only: bool = True) -> Module:
        """Replace the array of every parameter, gradient and buffer by ``fn(array)`` (objects kept)."""
        for m in self.modules():
            for t in list(m._parameters.values()) + list(m._buffers.values()):
                if t is None or (floating_only and t.data.dtype.kind != "f"):
                    continue
                t.data = fn(t.data)
                if t.grad is not None:
                    t.grad.data = fn(t.grad.data)
        return self

    def to(self, *args, **kwargs) -> Module:
        """Cast floating parameters and buffers to a dtype (``to(ag.float64)``, ``to("cpu", dtype=...)``,
        ``to(tensor)``); devices other than CPU are refused.

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> nn.Linear(2, 2).to(ag.float64).weight.dtype
            dtype('float64')
        """
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("copy", None)
        device = kwargs.pop("device", None)
        if kwargs:
            raise TypeError(f"{type(self).__name__}.to() got unexpected keyword arguments {sorted(kwargs)}")
        for a in args:
            if isinstance(a, Tensor):
                dtype = a.dtype
            elif isinstance(a, str) and a.split(":")[0] in ("cpu", "cuda", "mps", "meta"):
                device = a
            elif a is None:
                continue
            else:
                dtype = a
        if device is not None and str(device).split(":")[0] != "cpu":
            raise RuntimeError(f"{type(self).__name__}.to(): only the 'cpu' device exists here, got {device!r}")
        if dtype is None:
            return self
        dt = _dt.to_dtype(dtype)
        if dt.kind != "f":
            raise TypeError(f"nn.Module.to only accepts floating point dtypes, but got desired dtype={dt}")
        return self._apply(lambda a: a if a.dtype == dt else a.astype(dt))

    def float(self) -> Module:
        """Cast floating parameters and buffers to float32.

        Example:
            >>> import nn
            >>> nn.Linear(2, 2).double().float().weight.dtype
            dtype('float32')
        """
        return self.to(np.float32)

    def double(self) -> Module:
        """Cast floating parameters and buffers to float64.

        Example:
            >>> import nn
            >>> nn.Linear(2, 2).double().bias.dtype
            dtype('float64')
        """
        return self.to(np.float64)

    def half(self) -> Module:
        """Cast floating parameters and buffers to float16.

        Example:
            >>> import nn
            >>> nn.Linear(2, 2).half().bias.dtype
            dtype('float16')
        """
        return self.to(np.float16)

    def type(self, dst_type) -> Module:
        """Cast floating parameters and buffers to ``dst_type``.

        Example:
            >>> import autograd as ag
            >>> import nn
            >>> nn.Linear(2, 2).type(ag.float64).bias.dtype
            dtype('float64')
        """
        return self.to(dst_type)

    def cpu(self) -> Module:
        """This module (everything lives on the CPU).

        Example:
            >>> import nn
            >>> m = nn.Identity(); m.cpu() is m
            True
        """
        return self

    # ---- state dict ---------------------------------------------------------------------------
    def state_dict(self, destination: dict | None = None, prefix: str = "", keep_vars: bool = False) -> OrderedDict:
        """Parameters and persistent buffers by dotted name (tensors share memory with the model).

        Example:
            >>> import nn
            >>> {k: tuple(v.shape) for k, v in nn.Sequential(nn.Linear(3, 2)).state_dict().items()}
            {'0.weight': (2, 3), '0.bias': (2,)}
        """
        if destination is None:
            destination = OrderedDict()
        self._save_to_state_dict(destination, prefix, keep_vars)
        for name, module in self._modules.items():
            if module is not None:
                module.state_dict(destination=destination, prefix=prefix + name + ".", keep_vars=keep_vars)
        return destination

    def _save_to_state_dict(self, destination: dict, prefix: str, keep_vars: bool) -> None:
        for name, p in self._parameters.items():
            if p is not None:
                destination[prefix + name] = p if keep_vars else _wrap(p.data, None, False)
        for name, b in self._buffers.items():
            if b is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = b if keep_vars else _wrap(b.data, None, False)

    def _upgrade_state_dict(self, state_dict: dict, prefix: str) -> None:
        """Hook for subclasses: fill in keys that older checkpoints lack (BatchNorm's num_batches_tracked)."""

    def load_state_dict(self, state_dict: Mapping, strict: bool = True, assign: bool = False) -> _IncompatibleKeys:
        """Copy parameters and buffers from ``state_dict`` (as saved by ``state_dict``).

        Every problem (missing keys, unexpected keys, shape mismatches) is reported in one
        ``RuntimeError``, and then nothing is loaded. With ``strict=False`` missing and
        unexpected keys are returned instead of raised (shape mismatches still raise).

        Example:
            >>> import nn
            >>> a, b = nn.Linear(3, 2), nn.Linear(3, 2)
            >>> b.load_state_dict(a.state_dict())
            <All keys matched successfully>
            >>> bool((a.weight == b.weight).all())
            True
        """
        if not isinstance(state_dict, Mapping):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        state_dict = OrderedDict(state_dict)
        for prefix_mod, mod in self.named_modules(remove_duplicate=False):
            mod._upgrade_state_dict(state_dict, prefix_mod + "." if prefix_mod else "")
        own = self.state_dict(keep_vars=True)
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors, copies = [], []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            arr = value.data if isinstance(value, Tensor) else value
            try:
                arr = np.asarray(arr)
            except Exception:  # noqa: BLE001
                errors.append(f'While copying the parameter named "{key}", expected a Tensor, got {type(value).__name__}.')
                continue
            if arr.dtype.kind not in "biuf" and arr.dtype.kind != "c":
                errors.append(f'While copying the parameter named "{key}", expected a numeric tensor, got dtype {arr.dtype}.')
                continue
            if arr.shape != target.data.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {Size(arr.shape)} from checkpoint, "
                    f"the shape in current model is {Size(target.data.shape)}."
                )
                continue
            copies.append((target, arr))
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(type(self).__name__, "\n\t".join(errors)))
        with no_grad():
            for target, arr in copies:
                if assign:
                    target.data = np.array(arr, copy=True)
                else:
                    target.data[...] = arr
                target._version += 1
        return _IncompatibleKeys(missing, unexpected)

    # ---- repr -----------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside this module's ``repr`` parentheses (layers show their configuration).

        Example:
            >>> import nn
            >>> nn.Linear(3, 2).extra_repr()
            'in_features=3, out_features=2, bias=True'
        """
        return ""

    def _get_name(self) -> str:
        return type(self).__name__

    def _error_name(self) -> str:
        """``Linear(in_features=3, ...)``, plus ``'encoder.fc1'`` when called inside a parent module (for error messages)."""
        head = f"{self._get_name()}({self.extra_repr()})"
        for owner in _scope_state.current:
            if isinstance(owner, Module) and owner is not self:
                for name, m in owner.named_modules():
                    if m is self:
                        return f"{head} (module '{name}' of {owner._get_name()})"
        return head

    def __repr__(self) -> str:
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = []
        for name, module in self._modules.items():
            child_lines.append("(" + name + "): " + _addindent(repr(module), 2))
        lines = extra_lines + child_lines
        main = self._get_name() + "("
        if lines:
            if len(extra_lines) == 1 and not child_lines:
                main += extra_lines[0]
            else:
                main += "\n  " + "\n  ".join(lines) + "\n"
        return main + ")"

    # ---- copying / pickling -----------------------------------------------------------------------
    def __getstate__(self) -> dict:
        return self.__dict__.copy()

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


def _discard(d: dict, name: str, *stores) -> None:
    d.pop(name, None)
    for s in stores:
        if isinstance(s, dict):
            s.pop(name, None)
        else:
            s.discard(name)
