"""``save`` and ``load``: checkpoints in a format that never runs code when read (no pickle).

A file is a zip archive (readable with ``unzip -l``): its first member ``numbagrad.format``
holds the magic line and format version, ``manifest.json`` describes the saved object's
structure (dicts with str/int keys, lists, tuples, numbers, strings, bools, None, tensors,
arrays), and each tensor's or array's values are one ``arrays/<i>.npy`` member written with
``allow_pickle=False``. Loading parses JSON and ``.npy`` headers only, and every member is
CRC-checked, so a truncated, corrupted or foreign file raises ``SerializationError``.

Saving to a path is atomic: the archive is written to a temporary file in the same folder,
flushed to disk, then renamed over the target, so a crash mid-save leaves the previous file as
it was.

Example:
    >>> import os, tempfile
    >>> import autograd as ag
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.ngd")
    >>> ag.save({"epoch": 3, "weights": {"w": ag.ones(2, 2)}, "losses": [0.5, 0.25]}, path)
    >>> ckpt = ag.load(path)
    >>> ckpt["epoch"], ckpt["weights"]["w"].shape, ckpt["losses"]
    (3, Size([2, 2]), [0.5, 0.25])
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import math
import os
import zipfile
from collections import OrderedDict
from typing import Any

import numpy as np

from .atomic_file import atomic_write
from .tensor import Tensor, _wrap

FORMAT_VERSION = 1
MAGIC_MEMBER = "numbagrad.format"
MAGIC = b"numbagrad-save"
MANIFEST = "manifest.json"
_DATE = (1980, 1, 1, 0, 0, 0)  # fixed timestamps: saving the same object twice gives the same bytes

__all__ = ["SerializationError", "load", "save"]


class SerializationError(RuntimeError):
    """A file that ``load`` cannot read: not a numbagrad file, truncated, corrupted or from a newer version.

    Example:
        >>> import io
        >>> import autograd as ag
        >>> try:
        ...     ag.load(io.BytesIO(b"hello"))
        ... except ag.SerializationError as e:
        ...     print("not a numbagrad file" in str(e))
        True
    """


# ---- encoding: object -> JSON-able tree + list of arrays ------------------------------------------


class _Encoder:
    def __init__(self) -> None:
        self.arrays: list[np.ndarray] = []
        self.tensor_ids: dict[int, int] = {}
        self.active: set[int] = set()

    def add(self, arr: np.ndarray, where: str) -> int:
        if arr.dtype.kind not in "biufc":
            raise TypeError(f"save: cannot store an array of dtype {arr.dtype} at {where} (numbers and bools only)")
        self.arrays.append(arr)
        return len(self.arrays) - 1

    def key(self, k, where: str):
        if isinstance(k, bool | int | str) or k is None:
            return k
        if isinstance(k, float) and math.isfinite(k):
            return k
        raise TypeError(f"save: dict key {k!r} of type {type(k).__name__} at {where} is not supported (use str or int keys)")

    def encode(self, obj: Any, where: str):
        if obj is None or isinstance(obj, bool | int | str):
            return obj
        if isinstance(obj, float):
            return obj if math.isfinite(obj) else {"$": "float", "v": repr(obj)}
        if isinstance(obj, Tensor):
            idx = self.tensor_ids.get(id(obj))
            if idx is None:
                idx = self.tensor_ids[id(obj)] = self.add(obj.data, where)
            return {"$": "tensor", "a": idx, "rg": bool(obj.requires_grad)}
        if isinstance(obj, np.ndarray):
            return {"$": "ndarray", "a": self.add(obj, where)}
        if isinstance(obj, np.generic):
            return {"$": "npscalar", "a": self.add(np.asarray(obj), where)}
        if isinstance(obj, np.dtype):
            if obj.kind not in "biufc":
                raise TypeError(f"save: dtype {obj} at {where} is not supported")
            return {"$": "dtype", "v": obj.str}
        if isinstance(obj, bytes):
            return {"$": "bytes", "v": base64.b64encode(obj).decode("ascii")}
        if isinstance(obj, dict | list | tuple):
            if id(obj) in self.active:
                raise ValueError(f"save: the object contains a reference cycle at {where}")
            self.active.add(id(obj))
            try:
                if isinstance(obj, dict):
                    keys = [self.key(k, where) for k in obj]
                    vals = [self.encode(v, f"{where}[{k!r}]") for k, v in obj.items()]
                    return {"$": "odict" if isinstance(obj, OrderedDict) else "dict", "k": keys, "v": vals}
                items = [self.encode(v, f"{where}[{i}]") for i, v in enumerate(obj)]
                return {"$": "list" if isinstance(obj, list) else "tuple", "v": items}
            finally:
                self.active.discard(id(obj))
        raise TypeError(
            f"save: cannot store an object of type {type(obj).__name__} at {where}; supported: dict, list, tuple, "
            "Tensor, numpy array/scalar/dtype, int, float, bool, str, bytes, None (save a state_dict(), not a module)"
        )


def _write_archive(fh, manifest: dict, arrays: list[np.ndarray]) -> None:
    with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as zf:
        zf.writestr(zipfile.ZipInfo(MAGIC_MEMBER, _DATE), MAGIC + f" {FORMAT_VERSION}\n".encode())
        zf.writestr(zipfile.ZipInfo(MANIFEST, _DATE), json.dumps(manifest, separators=(",", ":")).encode("utf-8"))
        for i, arr in enumerate(arrays):
            with zf.open(zipfile.ZipInfo(f"arrays/{i}.npy", _DATE), "w", force_zip64=arr.nbytes > 2**30) as f:
                np.lib.format.write_array(f, arr, allow_pickle=False)


def _atomic_write(path: str, manifest: dict, arrays: list[np.ndarray]) -> None:
    atomic_write(path, lambda fh: _write_archive(fh, manifest, arrays), op="save")


def save(obj: Any, f, **kwargs) -> None:
    """Save ``obj`` (nested dicts/lists/tuples of Tensors, arrays, numbers, strings, None) to a path or binary file.

    Writing to a path is atomic: a crash mid-save never leaves a half-written file in place of
    the previous one. An unsupported object raises ``TypeError`` naming where it sits, before
    anything is written. Tensors keep their dtype and ``requires_grad`` (not ``.grad``); the same
    Tensor saved twice comes back as one Tensor. ``kwargs`` (PyTorch's ``pickle_module`` etc.) are
    accepted and ignored.

    Example:
        >>> import io
        >>> import autograd as ag
        >>> buf = io.BytesIO()
        >>> ag.save({"state": {0: {"step": ag.tensor(3.0)}}, "param_groups": [{"lr": 0.1, "params": [0]}]}, buf)
        >>> _ = buf.seek(0); sd = ag.load(buf)
        >>> sd["state"][0]["step"], sd["param_groups"]
        (tensor(3.), [{'lr': 0.1, 'params': [0]}])
    """
    enc = _Encoder()
    root = enc.encode(obj, "obj")
    manifest = {"format": "numbagrad", "version": FORMAT_VERSION, "arrays": len(enc.arrays), "root": root}
    if hasattr(f, "write"):
        buf = io.BytesIO()
        _write_archive(buf, manifest, enc.arrays)
        f.write(buf.getvalue())
        return
    if not isinstance(f, str | os.PathLike):
        raise TypeError(f"save: f must be a path or a binary file object, got {type(f).__name__}")
    _atomic_write(os.fspath(f), manifest, enc.arrays)


# ---- decoding ---------------------------------------------------------------------------------------


class _Corrupt(Exception):
    """Internal: the manifest does not describe a valid object."""


class _Decoder:
    def __init__(self, zf: zipfile.ZipFile, n_arrays: int) -> None:
        self.zf, self.n = zf, n_arrays
        self.tensors: dict[int, Tensor] = {}

    def array(self, idx) -> np.ndarray:
        if not isinstance(idx, int) or isinstance(idx, bool) or not 0 <= idx < self.n:
            raise _Corrupt(f"array reference {idx!r} out of range (the file lists {self.n} arrays)")
        name = f"arrays/{idx}.npy"
        try:
            with self.zf.open(name) as f:
                arr = np.lib.format.read_array(f, allow_pickle=False)
                if f.read(1):
                    raise _Corrupt(f"member {name} has bytes after its array data")
        except KeyError:
            raise _Corrupt(f"member {name} is missing") from None
        except zipfile.BadZipFile:
            raise
        except Exception as e:  # numpy parses the .npy header itself: any failure there means a damaged member
            raise _Corrupt(f"member {name} is not a plain numeric array ({type(e).__name__}: {e})") from None
        if arr.dtype.kind not in "biufc":
            raise _Corrupt(f"member {name} has dtype {arr.dtype}, which numbagrad never writes")
        return arr if arr.flags.writeable else arr.copy()

    def decode(self, node):
        if node is None or isinstance(node, bool | int | float | str):
            return node
        if isinstance(node, list) or not isinstance(node, dict) or "$" not in node:
            raise _Corrupt(f"unexpected manifest node {str(node)[:80]!r}")
        kind = node["$"]
        if kind in ("dict", "odict"):
            keys, vals = node["k"], node["v"]
            if not isinstance(keys, list) or not isinstance(vals, list) or len(keys) != len(vals):
                raise _Corrupt("a dict node's keys and values do not match")
            if any(isinstance(k, dict | list) for k in keys):
                raise _Corrupt("a dict key is not a scalar")
            out = {k: self.decode(v) for k, v in zip(keys, vals)}
            return OrderedDict(out) if kind == "odict" else out
        if kind in ("list", "tuple"):
            if not isinstance(node["v"], list):
                raise _Corrupt(f"a {kind} node has no item list")
            items = [self.decode(v) for v in node["v"]]
            return items if kind == "list" else tuple(items)
        if kind == "tensor":
            a = node["a"]
            if a not in self.tensors:
                arr = self.array(a)
                t = _wrap(arr, None, False)
                if node.get("rg") is True:
                    if arr.dtype.kind not in "fc":
                        raise _Corrupt(f"tensor {a} requires grad but has dtype {arr.dtype}")
                    t.requires_grad = True
                self.tensors[a] = t
            return self.tensors[a]
        if kind == "ndarray":
            return self.array(node["a"])
        if kind == "npscalar":
            arr = self.array(node["a"])
            if arr.ndim != 0:
                raise _Corrupt("a numpy scalar node points to an array that is not 0-d")
            return arr[()]
        if kind == "float":
            if node["v"] not in ("nan", "inf", "-inf"):
                raise _Corrupt(f"bad special float {node['v']!r}")
            return float(node["v"])
        if kind == "dtype":
            dt = np.dtype(str(node["v"]))
            if dt.kind not in "biufc":
                raise _Corrupt(f"dtype {dt} is not a numeric dtype")
            return dt
        if kind == "bytes":
            return base64.b64decode(node["v"], validate=True)
        raise _Corrupt(f"unknown manifest node type {kind!r}")


def _check_header(head: bytes, name: str) -> None:
    if not head:
        raise SerializationError(f"load: {name} is empty (0 bytes): not a numbagrad file, or a save that never completed")
    if head[:4] != b"PK\x03\x04":
        hint = ""
        if head[:1] == b"\x80" or head[:2] in (b"(d", b"(l", b"}q", b"]q"):
            hint = " (it looks like a pickle, e.g. a legacy torch.save file; numbagrad never unpickles)"
        elif head[:6] == b"\x93NUMPY":
            hint = " (it is a single .npy array: use numpy.load)"
        raise SerializationError(f"load: {name} is not a numbagrad file: unknown header {head[:8]!r}{hint}")
    if len(head) < 30 + len(MAGIC_MEMBER):
        raise SerializationError(f"load: {name} is truncated: only {len(head)} bytes")
    if head[30 : 30 + len(MAGIC_MEMBER)] != MAGIC_MEMBER.encode():
        hint = " (a PyTorch torch.save archive? numbagrad never unpickles)" if b"data.pkl" in head or b"/data/" in head else ""
        raise SerializationError(f"load: {name} is a zip archive but not a numbagrad file{hint}")


def _load_from(fh, name: str):
    head = fh.read(64)
    fh.seek(0)
    _check_header(head, name)
    with zipfile.ZipFile(fh) as zf:
        magic = zf.read(MAGIC_MEMBER)
        parts = magic.split()
        if len(parts) != 2 or parts[0] != MAGIC or not parts[1].isdigit():
            raise _Corrupt(f"bad format line {magic[:40]!r}")
        version = int(parts[1])
        if version > FORMAT_VERSION:
            raise SerializationError(
                f"load: {name} was written in numbagrad save format {version}; this version reads up to {FORMAT_VERSION}: "
                "upgrade numbagrad"
            )
        manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
        if not isinstance(manifest, dict) or manifest.get("format") != "numbagrad" or "root" not in manifest:
            raise _Corrupt("the manifest does not describe a numbagrad object")
        n = manifest.get("arrays")
        if not isinstance(n, int) or n < 0:
            raise _Corrupt("the manifest has no valid array count")
        return _Decoder(zf, n).decode(manifest["root"])


def load(f, map_location=None, weights_only: bool | None = None, mmap: bool | None = None, **kwargs) -> Any:
    """Load an object written by ``save`` from a path or binary file; saved Tensors come back as Tensors.

    Never executes code from the file: there is no pickle inside, so ``weights_only`` and
    ``map_location`` (kept for PyTorch code) change nothing. A file that is not a numbagrad
    file, is truncated or corrupted raises ``SerializationError`` (a ``RuntimeError``) naming the
    file and the problem; a missing file raises ``FileNotFoundError``.

    Example:
        >>> import io
        >>> import autograd as ag
        >>> buf = io.BytesIO(); ag.save([ag.tensor([1, 2]), None, "x", (1.5, True)], buf)
        >>> ag.load(io.BytesIO(buf.getvalue()))
        [tensor([1, 2]), None, 'x', (1.5, True)]
    """
    if hasattr(f, "read"):
        name = repr(getattr(f, "name", None) or f"<{type(f).__name__}>")
        fh = f if (hasattr(f, "seek") and getattr(f, "seekable", lambda: True)()) else io.BytesIO(f.read())
        ctx = contextlib.nullcontext(fh)
    elif isinstance(f, str | os.PathLike):
        name = repr(os.fspath(f))
        if os.path.isdir(f):
            raise IsADirectoryError(f"load: {name} is a directory")
        ctx = open(f, "rb")  # FileNotFoundError / PermissionError propagate as they are
    else:
        raise TypeError(f"load: f must be a path or a binary file object, got {type(f).__name__}")
    with ctx as fh:
        try:
            return _load_from(fh, name)
        except SerializationError:
            raise
        except _Corrupt as e:
            raise SerializationError(f"load: {name} is corrupted: {e}") from None
        except zipfile.BadZipFile as e:
            what = "its zip directory at the end is missing or damaged" if "not a zip file" in str(e) else str(e)
            raise SerializationError(f"load: {name} is truncated or corrupted: {what}") from None
        except Exception as e:  # anything else a damaged archive can raise (EOFError, zlib.error, KeyError, ...)
            raise SerializationError(f"load: {name} is truncated or corrupted ({type(e).__name__}: {e})") from None
