"""``njit``: the one way this project compiles a kernel with Numba.

``cache=True``, ``error_model="numpy"``, serial. The on-disk cache goes beside the
package when that is writable, else to a user cache directory; when no cache can be
written at all, kernels still compile (in memory). Compilation is lazy: nothing is
compiled at import, each kernel on its first call (or loaded from the cache).

Example:
    >>> from autograd.kernels.jit import njit
    >>> @njit
    ... def twice(x):
    ...     return 2 * x
    >>> twice(3)
    6
"""

from __future__ import annotations

import os
import tempfile

_PKG_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _writable(path: str) -> bool:
    probe = path
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    return os.access(probe, os.W_OK)


def _choose_cache_dir() -> str | None:
    """Where Numba's cache goes; None to keep Numba's default (``__pycache__`` beside the source)."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return None
    if _writable(os.path.join(_PKG_DIR, "kernels", "__pycache__")):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    for candidate in (os.path.join(base, "numbagrad", "numba"), os.path.join(tempfile.gettempdir(), "numbagrad-numba")):
        try:
            os.makedirs(candidate, exist_ok=True)
        except OSError:
            continue
        if _writable(candidate):
            return candidate
    return None


_cache_dir = _choose_cache_dir()
if _cache_dir is not None:
    os.environ["NUMBA_CACHE_DIR"] = _cache_dir

import numba  # noqa: E402  (the cache directory must be chosen before numba reads its config)


def njit(fn=None, **options):
    """``numba.njit`` with this project's options; works as ``@njit`` and ``@njit(fastmath=True)``."""
    if fn is None:
        return lambda f: njit(f, **options)
    opts = {"cache": True, "error_model": "numpy", "nogil": True}
    opts.update(options)
    try:
        return numba.njit(**opts)(fn)
    except RuntimeError:  # no cache locator can write anywhere: compile in memory only
        opts["cache"] = False
        return numba.njit(**opts)(fn)
