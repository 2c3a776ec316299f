"""Switching gradient recording on and off: ``no_grad``, ``enable_grad``, ``set_grad_enabled``.

Each is a context manager and a decorator, as in PyTorch.

Example:
    >>> import autograd as ag
    >>> x = ag.ones(3, requires_grad=True)
    >>> with ag.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
"""

from __future__ import annotations

import functools


class _State:
    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = True


state = _State()


def is_grad_enabled() -> bool:
    """Whether operations are being recorded for backward.

    Example:
        >>> import autograd as ag
        >>> ag.is_grad_enabled()
        True
    """
    return state.enabled


class _GradMode:
    _mode: bool = True

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self._mode
        return self

    def __exit__(self, *exc) -> None:
        state.enabled = self._prev

    def __call__(self, fn):
        mode = self._mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            prev = state.enabled
            state.enabled = mode
            try:
                return fn(*args, **kwargs)
            finally:
                state.enabled = prev

        return wrapper


class no_grad(_GradMode):
    """Context manager and decorator that stops recording operations.

    Example:
        >>> import autograd as ag
        >>> @ag.no_grad()
        ... def f(x): return x * 2
        >>> f(ag.ones(2, requires_grad=True)).requires_grad
        False
    """

    _mode = False


class enable_grad(_GradMode):
    """Context manager and decorator that turns recording back on inside ``no_grad``.

    Example:
        >>> import autograd as ag
        >>> with ag.no_grad():
        ...     with ag.enable_grad():
        ...         ag.is_grad_enabled()
        True
    """

    _mode = True


class set_grad_enabled(_GradMode):
    """Set recording on or off; takes effect at once, and also works as a context manager.

    Example:
        >>> import autograd as ag
        >>> with ag.set_grad_enabled(False):
        ...     ag.is_grad_enabled()
        False
    """

    def __init__(self, mode: bool) -> None:
        self._prev = state.enabled
        self._mode = bool(mode)
        state.enabled = self._mode

    def __enter__(self):
        return self

    def __call__(self, fn):
        state.enabled = self._prev  # used as a decorator: do not change the mode now
        return super().__call__(fn)
