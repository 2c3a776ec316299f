"""Stochastic gradient descent with momentum, dampening, Nesterov, weight decay (``torch.optim.SGD``).

Example:
    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0], requires_grad=True)
    >>> opt = optim.SGD([w], lr=0.1, momentum=0.9, nesterov=True)
    >>> for _ in range(2):
    ...     opt.zero_grad(); (w * w).sum().backward(); opt.step()
    >>> w
    tensor([0.2224], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_lr, check_nonnegative, check_unsupported


class SGD(Optimizer):
    r"""SGD, with PyTorch's update rule.

    With ``g = ±grad + weight_decay * p``: ``b = g`` on the first step, then
    ``b = momentum * b + (1 - dampening) * g``; the step uses ``g + momentum * b``
    (Nesterov) or ``b``; ``p -= lr * step``. ``foreach``, ``fused`` and
    ``differentiable=False`` are accepted for compatibility (updates are always fused).

    Example:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([2.0], requires_grad=True)
        >>> opt = optim.SGD([w], lr=0.1, weight_decay=0.5)
        >>> (w * 3).sum().backward(); opt.step(); w
        tensor([1.6000], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        defaults = dict(
            lr=lr, momentum=momentum, dampening=dampening, weight_decay=weight_decay, nesterov=nesterov,
            maximize=maximize, foreach=foreach, differentiable=differentiable, fused=fused,
        )
        super().__init__(params, defaults)

    @classmethod
    def _check(cls, o: dict[str, Any]) -> None:
        check_lr("SGD", o)
        check_nonnegative("SGD", o, "momentum", "weight_decay")
        if o.get("nesterov") and (o.get("momentum", 0) <= 0 or o.get("dampening", 0) != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        check_unsupported("SGD", o)

    def _update(self, param, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = p.dtype.type
        momentum, wd = group["momentum"], group["weight_decay"]
        buf = state.get("momentum_buffer")
        init = buf is None
        if momentum != 0 and init:
            buf = state["momentum_buffer"] = self._zeros(param)
        flat_buf = self._flat(buf) if momentum != 0 else self._unused(p)
        self._kernel("sgd", p)(
            p, g, flat_buf, t(-group["lr"]), t(wd), t(momentum), t(1 - group["dampening"]),
            wd != 0, momentum != 0, init, bool(group["nesterov"]), bool(group["maximize"]),
        )
