"""``Conv2d``: 2-d convolution layer (im2col + BLAS), PyTorch's arguments and initialisation.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> conv = nn.Conv2d(1, 6, 5, padding=2)
    >>> conv, conv.weight.shape
    (Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2)), Size([6, 1, 5, 5]))
    >>> conv(ag.randn(8, 1, 28, 28)).shape
    Size([8, 6, 28, 28])
"""

from __future__ import annotations

import math

from autograd import creation as _c
from autograd.tensor import Tensor

from .. import init
from ..functional.conv import conv2d, pair
from ..functional.padding import pad
from ..parameter import Parameter
from .module import Module

__all__ = ["Conv2d"]

_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class Conv2d(Module):
    """Convolution of ``(N, in_channels, H, W)`` inputs with ``weight (out_channels, in_channels/groups, kh, kw)``.

    ``padding``: an int, a pair, ``'valid'`` or ``'same'``; ``padding_mode``: ``zeros``, ``reflect``,
    ``replicate`` or ``circular``. Initialised as PyTorch (``kaiming_uniform_(a=sqrt(5))``, bias
    ``U(-1/sqrt(fan_in), 1/sqrt(fan_in))``).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=2, bias=False)(ag.randn(1, 4, 9, 9)).shape
        Size([1, 8, 5, 5])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        for v, nm in ((in_channels, "in_channels"), (out_channels, "out_channels"), (groups, "groups")):
            if isinstance(v, bool) or not isinstance(v, int) or v <= 0:
                raise ValueError(f"Conv2d: {nm} must be a positive int, got {v!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(
                f"Conv2d: in_channels ({in_channels}) and out_channels ({out_channels}) must be divisible by groups ({groups})"
            )
        if padding_mode not in _PADDING_MODES:
            raise ValueError(f"Conv2d: padding_mode must be one of {_PADDING_MODES}, got {padding_mode!r}")
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size = pair(kernel_size, "kernel_size", "Conv2d")
        self.stride = pair(stride, "stride", "Conv2d")
        self.dilation = pair(dilation, "dilation", "Conv2d")
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"Conv2d: invalid padding string {padding!r}, should be one of 'valid', 'same'")
            if padding == "same" and self.stride != (1, 1):
                raise ValueError("Conv2d: padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = pair(padding, "padding", "Conv2d")
        self.padding_mode = padding_mode
        self.output_padding, self.transposed = (0, 0), False
        self._reversed_padding_repeated_twice = self._explicit_pads()
        kh, kw = self.kernel_size
        self.weight = Parameter(_c.empty(out_channels, in_channels // groups, kh, kw, dtype=dtype))
        if bias:
            self.bias = Parameter(_c.empty(out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _explicit_pads(self) -> tuple:
        """(left, right, top, bottom) amounts, for padding modes other than zeros."""
        if self.padding == "valid":
            return (0, 0, 0, 0)
        if self.padding == "same":
            res = []
            for d, k in zip(reversed(self.dilation), reversed(self.kernel_size)):
                total = d * (k - 1)
                res += [total // 2, total - total // 2]
            return tuple(res)
        ph, pw = self.padding
        return (pw, pw, ph, ph)

    def reset_parameters(self) -> None:
        """Draw fresh initial weights (PyTorch's default scheme)."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * self.kernel_size[0] * self.kernel_size[1]
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        p = self._parameters
        try:
            if self.padding_mode != "zeros":
                padded = pad(input, self._reversed_padding_repeated_twice, mode=self.padding_mode)
                return conv2d(padded, p["weight"], p["bias"], self.stride, 0, self.dilation, self.groups)
            return conv2d(input, p["weight"], p["bias"], self.stride, self.padding, self.dilation, self.groups)
        except (RuntimeError, TypeError, ValueError) as e:
            raise type(e)(f"{self._error_name()}: {e}") from None

    def extra_repr(self) -> str:
        s = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, stride={self.stride}"
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s
