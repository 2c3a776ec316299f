"""Adadelta (``torch.optim.Adadelta``): step sizes from running averages of squared gradients and updates.

Example:
    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = optim.Adadelta([w], lr=1.0)
    >>> (w * 2).sum().backward(); opt.step(); w
    tensor([0.9968], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_lr, check_nonnegative, check_unsupported


class Adadelta(Optimizer):
    r"""Adadelta (Zeiler), with PyTorch's update rule.

    With ``g = ±grad + weight_decay * p``: ``v = rho * v + (1 - rho) * g²``,
    ``Δ = sqrt(u + eps) / sqrt(v + eps) * g``, ``u = rho * u + (1 - rho) * Δ²``, ``p -= lr * Δ``.

    Example:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = optim.Adadelta([w], lr=0.5, rho=0.5)
        >>> (w * 2).sum().backward(); opt.step(); w
        tensor([0.9993], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        foreach: bool | None = None,
        *,
        capturable: bool = False,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, rho=rho, eps=eps, weight_decay=weight_decay, maximize=maximize, capturable=capturable,
            foreach=foreach, differentiable=differentiable,
        )
        super().__init__(params, defaults)

    @classmethod
    def _check(cls, o: dict[str, Any]) -> None:
        check_lr("Adadelta", o)
        if "rho" in o and not 0.0 <= o["rho"] <= 1.0:
            raise ValueError(f"Invalid rho value: {o['rho']}")
        check_nonnegative("Adadelta", o, "eps", "weight_decay")
        check_unsupported("Adadelta", o)

    def _init_state(self, p, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = self._scalar_tensor(0.0)
        state["square_avg"] = self._zeros(p)
        state["acc_delta"] = self._zeros(p)

    def _update(self, param, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = p.dtype.type
        self._next_step(state)
        rho, wd = group["rho"], group["weight_decay"]
        self._kernel("adadelta", p)(
            p, g, self._flat(state["square_avg"]), self._flat(state["acc_delta"]), t(-group["lr"]), t(rho), t(1 - rho),
            t(group["eps"]), t(wd), wd != 0, bool(group["maximize"]),
        )
