"""NAdam (``torch.optim.NAdam``): Adam with Nesterov momentum and a momentum-decay schedule.

Example:
    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = optim.NAdam([w], lr=0.1)
    >>> (w * 2).sum().backward(); opt.step(); w
    tensor([0.8944], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_betas, check_lr, check_nonnegative, check_unsupported


class NAdam(Optimizer):
    r"""NAdam (Dozat), with PyTorch's update rule and options.

    ``mu_t = beta1 * (1 - 0.5 * 0.96^(t * momentum_decay))``, ``mu_product *= mu_t``;
    ``m``, ``v`` as in Adam; ``d = sqrt(v / (1 - beta2^t)) + eps``;
    ``p -= lr * (1 - mu_t) / (1 - mu_product) * g / d + lr * mu_{t+1} / (1 - mu_product * mu_{t+1}) * m / d``.
    Weight decay is added to the gradient, or applied as ``p *= 1 - lr * weight_decay``
    with ``decoupled_weight_decay=True`` (NAdamW).

    Example:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = optim.NAdam([w], lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)
        >>> (w * 2).sum().backward(); opt.step(); w
        tensor([0.8844], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 2e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum_decay: float = 4e-3,
        decoupled_weight_decay: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=tuple(betas) if isinstance(betas, list) else betas, eps=eps, weight_decay=weight_decay,
            momentum_decay=momentum_decay, decoupled_weight_decay=decoupled_weight_decay, maximize=maximize,
            foreach=foreach, capturable=capturable, differentiable=differentiable,
        )
        super().__init__(params, defaults)

    @classmethod
    def _check(cls, o: dict[str, Any]) -> None:
        check_lr("NAdam", o)
        check_nonnegative("NAdam", o, "eps")
        check_betas("NAdam", o)
        check_nonnegative("NAdam", o, "weight_decay", "momentum_decay")
        check_unsupported("NAdam", o)

    def _init_state(self, p, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = self._scalar_tensor(0.0)
        state["mu_product"] = self._scalar_tensor(1.0)
        state["exp_avg"] = self._zeros(p)
        state["exp_avg_sq"] = self._zeros(p)

    def _update(self, param, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = p.dtype.type
        step = self._next_step(state)
        lr, wd, md = group["lr"], group["weight_decay"], group["momentum_decay"]
        beta1, beta2 = group["betas"]
        mu = beta1 * (1.0 - 0.5 * 0.96 ** (step * md))
        mu_next = beta1 * (1.0 - 0.5 * 0.96 ** ((step + 1) * md))
        mu_product = state["mu_product"]
        mu_product.data *= mu  # in the counter's own dtype, as PyTorch
        mp = float(mu_product.data)
        c_grad = -lr * (1.0 - mu) / (1.0 - mp)
        c_avg = (-lr * mu_next) / (1.0 - mp * mu_next)
        self._kernel("nadam", p)(
            p, g, self._flat(state["exp_avg"]), self._flat(state["exp_avg_sq"]), t(c_grad), t(c_avg),
            t(1 - beta2**step), t(group["eps"]), t(1 - beta1), t(beta2), t(1 - beta2), t(wd), t(1 - lr * wd),
            wd != 0, bool(group["decoupled_weight_decay"]), bool(group["maximize"]),
        )
