"""``njit``: the one way this project compiles a kernel with Numba.

``cache=True``, ``error_model="numpy"``, ``nogil=True``, serial. Compilation is lazy:
decorating compiles nothing; each kernel is compiled (or loaded from the disk cache) on
its first call, once per argument types.

Where the cache goes is Numba's own choice, made once per function at decoration:
``$NUMBA_CACHE_DIR`` when set and writable, else ``__pycache__`` beside the package source
when writable, else the user cache directory (``$XDG_CACHE_HOME/numba`` or
``~/.cache/numba``). When none of these can be written, the kernel is compiled in memory
only (``cache_path(kernel) is None``): everything still works, it just compiles again in
the next process.

Example:
    >>> from autograd.kernels.jit import njit
    >>> @njit
    ... def twice(x):
    ...     return 2 * x
    >>> twice(3)
    6
"""

from __future__ import annotations

import numba

OPTIONS = {"cache": True, "error_model": "numpy", "nogil": True}


def njit(fn=None, **options):
    """``numba.njit`` with this project's options; works as ``@njit`` and ``@njit(fastmath=True)``.

    Example:
        >>> from autograd.kernels.jit import njit
        >>> @njit(inline="always")
        ... def inc(x):
        ...     return x + 1
        >>> inc(1.5)
        2.5
    """
    if fn is None:
        return lambda f: njit(f, **options)
    opts = {**OPTIONS, **options}
    try:
        return numba.njit(**opts)(fn)
    except RuntimeError:  # "cannot cache function ...: no locator available": nowhere to write, so in memory only
        opts["cache"] = False
        return numba.njit(**opts)(fn)


def cache_path(kernel) -> str | None:
    """The directory holding ``kernel``'s on-disk cache, or None when it compiles in memory only.

    Example:
        >>> from autograd.kernels import jit, numba_kernels
        >>> p = jit.cache_path(numba_kernels._relu)
        >>> p is None or isinstance(p, str)
        True
    """
    return getattr(getattr(kernel, "_cache", None), "_cache_path", None)
