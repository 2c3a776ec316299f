"""``default_collate``: merge a list of samples into a batch, as ``torch.utils.data.default_collate``.

Tensors and NumPy arrays are stacked along a new first dimension, Python ints become an int64
tensor, floats a float64 tensor, bools a bool tensor, strings stay a list; tuples, lists, dicts and
namedtuples are collated field by field (tuples come back as lists, as in PyTorch).

Example:
    >>> import autograd as ag
    >>> from autograd.data import default_collate
    >>> x, y = default_collate([(ag.zeros(3), 1), (ag.ones(3), 2)])
    >>> x.shape, y
    (Size([2, 3]), tensor([1, 2]))
    >>> default_collate([{"a": 1.5}, {"a": 2.5}])
    {'a': tensor([1.5000, 2.5000], dtype=float64)}
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from ..tensor import Tensor, _wrap

_SUPPORTED = "default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists"


def _at(where: str) -> str:
    return f" at {where} of each sample" if where else ""


def _check_shapes(shapes: list, where: str, kind: str) -> None:
    for j, s in enumerate(shapes):
        if s != shapes[0]:
            raise RuntimeError(
                f"default_collate: sample {j} has {kind} shape {tuple(s)} but sample 0 has shape {tuple(shapes[0])}{_at(where)}; "
                "all samples in a batch must have the same shape (resize or pad them, or pass a collate_fn)"
            )


def _check_all(batch: list, cls, where: str) -> None:
    for j, b in enumerate(batch):
        if not isinstance(b, cls):
            raise TypeError(
                f"default_collate: sample {j} is a {type(b).__name__} but sample 0 is a {type(batch[0]).__name__}{_at(where)}"
            )


def _collate(batch: Sequence, where: str):
    elem = batch[0]
    if isinstance(elem, Tensor):
        _check_all(batch, Tensor, where)
        _check_shapes([t.shape for t in batch], where, "tensor")
        if any(t.requires_grad for t in batch):
            from ..ops.shape import stack

            return stack(batch)
        return _wrap(np.stack([t.data for t in batch]), None, False)
    if isinstance(elem, np.ndarray | np.generic) and not isinstance(elem, np.str_ | np.bytes_):
        _check_all(batch, np.ndarray | np.generic, where)
        if elem.dtype.kind in "OUSVM":
            raise TypeError(f"{_SUPPORTED}; found numpy dtype {elem.dtype}{_at(where)}")
        _check_shapes([np.shape(b) for b in batch], where, "array")
        return _wrap(np.stack([np.asarray(b) for b in batch]), None, False)
    if isinstance(elem, bool | int | float):
        for j, b in enumerate(batch):
            if not isinstance(b, bool | int | float):
                raise TypeError(f"default_collate: sample {j} is a {type(b).__name__} but sample 0 is a number{_at(where)}")
        if all(isinstance(b, bool) for b in batch):
            return _wrap(np.array(batch, dtype=np.bool_), None, False)
        dtype = np.float64 if any(isinstance(b, float) for b in batch) else np.int64
        return _wrap(np.array(batch, dtype=dtype), None, False)
    if isinstance(elem, str | bytes):
        return batch
    if isinstance(elem, Mapping):
        _check_all(batch, Mapping, where)
        for j, d in enumerate(batch):
            if d.keys() != elem.keys():
                raise RuntimeError(
                    f"default_collate: sample {j} has keys {sorted(map(str, d.keys()))} but sample 0 has keys "
                    f"{sorted(map(str, elem.keys()))}{_at(where)}"
                )
        out = {k: _collate([d[k] for d in batch], f"{where}[{k!r}]") for k in elem}
        try:
            return type(elem)(out)
        except TypeError:
            return out
    if isinstance(elem, Sequence):
        _check_all(batch, Sequence, where)
        for j, s in enumerate(batch):
            if len(s) != len(elem):
                raise RuntimeError(
                    f"default_collate: each element in list of batch should be of equal size: sample {j} has {len(s)} "
                    f"elements but sample 0 has {len(elem)}{_at(where)}"
                )
        fields = [_collate(samples, f"{where}[{i}]") for i, samples in enumerate(zip(*batch))]
        if isinstance(elem, tuple) and hasattr(elem, "_fields"):  # namedtuple
            return type(elem)(*fields)
        return fields
    raise TypeError(f"{_SUPPORTED}; found {type(elem)}{_at(where)}")


def default_collate(batch: list):
    """Merge a list of samples into a batch (see the module docstring for the rules).

    Samples of different shapes raise a ``RuntimeError`` naming both shapes and the sample index.

    Example:
        >>> import numpy as np
        >>> from autograd.data import default_collate
        >>> default_collate([np.zeros(2), np.ones(2)]).tolist()
        [[0.0, 0.0], [1.0, 1.0]]
    """
    if isinstance(batch, Tensor | np.ndarray):
        batch = list(batch)
    if not isinstance(batch, Sequence) or isinstance(batch, str | bytes):
        raise TypeError(f"default_collate: expected a list of samples, got {type(batch).__name__}")
    if len(batch) == 0:
        raise ValueError("default_collate: cannot collate an empty batch")
    return _collate(batch, "")


def default_convert(data):
    """Turn NumPy arrays (also inside dicts, lists, tuples) into Tensors, leaving everything else as is.

    The ``DataLoader`` applies it to samples when ``batch_size=None`` (no batching).

    Example:
        >>> import numpy as np
        >>> from autograd.data import default_convert
        >>> default_convert({"x": np.arange(2), "name": "a"})
        {'x': tensor([0, 1]), 'name': 'a'}
    """
    if isinstance(data, np.ndarray | np.generic) and not isinstance(data, np.str_ | np.bytes_):
        if data.dtype.kind in "OUSVM":
            return data
        return _wrap(np.asarray(data), None, False)
    if isinstance(data, Mapping):
        out = {k: default_convert(v) for k, v in data.items()}
        try:
            return type(data)(out)
        except TypeError:
            return out
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return type(data)(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, list):
        return [default_convert(d) for d in data]
    return data
