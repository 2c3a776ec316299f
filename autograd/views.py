"""Tensors that share memory (views and ``detach()``) share one version counter, as in PyTorch.

An op whose output array is a NumPy view of an input's array (``x[0]``, ``x.T``,
``x.reshape(...)``, ``x.detach()``) links the output to the input's root tensor. An
in-place write into the shared memory then raises the version of every live tensor of
the group, so a backward that saved any of them raises instead of using changed values.
Nothing here runs for ops whose outputs are fresh arrays (almost all of them).

Example:
    >>> import autograd as ag
    >>> x = ag.ones(3, requires_grad=True)
    >>> y = x * 1.0
    >>> z = y.exp()                 # exp keeps its output for backward
    >>> with ag.no_grad():
    ...     _ = z[0].mul_(2)        # an in-place write through a view of z
    >>> z._version
    1
"""

from __future__ import annotations

import weakref

_root_of: dict = {}  # id(view) -> (root tensor, weakref to the view): a view keeps its root alive, as PyTorch's _base
_views_of: dict = {}  # id(root) -> {id(view): weakref to the view}


def link(view, base) -> None:
    """Record that ``view``'s array shares memory with ``base``'s (``base`` may itself be a view)."""
    entry = _root_of.get(id(base))
    root = base if entry is None else entry[0]
    if root is view:
        return
    key, root_key = id(view), id(root)

    def forget(_ref, key=key, root_key=root_key) -> None:
        _root_of.pop(key, None)
        members = _views_of.get(root_key)
        if members is not None:
            members.pop(key, None)
            if not members:
                del _views_of[root_key]

    ref = weakref.ref(view, forget)
    _root_of[key] = (root, ref)
    _views_of.setdefault(root_key, {})[key] = ref


def link_output(out, args) -> None:
    """``link`` the op output ``out`` to the Tensor argument whose array ``out.data`` is a view of, if any
    (called only when ``out.data.base is not None``)."""
    owner = out.data.base
    for a in args:
        if isinstance(a, out.__class__) and a is not out:  # a Tensor or a subclass (nn.Parameter)
            d = a.data
            if d is owner or d.base is owner:
                link(out, a)
                return


def unlink(t) -> None:
    """``t`` no longer shares memory with its group (an op gave it a new array)."""
    entry = _root_of.pop(id(t), None)
    if entry is not None:
        members = _views_of.get(id(entry[0]))
        if members is not None:
            members.pop(id(t), None)
            if not members:
                del _views_of[id(entry[0])]


def bump(t) -> None:
    """Count an in-place write into ``t``'s memory: every live tensor sharing it goes up one version."""
    entry = _root_of.get(id(t))
    root = t if entry is None else entry[0]
    if root is not t:
        root._version += 1
    t._version += 1
    members = _views_of.get(id(root))
    if members:
        for ref in list(members.values()):
            v = ref()
            if v is not None and v is not t:
                v._version += 1


def is_view(t) -> bool:
    """Whether ``t`` shares its memory with another live tensor it was made from.

    Example:
        >>> import autograd as ag
        >>> x = ag.ones(2, 2)
        >>> is_view(x[0]), is_view(x + 1)
        (True, False)
    """
    return id(t) in _root_of
