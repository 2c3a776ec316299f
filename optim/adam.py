"""Adam and AdamW (``torch.optim.Adam`` / ``torch.optim.AdamW``): one update rule, two defaults.

Example:
    >>> import autograd as ag, optim
    >>> w = ag.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = optim.AdamW([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step(); w
    tensor([ 0.8990, -0.8990], requires_grad=True)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .optimizer import Optimizer, ParamsT, check_betas, check_lr, check_nonnegative, check_unsupported


class Adam(Optimizer):
    r"""Adam (Kingma & Ba), with PyTorch's update rule and options.

    With ``g = ±grad`` (plus ``weight_decay * p``, or instead ``p *= 1 - lr * weight_decay``
    when ``decoupled_weight_decay``): ``m = lerp(m, g, 1 - beta1)``,
    ``v = beta2 * v + (1 - beta2) * g²``, ``v̂ = max(v̂, v)`` with ``amsgrad``, and
    ``p -= lr / (1 - beta1^t) * m / (sqrt(v̂) / sqrt(1 - beta2^t) + eps)``.
    ``foreach``, ``fused`` and ``capturable`` are accepted for compatibility (updates are
    always one fused pass per parameter).

    Example:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = optim.Adam([w], lr=0.1, amsgrad=True)
        >>> (w * 2).sum().backward(); opt.step(); w
        tensor([0.9000], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr, betas=tuple(betas) if isinstance(betas, list) else betas, eps=eps, weight_decay=weight_decay,
            amsgrad=amsgrad, maximize=maximize, foreach=foreach, capturable=capturable, differentiable=differentiable,
            fused=fused, decoupled_weight_decay=decoupled_weight_decay,
        )
        super().__init__(params, defaults)

    @classmethod
    def _check(cls, o: dict[str, Any]) -> None:
        name = cls.__name__
        check_lr(name, o)
        check_nonnegative(name, o, "eps")
        check_betas(name, o)
        check_nonnegative(name, o, "weight_decay")
        check_unsupported(name, o)

    def _init_state(self, p, state: dict[str, Any], group: dict[str, Any]) -> None:
        state["step"] = self._scalar_tensor(0.0)
        state["exp_avg"] = self._zeros(p)
        state["exp_avg_sq"] = self._zeros(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = self._zeros(p)

    def _update(self, param, p: np.ndarray, g: np.ndarray, state: dict[str, Any], group: dict[str, Any]) -> None:
        t = p.dtype.type
        step = self._next_step(state)
        lr, wd, eps = group["lr"], group["weight_decay"], group["eps"]
        beta1, beta2 = group["betas"]
        amsgrad = bool(group["amsgrad"])
        if amsgrad and "max_exp_avg_sq" not in state:
            state["max_exp_avg_sq"] = self._zeros(param)
        step_size = lr / (1 - beta1**step)
        bc2_sqrt = (1 - beta2**step) ** 0.5
        m, v = self._flat(state["exp_avg"]), self._flat(state["exp_avg_sq"])
        vmax = self._flat(state["max_exp_avg_sq"]) if amsgrad else self._unused(p)
        self._kernel("adam", p)(
            p, g, m, v, vmax, t(-step_size), t(1 / bc2_sqrt), t(eps), t(1 - beta1), t(beta2), t(1 - beta2),
            t(wd), t(1 - lr * wd), wd != 0, bool(group["decoupled_weight_decay"]), amsgrad, bool(group["maximize"]),
        )


class AdamW(Adam):
    r"""Adam with decoupled weight decay (Loshchilov & Hutter): ``p *= 1 - lr * weight_decay`` each step.

    The same as ``Adam(..., decoupled_weight_decay=True)``, with ``weight_decay=1e-2`` by default.

    Example:
        >>> import autograd as ag, optim
        >>> w = ag.tensor([1.0], requires_grad=True)
        >>> opt = optim.AdamW([w], lr=0.1, weight_decay=0.5)
        >>> w.grad = ag.zeros(1); opt.step(); w
        tensor([0.9500], requires_grad=True)
    """

    def __init__(
        self,
        params: ParamsT,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach, maximize=maximize, capturable=capturable,
            differentiable=differentiable, fused=fused, decoupled_weight_decay=True,
        )
