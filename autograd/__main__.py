"""``python -m autograd``: a small end-to-end example with only the core engine.

Fits ``y = sin(x)`` with a two-layer tanh network by plain gradient descent, using
``autograd`` alone (tensors, broadcasting, backward, ``no_grad`` updates), and
checks the gradients with ``gradcheck`` first.
"""

from __future__ import annotations

import math
import time

import autograd as ag


def main(steps: int = 2000, hidden: int = 32, lr: float = 0.05) -> float:
    ag.manual_seed(0)
    x = ag.linspace(-math.pi, math.pi, 256).reshape(-1, 1)
    y = x.sin()
    w1 = (ag.randn(1, hidden) * 1.0).requires_grad_()
    b1 = ag.zeros(hidden, requires_grad=True)
    w2 = (ag.randn(hidden, 1) / math.sqrt(hidden)).requires_grad_()
    b2 = ag.zeros(1, requires_grad=True)
    params = [w1, b1, w2, b2]

    def model(inp, a, b, c, d):
        return (inp @ a + b).tanh() @ c + d

    x64 = x[:8].double()
    params64 = [p.detach().double().requires_grad_() for p in params]
    ok = ag.gradcheck(lambda *p: ((model(x64, *p) - x64.sin()) ** 2).mean(), params64)
    print(f"gradcheck of the model in float64: {'passed' if ok else 'FAILED'}")
    start = time.perf_counter()
    for step in range(steps + 1):
        loss = ((model(x, *params) - y) ** 2).mean()
        for p in params:
            p.grad = None
        loss.backward()
        with ag.no_grad():
            for p in params:
                p -= lr * p.grad
        if step % 400 == 0:
            print(f"step {step:5d}  mse {loss.item():.6f}")
    print(f"{steps} steps in {time.perf_counter() - start:.2f} s; final mse {loss.item():.6f}")
    return loss.item()


if __name__ == "__main__":
    main()
