"""Anomaly detection: name the forward op and the user's line behind a NaN/inf gradient.

Example:
    >>> import autograd as ag
    >>> x = ag.tensor([0.0], requires_grad=True)
    >>> with ag.detect_anomaly():
    ...     y = x.sqrt() * 0.0
    ...     try:
    ...         y.sum().backward()
    ...     except RuntimeError as e:
    ...         print(str(e).splitlines()[0])
    Function 'SqrtBackward0' returned nan values in its 0th output.
"""

from __future__ import annotations

import functools
import os
import traceback

_PACKAGE_DIRS = tuple(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep + d + os.sep
    for d in ("autograd", "nn", "optim")
)


class _AnomalyState:
    __slots__ = ("enabled",)

    def __init__(self) -> None:
        self.enabled = False


state = _AnomalyState()


def is_anomaly_enabled() -> bool:
    """Whether ``detect_anomaly`` is active."""
    return state.enabled


def user_frame() -> str:
    """The innermost stack frame outside this library, formatted like a traceback line."""
    frames = traceback.extract_stack()[:-1]
    for fr in reversed(frames):
        if not fr.filename.startswith(_PACKAGE_DIRS) and "contextlib" not in fr.filename:
            return f'File "{fr.filename}", line {fr.lineno}, in {fr.name}\n    {fr.line or ""}'
    fr = frames[-1]
    return f'File "{fr.filename}", line {fr.lineno}, in {fr.name}'


class detect_anomaly:
    """Context manager and decorator: record where each op was created and raise on NaN/inf gradients.

    Slows everything down (a stack trace per op); use it to find a bad gradient.

    Example:
        >>> import autograd as ag
        >>> with ag.detect_anomaly():
        ...     ag.ones(2, requires_grad=True).sum().backward()
    """

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self):
        self._prev = state.enabled
        state.enabled = self.check_nan
        return self

    def __exit__(self, *exc) -> None:
        state.enabled = self._prev

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)

        return wrapper


def set_detect_anomaly(mode: bool) -> None:
    """Turn anomaly detection on or off globally.

    Example:
        >>> import autograd as ag
        >>> ag.set_detect_anomaly(False)
    """
    state.enabled = bool(mode)
