"""Atomic file writes: a new file replaces the old one only once it is complete on disk.

Used by ``autograd.save`` and by graph rendering, so a crash mid-write never leaves a
half-written file in place of a good one.

Example:
    >>> import os, tempfile
    >>> from autograd.atomic_file import atomic_write
    >>> path = os.path.join(tempfile.mkdtemp(), "x.txt")
    >>> atomic_write(path, lambda fh: fh.write(b"hello"), op="demo")
    >>> open(path, "rb").read()
    b'hello'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable


def new_file_mode(path: str) -> int:
    """The mode the file at ``path`` has, or the one a new file would get under the current umask."""
    with contextlib.suppress(OSError):
        return os.stat(path).st_mode & 0o7777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: str, write: Callable, op: str = "write") -> None:
    """Call ``write(binary_file)`` on a temporary file beside ``path``, fsync it, and rename it over ``path``.

    Errors name ``op`` and the path: a missing or unwritable folder, or ``path`` being a directory.
    """
    path = os.fspath(path)
    if os.path.islink(path):
        path = os.path.realpath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(f"{op}: {path!r} is a directory")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"{op}: cannot write {path!r}: the folder {folder!r} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    except PermissionError as e:
        raise PermissionError(f"{op}: cannot write {path!r}: the folder {folder!r} is not writable ({e.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, new_file_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX); harmless where unsupported
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
