"""``MaxPool2d`` and ``AvgPool2d`` (and ``AdaptiveAvgPool2d`` for output size 1 or divisible sizes).

Example:
    >>> import autograd as ag
    >>> import nn
    >>> nn.MaxPool2d(2)(ag.randn(8, 6, 28, 28)).shape
    Size([8, 6, 14, 14])
"""

from __future__ import annotations

from autograd.tensor import Tensor

from ..functional.pooling import avg_pool2d, max_pool2d
from .module import Module

__all__ = ["MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d"]


class MaxPool2d(Module):
    """Max over ``kernel_size`` windows (``stride`` defaults to ``kernel_size``).

    Example:
        >>> import nn
        >>> nn.MaxPool2d(3, stride=2, padding=1)
        MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)
    """

    def __init__(
        self, kernel_size, stride=None, padding=0, dilation=1, return_indices: bool = False, ceil_mode: bool = False
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.dilation = padding, dilation
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, input: Tensor):
        try:
            return max_pool2d(
                input, self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode, self.return_indices
            )
        except (RuntimeError, TypeError, ValueError) as e:
            raise type(e)(f"{self._error_name()}: {e}") from None

    def extra_repr(self) -> str:
        return (
            f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}, "
            f"dilation={self.dilation}, ceil_mode={self.ceil_mode}"
        )


class AvgPool2d(Module):
    """Mean over ``kernel_size`` windows (``stride`` defaults to ``kernel_size``).

    Example:
        >>> import nn
        >>> nn.AvgPool2d(2)
        AvgPool2d(kernel_size=2, stride=2, padding=0)
    """

    def __init__(
        self, kernel_size, stride=None, padding=0, ceil_mode: bool = False, count_include_pad: bool = True, divisor_override=None
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if stride is not None else kernel_size
        self.padding, self.ceil_mode = padding, ceil_mode
        self.count_include_pad, self.divisor_override = count_include_pad, divisor_override

    def forward(self, input: Tensor) -> Tensor:
        try:
            return avg_pool2d(
                input, self.kernel_size, self.stride, self.padding, self.ceil_mode, self.count_include_pad, self.divisor_override
            )
        except (RuntimeError, TypeError, ValueError) as e:
            raise type(e)(f"{self._error_name()}: {e}") from None

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool2d(Module):
    """Average-pool to a fixed ``output_size``; here the input size must be a multiple of it
    (``output_size=1`` is global average pooling, the common case).

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> nn.AdaptiveAvgPool2d(1)(ag.ones(2, 3, 7, 7)).shape
        Size([2, 3, 1, 1])
    """

    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        if not isinstance(input, Tensor) or input.ndim not in (3, 4):
            raise ValueError(f"{self._error_name()}: expected a 3-d or 4-d Tensor input")
        H, W = input.shape[-2:]
        oh, ow = (self.output_size, self.output_size) if isinstance(self.output_size, int) else self.output_size
        oh, ow = oh or H, ow or W
        if H % oh or W % ow:
            raise NotImplementedError(
                f"{self._error_name()}: input size ({H}, {W}) must be a multiple of output_size ({oh}, {ow}) here"
            )
        return avg_pool2d(input, (H // oh, W // ow))

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"
