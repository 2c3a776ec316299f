"""Containers: ``Sequential``, ``ModuleList``, ``ModuleDict`` (as ``torch.nn``).

Example:
    >>> import autograd as ag
    >>> import nn
    >>> net = nn.Sequential(nn.Linear(4, 8), nn.Identity(), nn.Linear(8, 2))
    >>> net(ag.ones(3, 4)).shape, len(net), list(net.state_dict())
    (Size([3, 2]), 3, ['0.weight', '0.bias', '2.weight', '2.bias'])
"""

from __future__ import annotations

import operator
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice

from .module import Module, _addindent

__all__ = ["Sequential", "ModuleList", "ModuleDict"]


def _index(idx, n: int, kind: str) -> int:
    idx = operator.index(idx)
    if not -n <= idx < n:
        raise IndexError(f"{kind}: index {idx} is out of range (length {n})")
    return idx % n


def _renumber(owner: Module) -> None:
    owner.__dict__["_modules"] = dict(zip([str(i) for i in range(len(owner._modules))], owner._modules.values()))


class Sequential(Module):
    """Modules applied in order; built from modules or from an ``OrderedDict`` of named modules.

    Indexing gives a module, slicing a new ``Sequential``; ``append``/``insert``/``extend``/``pop`` edit it.

    Example:
        >>> from collections import OrderedDict
        >>> import nn
        >>> net = nn.Sequential(OrderedDict([("fc", nn.Linear(2, 3)), ("out", nn.Identity())]))
        >>> net.fc, net[-1]
        (Linear(in_features=2, out_features=3, bias=True), Identity())
        >>> net[:1]
        Sequential(
          (fc): Linear(in_features=2, out_features=3, bias=True)
        )
    """

    def __init__(self, *args: Module) -> None:
        super().__init__()
        if len(args) == 1 and isinstance(args[0], OrderedDict):
            for key, module in args[0].items():
                self.add_module(key, module)
        else:
            for idx, module in enumerate(args):
                self.add_module(str(idx), module)

    def forward(self, input):
        for module in self._modules.values():
            input = module(input)
        return input

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return Sequential(OrderedDict(list(self._modules.items())[idx]))
        i = _index(idx, len(self._modules), "Sequential")
        return next(islice(self._modules.values(), i, None))

    def __setitem__(self, idx, module: Module) -> None:
        i = _index(idx, len(self._modules), "Sequential")
        key = next(islice(self._modules.keys(), i, None))
        setattr(self, key, module)

    def __delitem__(self, idx) -> None:
        if isinstance(idx, slice):
            for key in list(self._modules.keys())[idx]:
                delattr(self, key)
        else:
            i = _index(idx, len(self._modules), "Sequential")
            delattr(self, next(islice(self._modules.keys(), i, None)))
        _renumber(self)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __add__(self, other: Sequential) -> Sequential:
        if not isinstance(other, Sequential):
            raise ValueError(f"add operator supports only objects of Sequential class, but {type(other)} is given.")
        return Sequential(*self, *other)

    def append(self, module: Module) -> Sequential:
        """Add ``module`` at the end; returns self.

        Example:
            >>> import nn
            >>> len(nn.Sequential(nn.Identity()).append(nn.Identity()))
            2
        """
        self.add_module(str(len(self)), module)
        return self

    def insert(self, index: int, module: Module) -> Sequential:
        """Insert ``module`` before position ``index``; returns self.

        Example:
            >>> import nn
            >>> nn.Sequential(nn.Identity()).insert(0, nn.Flatten())[0]
            Flatten(start_dim=1, end_dim=-1)
        """
        if not isinstance(module, Module):
            raise AssertionError(f"module should be of type: {Module}")
        n = len(self._modules)
        if not -n <= index <= n:
            raise IndexError(f"Sequential.insert: index {index} is out of range (length {n})")
        if index < 0:
            index += n
        mods = list(self._modules.values())
        mods.insert(index, module)
        self.__dict__["_modules"] = {str(i): m for i, m in enumerate(mods)}
        return self

    def extend(self, sequential: Iterable[Module]) -> Sequential:
        """Append every module of ``sequential``; returns self.

        Example:
            >>> import nn
            >>> len(nn.Sequential().extend([nn.Identity(), nn.Identity()]))
            2
        """
        for m in sequential:
            self.append(m)
        return self

    def pop(self, key: int) -> Module:
        """Remove and return the module at ``key``.

        Example:
            >>> import nn
            >>> s = nn.Sequential(nn.Identity(), nn.Flatten()); s.pop(0)
            Identity()
        """
        m = self[key]
        del self[key]
        return m


class ModuleList(Module):
    """A list of modules, registered so their parameters are the owner's.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
        >>> x = ag.ones(2, 4)
        >>> for layer in layers:
        ...     x = layer(x)
        >>> len(list(layers.parameters()))
        6
        >>> layers
        ModuleList(
          (0-2): 3 x Linear(in_features=4, out_features=4, bias=True)
        )
    """

    def __init__(self, modules: Iterable[Module] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def __getitem__(self, idx):
        if isinstance(idx, slice):
            return ModuleList(list(self._modules.values())[idx])
        i = _index(idx, len(self._modules), "ModuleList")
        return self._modules[str(i)]

    def __setitem__(self, idx: int, module: Module) -> None:
        i = _index(idx, len(self._modules), "ModuleList")
        setattr(self, str(i), module)

    def __delitem__(self, idx) -> None:
        if isinstance(idx, slice):
            for k in range(len(self._modules))[idx]:
                delattr(self, str(k))
        else:
            delattr(self, str(_index(idx, len(self._modules), "ModuleList")))
        _renumber(self)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __iadd__(self, modules: Iterable[Module]) -> ModuleList:
        return self.extend(modules)

    def __add__(self, other: Iterable[Module]) -> ModuleList:
        return ModuleList([*self, *other])

    def append(self, module: Module) -> ModuleList:
        """Add ``module`` at the end; returns self.

        Example:
            >>> import nn
            >>> len(nn.ModuleList().append(nn.Identity()))
            1
        """
        self.add_module(str(len(self)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        """Append every module of ``modules``; returns self.

        Example:
            >>> import nn
            >>> len(nn.ModuleList().extend([nn.Identity(), nn.Identity()]))
            2
        """
        if isinstance(modules, (Module, str)) or not isinstance(modules, Iterable):
            raise TypeError("ModuleList.extend should be called with an iterable, but got " + type(modules).__name__)
        for m in modules:
            self.append(m)
        return self

    def insert(self, index: int, module: Module) -> None:
        """Insert ``module`` before position ``index``.

        Example:
            >>> import nn
            >>> m = nn.ModuleList([nn.Identity()]); m.insert(0, nn.Flatten()); m[0]
            Flatten(start_dim=1, end_dim=-1)
        """
        mods = list(self._modules.values())
        mods.insert(index, module)
        self.__dict__["_modules"] = {}
        for i, m in enumerate(mods):
            self.add_module(str(i), m)

    def pop(self, key: int | slice) -> Module:
        """Remove and return the module at ``key``.

        Example:
            >>> import nn
            >>> nn.ModuleList([nn.Identity()]).pop(0)
            Identity()
        """
        m = self[key]
        del self[key]
        return m

    def __repr__(self) -> str:
        reprs = [repr(m) for m in self]
        if not reprs:
            return self._get_name() + "()"
        blocks: list[list] = []
        for i, r in enumerate(reprs):
            if blocks and blocks[-1][2] == r:
                blocks[-1][1] = i
            else:
                blocks.append([i, i, r])
        lines = []
        for start, end, r in blocks:
            text = f"({start}): {r}" if start == end else f"({start}-{end}): {end - start + 1} x {r}"
            lines.append(_addindent(text, 2))
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


class ModuleDict(Module):
    """A dict of modules, registered under their keys (insertion order kept).

    Example:
        >>> import nn
        >>> heads = nn.ModuleDict({"cls": nn.Linear(8, 3), "box": nn.Linear(8, 4)})
        >>> list(heads.keys()), "cls" in heads
        (['cls', 'box'], True)
        >>> list(heads.state_dict())
        ['cls.weight', 'cls.bias', 'box.weight', 'box.bias']
    """

    def __init__(self, modules: Mapping[str, Module] | Iterable[tuple[str, Module]] | None = None) -> None:
        super().__init__()
        if modules is not None:
            self.update(modules)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __delitem__(self, key: str) -> None:
        del self._modules[key]

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: str) -> bool:
        return key in self._modules

    def clear(self) -> None:
        """Remove every module."""
        self._modules.clear()

    def pop(self, key: str) -> Module:
        """Remove and return the module under ``key``."""
        v = self[key]
        del self[key]
        return v

    def keys(self):
        """The keys."""
        return self._modules.keys()

    def items(self):
        """``(key, module)`` pairs."""
        return self._modules.items()

    def values(self):
        """The modules."""
        return self._modules.values()

    def update(self, modules) -> None:
        """Add modules from a mapping or from ``(key, module)`` pairs.

        Example:
            >>> import nn
            >>> d = nn.ModuleDict(); d.update([("a", nn.Identity())]); list(d)
            ['a']
        """
        if isinstance(modules, (Mapping, ModuleDict)):
            for key, module in modules.items():
                self[key] = module
            return
        if not isinstance(modules, Iterable):
            kind = type(modules).__name__
            raise TypeError(f"ModuleDict.update should be called with an iterable of key/value pairs, but got {kind}")
        for j, m in enumerate(modules):
            if not isinstance(m, Iterable) or len(m) != 2:
                raise ValueError(f"ModuleDict update sequence element #{j} should be a (key, module) pair")
            self[m[0]] = m[1]
