"""Adagrad (``torch.optim.Adagrad``): per-element learning rates from the sum of squared gradients.

Example:
    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = optim.Adagrad([w], lr=0.5)
    >>> (w * w).sum().backward(); opt.step(); w
    tensor([0.5000, 1.5000], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_lr, check_nonnegative, check_unsupported


class Adagrad(Optimizer):
    r"""Adagrad, with PyTorch's update rule.

    With ``g = ±grad + weight_decay * p``: ``clr = lr / (1 + (t - 1) * lr_decay)``,
    ``sum += g²``, ``p -= clr * g / (sqrt(sum) + eps)``. The state (``step`` and ``sum``,
    filled with ``initial_accumulator_value``) exists from construction on, as in PyTorch.

    Example:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = optim.Adagrad([w], lr=0.1, initial_accumulator_value=3.0)
        >>> (w * 2).sum().backward(); opt.step(); w
        tensor([0.9244], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        defaults = dict(
            lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
            initial_accumulator_value=initial_accumulator_value, foreach=foreach, maximize=maximize,
            differentiable=differentiable, fused=fused,
        )
        super().__init__(params, defaults)
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p, self.state[p], group)

    @classmethod
    def _check(cls, o: dict[str, Any]) -> None:
        check_lr("Adagrad", o)
        check_nonnegative("Adagrad", o, "lr_decay", "weight_decay", "initial_accumulator_value", "eps")
        check_unsupported("Adagrad", o)

    def _init_state(self, p, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = self._scalar_tensor(0.0)
        state["sum"] = self._zeros(p, group["initial_accumulator_value"])

    def _update(self, param, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = p.dtype.type
        step = self._next_step(state)
        clr = group["lr"] / (1 + (step - 1) * group["lr_decay"])
        wd = group["weight_decay"]
        self._kernel("adagrad", p)(
            p, g, self._flat(state["sum"]), t(-clr), t(group["eps"]), t(wd), wd != 0, bool(group["maximize"])
        )
