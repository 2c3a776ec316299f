"""Custom ``Function``s shared by the gradcheck and registry tests: a right one and wrong ones."""

from __future__ import annotations

import autograd as ag


class Cube(ag.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data**3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x * x


class AlmostCube(Cube):
    """A gradient 0.01% off: inside rtol=1e-3, outside rtol=1e-6."""

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3.0003 * x * x


class WrongCube(Cube):
    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x * x


class ConstCube(Cube):
    """Right first derivative, but written with a constant: its second derivative is lost."""

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * ag.tensor(3 * x.data**2)
