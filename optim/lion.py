"""Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"): the sign of interpolated momentum.

PyTorch has no Lion; this follows the paper's Program 1 (and lucidrains' ``lion-pytorch``):
    ``c = beta1 * m + (1 - beta1) * g``; ``p *= 1 - lr * weight_decay``;
    ``p -= lr * sign(c)``; ``m = beta2 * m + (1 - beta2) * g``.
Every element moves by exactly ``lr`` (or not at all where ``c == 0``), so Lion wants a
learning rate 3-10x smaller than AdamW's and a weight decay 3-10x larger.

Example:
    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = optim.Lion([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w
    tensor([ 0.9000, -1.9000], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_betas, check_lr, check_nonnegative


class Lion(Optimizer):
    r"""Lion: ``p -= lr * sign(beta1 * m + (1 - beta1) * g)`` with decoupled weight decay; ``m`` tracks ``g`` with ``beta2``.

    Args:
        params: parameters or parameter groups.
        lr: learning rate (default ``1e-4``).
        betas: ``(beta1, beta2)``: interpolation for the update, decay of the momentum (default ``(0.9, 0.99)``).
        weight_decay: decoupled weight decay, ``p *= 1 - lr * weight_decay`` (default ``0``).
        maximize: ascend instead of descend.

    State per parameter: ``exp_avg`` (the momentum ``m``).

    Example:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = optim.Lion([w], lr=0.1, weight_decay=1.0)
        >>> (w * 2).sum().backward(); opt.step(); w
        tensor([0.8000], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-4,
        betas: tuple[float, float] = (0.9, 0.99),
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
    ) -> None:
        betas = tuple(betas) if isinstance(betas, list) else betas
        defaults = dict(lr=lr, betas=betas, weight_decay=weight_decay, maximize=maximize)
        super().__init__(params, defaults)

    @classmethod
    def _check(cls, o: dict[str, Any]) -> None:
        check_lr("Lion", o)
        check_betas("Lion", o)
        check_nonnegative("Lion", o, "weight_decay")

    def _init_state(self, p, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["exp_avg"] = self._zeros(p)

    def _update(self, param, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = p.dtype.type
        lr, wd = group["lr"], group["weight_decay"]
        beta1, beta2 = group["betas"]
        self._kernel("lion", p)(
            p, g, self._flat(state["exp_avg"]), t(-lr), t(beta1), t(1 - beta1), t(beta2), t(1 - beta2), t(1 - lr * wd),
            wd != 0, bool(group["maximize"]),
        )
