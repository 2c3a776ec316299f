"""MNIST's IDX file format: ``read_idx`` and ``write_idx`` (raw or gzip-compressed).

An IDX file is two zero bytes, a type code (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
0x0D float32, 0x0E float64), the number of dimensions, each dimension as a big-endian uint32,
then the values big-endian in C order.

Example:
    >>> import os, tempfile, numpy as np
    >>> from autograd.data import read_idx, write_idx
    >>> path = os.path.join(tempfile.mkdtemp(), "tiny-idx3-ubyte.gz")
    >>> write_idx(path, np.arange(12, dtype=np.uint8).reshape(3, 2, 2))
    >>> read_idx(path).shape
    (3, 2, 2)
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib

import numpy as np

_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
_CODES = {np.dtype(v).newbyteorder("="): k for k, v in _TYPES.items()}


class IDXFormatError(ValueError):
    """A file that is not a well-formed IDX file (bad magic number, truncated, trailing bytes).

    Example:
        >>> from autograd.data import IDXFormatError
        >>> issubclass(IDXFormatError, ValueError)
        True
    """


def _read_bytes(path) -> bytes:
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(raw)
        except (EOFError, OSError, zlib.error) as e:
            raise IDXFormatError(f"read_idx: {os.fspath(path)!r} is a truncated or corrupted gzip file ({e})") from None
    return raw


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file (``*-idx3-ubyte`` images, ``*-idx1-ubyte`` labels; ``.gz`` or raw) into a NumPy array.

    Raises ``IDXFormatError`` (a ``ValueError``) naming the file for a bad magic number, an unknown
    type code, a truncated file or trailing bytes; ``FileNotFoundError`` when the file is missing.

    Example:
        >>> import os, tempfile, numpy as np
        >>> from autograd.data import read_idx, write_idx
        >>> path = os.path.join(tempfile.mkdtemp(), "labels-idx1-ubyte")
        >>> write_idx(path, np.array([5, 0, 4], dtype=np.uint8))
        >>> read_idx(path)
        array([5, 0, 4], dtype=uint8)
    """
    name = os.fspath(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise IDXFormatError(f"read_idx: {name!r} is truncated: {len(raw)} bytes, an IDX header needs at least 4")
    zero, code, ndim = struct.unpack(">HBB", raw[:4])
    if zero != 0 or code not in _TYPES:
        raise IDXFormatError(
            f"read_idx: {name!r} is not an IDX file: bad magic number 0x{raw[:4].hex()} "
            f"(expected 0x0000 then a type code in {{{', '.join(f'0x{c:02X}' for c in _TYPES)}}} and the number of dimensions)"
        )
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IDXFormatError(f"read_idx: {name!r} is truncated inside its header ({len(raw)} bytes, header needs {header})")
    shape = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = np.dtype(_TYPES[code])
    expected = header + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(raw) < expected:
        raise IDXFormatError(
            f"read_idx: {name!r} is truncated: shape {shape} of {dtype.newbyteorder('=')} needs {expected} bytes, "
            f"the file has {len(raw)}"
        )
    if len(raw) > expected:
        raise IDXFormatError(f"read_idx: {name!r} has {len(raw) - expected} unexpected bytes after the data of shape {shape}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(shape).astype(dtype.newbyteorder("="))


def write_idx(path: str | os.PathLike, array) -> None:
    """Write ``array`` as an IDX file (gzip-compressed when ``path`` ends in ``.gz``).

    Example:
        >>> import os, tempfile, numpy as np
        >>> from autograd.data import read_idx, write_idx
        >>> path = os.path.join(tempfile.mkdtemp(), "x-idx2-float")
        >>> write_idx(path, np.eye(2, dtype=np.float32)); read_idx(path).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    arr = np.asarray(getattr(array, "data", array))
    code = _CODES.get(arr.dtype.newbyteorder("="))
    if code is None:
        raise TypeError(f"write_idx: dtype {arr.dtype} has no IDX type code (use uint8, int8, int16, int32, float32 or float64)")
    if arr.ndim > 255:
        raise ValueError(f"write_idx: at most 255 dimensions, got {arr.ndim}")
    blob = struct.pack(f">HBB{arr.ndim}I", 0, code, arr.ndim, *arr.shape) + arr.astype(_TYPES[code]).tobytes()
    if os.fspath(path).endswith(".gz"):
        blob = gzip.compress(blob, mtime=0)
    with open(path, "wb") as f:
        f.write(blob)
