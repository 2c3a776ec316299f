"""RMSprop (``torch.optim.RMSprop``): divide by a running RMS of the gradients.

Example:
    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = optim.RMSprop([w], lr=0.01, alpha=0.75)
    >>> (w * 2).sum().backward(); opt.step(); w
    tensor([0.9800], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_lr, check_nonnegative, check_unsupported


class RMSprop(Optimizer):
    r"""RMSprop, with PyTorch's update rule and options.

    With ``g = ±grad + weight_decay * p``: ``v = alpha * v + (1 - alpha) * g²``;
    ``centered`` also tracks ``ḡ = lerp(ḡ, g, 1 - alpha)`` and uses ``v - ḡ²``;
    ``a = sqrt(·) + eps``; with ``momentum``: ``b = momentum * b + g / a``, ``p -= lr * b``,
    else ``p -= lr * g / a``.

    Example:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = optim.RMSprop([w], lr=0.01, momentum=0.9, centered=True)
        >>> (w * 2).sum().backward(); opt.step(); w
        tensor([0.8995], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered, weight_decay=weight_decay,
            capturable=capturable, foreach=foreach, maximize=maximize, differentiable=differentiable,
        )
        super().__init__(params, defaults)

    @classmethod
    def _check(cls, o: dict[str, Any]) -> None:
        check_lr("RMSprop", o)
        check_nonnegative("RMSprop", o, "eps", "momentum", "weight_decay", "alpha")
        check_unsupported("RMSprop", o)

    def _init_state(self, p, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = self._scalar_tensor(0.0)
        state["square_avg"] = self._zeros(p)
        if group["momentum"] > 0:
            state["momentum_buffer"] = self._zeros(p)
        if group["centered"]:
            state["grad_avg"] = self._zeros(p)

    def _update(self, param, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = p.dtype.type
        self._next_step(state)
        alpha, wd, momentum = group["alpha"], group["weight_decay"], group["momentum"]
        centered, use_momentum = bool(group["centered"]), momentum > 0
        for key, wanted in (("momentum_buffer", use_momentum), ("grad_avg", centered)):
            if wanted and key not in state:
                state[key] = self._zeros(param)
        sq = self._flat(state["square_avg"])
        gavg = self._flat(state["grad_avg"]) if centered else self._unused(p)
        buf = self._flat(state["momentum_buffer"]) if use_momentum else self._unused(p)
        self._kernel("rmsprop", p)(
            p, g, sq, gavg, buf, t(-group["lr"]), t(alpha), t(1 - alpha), t(group["eps"]), t(wd), t(momentum),
            wd != 0, centered, use_momentum, bool(group["maximize"]),
        )
