"""The module scope recorded on each graph node while a forward pass runs.

``nn.Module.__call__`` enters a scope; every op created inside records the scope
tuple on its node, so graph drawings can group nodes by the module that made them.
Reading one attribute per op is the whole cost.

Example:
    >>> from autograd.scope import module_scope, current_scope
    >>> with module_scope("encoder"):
    ...     current_scope()
    ('encoder',)
"""

from __future__ import annotations

from contextlib import contextmanager


class _ScopeState:
    __slots__ = ("current",)

    def __init__(self) -> None:
        self.current: tuple = ()


state = _ScopeState()


def current_scope() -> tuple:
    """The tuple of scopes (outermost first) that ops are being recorded in."""
    return state.current


@contextmanager
def module_scope(owner):
    """Record ``owner`` (a module or a name) as the innermost scope while the block runs."""
    prev = state.current
    state.current = prev + (owner,)
    try:
        yield
    finally:
        state.current = prev
