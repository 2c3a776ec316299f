"""Weight initialisation, as ``torch.nn.init``: each function fills a tensor in place and returns it.

Random fills draw from autograd's default generator (or ``generator=``), so
``autograd.manual_seed`` makes them reproducible. Gradients are never recorded.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> w = ag.empty(256, 128)
    >>> _ = nn.init.kaiming_uniform_(w, nonlinearity="relu")
    >>> bound = (6 / 128) ** 0.5
    >>> bool((w.abs() <= bound).all())
    True
"""

from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from autograd.kernels.special import erfinv
from autograd.random import Generator, rng
from autograd.tensor import Tensor

__all__ = [
    "calculate_gain",
    "uniform_",
    "normal_",
    "trunc_normal_",
    "constant_",
    "ones_",
    "zeros_",
    "eye_",
    "dirac_",
    "xavier_uniform_",
    "xavier_normal_",
    "kaiming_uniform_",
    "kaiming_normal_",
    "orthogonal_",
]

_LINEAR_FNS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d")


def _fill(tensor: Tensor, values, fn: str) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init.{fn}: expected a Tensor, got {type(tensor).__name__}")
    tensor.data[...] = values
    tensor._version += 1
    return tensor


def _random(tensor: Tensor, fn: str, draw) -> Tensor:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init.{fn}: expected a Tensor, got {type(tensor).__name__}")
    return _fill(tensor, draw(tensor.data.shape), fn)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table).

    ``linear``/``conv*``/``sigmoid``: 1; ``tanh``: 5/3; ``relu``: sqrt(2);
    ``leaky_relu``: sqrt(2 / (1 + slope**2)) (slope ``param``, default 0.01); ``selu``: 3/4.

    Example:
        >>> import nn
        >>> round(nn.init.calculate_gain("leaky_relu", 0.2), 4)
        1.3868
    """
    if nonlinearity in _LINEAR_FNS or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif not isinstance(param, bool) and isinstance(param, numbers.Real):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor: Tensor) -> tuple[int, int]:
    shape = tensor.data.shape
    if len(shape) < 2:
        raise ValueError(
            f"Fan in and fan out can not be computed for tensor with fewer than 2 dimensions (got shape {tuple(shape)})"
        )
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _calculate_correct_fan(tensor: Tensor, mode: str) -> int:
    mode = mode.lower()
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"Mode {mode} not supported, please use one of fan_in, fan_out")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with values drawn from U(a, b).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.init.uniform_(ag.empty(100), -1, 1)
        >>> bool((w.abs() <= 1).all())
        True
    """
    if not a <= b:
        raise ValueError(f"nn.init.uniform_: expected a <= b, got a={a}, b={b}")
    return _random(tensor, "uniform_", lambda s: rng(generator).uniform(a, b, s))


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Fill with values drawn from N(mean, std**2).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.init.normal_(ag.empty(10000), 3.0, 0.5)
        >>> abs(float(w.mean()) - 3.0) < 0.05
        True
    """
    if std < 0:
        raise ValueError(f"nn.init.normal_: std must be non-negative, got {std}")
    return _random(tensor, "normal_", lambda s: rng(generator).normal(mean, std, s))


def trunc_normal_(
    tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0, b: float = 2.0, generator: Generator | None = None
) -> Tensor:
    """Fill with N(mean, std**2) values truncated to [a, b] (inverse-CDF sampling, as PyTorch).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.init.trunc_normal_(ag.empty(1000), std=1.0, a=-0.5, b=0.5)
        >>> bool((w.abs() <= 0.5).all())
        True
    """
    if not a < b:
        raise ValueError(f"nn.init.trunc_normal_: expected a < b, got a={a}, b={b}")

    def cdf(x: float) -> float:
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    lo, hi = cdf((a - mean) / std), cdf((b - mean) / std)

    def draw(shape):
        u = rng(generator).uniform(2 * lo - 1, 2 * hi - 1, shape)
        return np.clip(erfinv(u) * std * math.sqrt(2.0) + mean, a, b)

    return _random(tensor, "trunc_normal_", draw)


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with ``val``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.init.constant_(ag.empty(3), 0.5)
        tensor([0.5000, 0.5000, 0.5000])
    """
    return _fill(tensor, val, "constant_")


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.init.ones_(ag.empty(2))
        tensor([1., 1.])
    """
    return _fill(tensor, 1, "ones_")


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.init.zeros_(ag.empty(2))
        tensor([0., 0.])
    """
    return _fill(tensor, 0, "zeros_")


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-d tensor with the identity matrix.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.init.eye_(ag.empty(2, 3))
        tensor([[1., 0., 0.],
                [0., 1., 0.]])
    """
    if not isinstance(tensor, Tensor) or tensor.ndim != 2:
        raise ValueError(f"nn.init.eye_: only tensors with 2 dimensions are supported, got shape {tuple(np.shape(tensor))}")
    return _fill(tensor, np.eye(*tensor.data.shape), "eye_")


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """Fill a 3-, 4- or 5-d convolution weight with the Dirac delta (identity convolution).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.init.dirac_(ag.empty(2, 2, 3, 3))
        >>> w[0, 0].tolist()
        [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]
    """
    shape = tensor.data.shape
    if len(shape) not in (3, 4, 5):
        raise ValueError(f"nn.init.dirac_: only tensors with 3, 4, or 5 dimensions are supported, got shape {tuple(shape)}")
    if shape[0] % groups != 0:
        raise ValueError(f"nn.init.dirac_: dim 0 ({shape[0]}) must be divisible by groups ({groups})")
    out_per_group = shape[0] // groups
    vals = np.zeros(shape)
    centre = tuple(s // 2 for s in shape[2:])
    for g in range(groups):
        for d in range(min(out_per_group, shape[1])):
            vals[(g * out_per_group + d, d) + centre] = 1
    return _fill(tensor, vals, "dirac_")


def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot uniform: U(-a, a) with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.init.xavier_uniform_(ag.empty(30, 20))
        >>> bool((w.abs() <= (6 / 50) ** 0.5).all())
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = math.sqrt(3.0) * gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return _random(tensor, "xavier_uniform_", lambda s: rng(generator).uniform(-a, a, s))


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator: Generator | None = None) -> Tensor:
    """Glorot normal: N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.init.xavier_normal_(ag.empty(300, 200))
        >>> abs(float(w.std()) - (2 / 500) ** 0.5) < 0.002
        True
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return _random(tensor, "xavier_normal_", lambda s: rng(generator).normal(0.0, std, s))


def _kaiming_std(tensor: Tensor, a: float, mode: str, nonlinearity: str, fn: str) -> float | None:
    if not isinstance(tensor, Tensor):
        raise TypeError(f"nn.init.{fn}: expected a Tensor, got {type(tensor).__name__}")
    if 0 in tensor.data.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=3)
        return None
    fan = _calculate_correct_fan(tensor, mode)
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator: Generator | None = None
) -> Tensor:
    """He uniform: U(-b, b) with ``b = gain * sqrt(3 / fan)`` (``fan`` from ``mode``, gain from ``nonlinearity`` and ``a``).

    ``nn.Linear`` and ``nn.Conv2d`` use ``kaiming_uniform_(w, a=sqrt(5))``, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.init.kaiming_uniform_(ag.empty(4, 9), a=5 ** 0.5)
        >>> bool((w.abs() <= 1 / 3).all())
        True
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_uniform_")
    if std is None:
        return tensor
    bound = math.sqrt(3.0) * std
    return _random(tensor, "kaiming_uniform_", lambda s: rng(generator).uniform(-bound, bound, s))


def kaiming_normal_(
    tensor: Tensor, a: float = 0, mode: str = "fan_in", nonlinearity: str = "leaky_relu", generator: Generator | None = None
) -> Tensor:
    """He normal: N(0, std**2) with ``std = gain / sqrt(fan)``.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.init.kaiming_normal_(ag.empty(500, 200), mode="fan_out", nonlinearity="relu")
        >>> abs(float(w.std()) - (2 / 500) ** 0.5) < 0.002
        True
    """
    std = _kaiming_std(tensor, a, mode, nonlinearity, "kaiming_normal_")
    if std is None:
        return tensor
    return _random(tensor, "kaiming_normal_", lambda s: rng(generator).normal(0.0, std, s))


def orthogonal_(tensor: Tensor, gain: float = 1, generator: Generator | None = None) -> Tensor:
    """Fill with a (semi-)orthogonal matrix (QR of a Gaussian matrix), times ``gain``; trailing dims are flattened.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> w = nn.init.orthogonal_(ag.empty(3, 5, dtype=ag.float64))
        >>> bool(ag.allclose(w @ w.T, ag.eye(3, dtype=ag.float64)))
        True
    """
    if not isinstance(tensor, Tensor) or tensor.ndim < 2:
        shape = tuple(np.shape(tensor))
        raise ValueError(f"nn.init.orthogonal_: only tensors with 2 or more dimensions are supported, got {shape}")
    if tensor.numel() == 0:
        return tensor
    rows = tensor.data.shape[0]
    cols = tensor.numel() // rows
    flat = rng(generator).standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return _fill(tensor, (gain * q).reshape(tensor.data.shape), "orthogonal_")
