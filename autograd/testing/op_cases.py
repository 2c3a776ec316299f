"""Registry entries for every public op of ``autograd`` (imported by ``autograd.testing``).

Most cases are written once for both libraries: ``same(name, g, ...)`` makes a case whose
``fn`` is ``g(autograd, *inputs)`` and whose ``torch_fn`` is ``g(torch, *inputs)``, since
the API is PyTorch's. ``covers`` names the Tensor methods and operators a case exercises.

Example:
    >>> from autograd.testing import cases
    >>> len(cases("softmax")) >= 2
    True
"""

from __future__ import annotations

import functools
import operator

import numpy as np

import autograd as ag

from .registry import InputSpec, OpCase, register

S = InputSpec
INF = float("inf")
CASES: list = []
"""The cases registered here (the registry may also hold cases of ``nn``, ``optim`` and users)."""


def same(name: str, g, inputs, **kw) -> OpCase:
    """Register a case whose autograd and PyTorch calls are the same function ``g(lib, *inputs)``."""
    return case(name, functools.partial(g, ag), inputs, torch_fn=g, **kw)


def case(name: str, fn, inputs, torch_fn=None, **kw) -> OpCase:
    """Register a case with separate autograd and PyTorch calls."""
    c = register(OpCase(name, fn, inputs, torch_fn=torch_fn, **kw))
    CASES.append(c)
    return c


def _F(torch):
    return torch.nn.functional


def _m(method: str):
    """``Tensor.<method>`` as a case function of (lib, x, *args)."""
    return lambda t, x, *a, **k: getattr(x, method)(*a, **k)


def _ints(values) -> InputSpec:
    return S(value=values, dtype="int64")


def _bools(values) -> InputSpec:
    return S(value=values, dtype="bool")


# ======================= arithmetic =======================
EW = {"family": "elementwise"}
same("add", lambda t, a, b: t.add(a, b), [S((2, 3)), S((3,))], covers=("Tensor.add",), **EW)
same("add", lambda t, a, b: t.add(a, b, alpha=0.5), [S((2, 1)), S((1, 3))], label="alpha")
same("add", lambda t, a, b: a + b, [S((3, 1)), S((1, 4))], label="operator", covers=("Tensor.__add__",), **EW)
same("add", lambda t, a: 2.5 + a, [S((2, 3))], label="radd", covers=("Tensor.__radd__",))
same("add", lambda t, a, b: a + b, [S((3,), (0, 5), "int64"), S((3,), dtype="float32")], label="int+float32", gradgrad=False)
same("add", lambda t, a, b: a + b, [S((3,), dtype="float32"), S((), dtype="float64")], label="float32+0d-float64")
same("add", lambda t, a: a + 1.5, [S((3,), (0, 5), "int64")], label="int+pyfloat")
same("add", lambda t, a, b: a + b, [S((2, 2), (0, 5), "int64"), S((2,), (0, 5), "int64")], label="int+int")
same("add", lambda t, a, b: a + b, [S((3,), (0, 5), "int64"), S((), dtype="float64")], label="int+0d-float64")
# Tensor (op) Python number takes the lean nodes of ops/scalar.py
same("add", lambda t, a: a + 0.5, [S((2, 3))], label="+number")
same("sub", lambda t, a: a - 2, [S((2, 3))], label="-int")
same("mul", lambda t, a: a * -1.5, [S((2, 3))], label="*number")
same("div", lambda t, a: a / 4.0, [S((2, 3))], label="/number")
same("mul", lambda t, a: 0.1 * a, [S((3,), dtype="float32")], label="float32*number")
same("div", lambda t, a: (a - 1.5) / 3, [S(())], label="0d-/int")
same("sub", lambda t, a: 2 - a * 0.25, [S((2, 2), dtype="float32")], label="float32-rsub-chain")
same("sub", lambda t, a, b: t.sub(a, b), [S((2, 3)), S((2, 1))], covers=("Tensor.sub",), **EW)
same("sub", lambda t, a, b: t.sub(a, b, alpha=2), [S((3,)), S((3,))], label="alpha")
same("sub", lambda t, a, b: a - b, [S((4,)), S((2, 1))], label="operator", covers=("Tensor.__sub__",), **EW)
same("sub", lambda t, a: 1.5 - a, [S((2, 3))], label="rsub", covers=("Tensor.__rsub__",))
same("mul", lambda t, a, b: t.mul(a, b), [S((2, 3)), S((3,))], covers=("Tensor.mul",), **EW)
same("mul", lambda t, a, b: a * b, [S((2, 1, 3)), S((4, 1))], label="operator", covers=("Tensor.__mul__",), **EW)
same("mul", lambda t, a: 3 * a, [S((2, 3))], label="rmul", covers=("Tensor.__rmul__",))
same("mul", lambda t, a: a * a, [S((2, 3))], label="self")
same("mul", lambda t, a, b: a * b, [S((3,), dtype="float32"), S((3,), (0, 3), "bool")], label="float32*bool")
same("div", lambda t, a, b: t.div(a, b), [S((2, 3)), S((3,), "nonzero")], covers=("Tensor.div",), **EW)
same("div", lambda t, a, b: a / b, [S((2, 1)), S((1, 3), "nonzero")], label="operator", covers=("Tensor.__truediv__",), **EW)
same("div", lambda t, a: 2.0 / a, [S((2, 3), "nonzero")], label="rdiv", covers=("Tensor.__rtruediv__",))
same("div", lambda t, a, b: a / b, [S((4,), (1, 9), "int64"), S((4,), (1, 4), "int64")], label="int/int")
same("div", lambda t, a, b: t.div(a, b, rounding_mode="floor"), [S((5,), (-9, 9), "int64"), S((5,), (1, 4), "int64")],
     label="floor-int", nondiff=True)
# ``//`` has no derivative, as in PyTorch (a backward pass through it raises): values only
same("floor_divide", lambda t, a, b: a // b, [S((5,), "wide"), S((5,), "nonzero")], label="operator", nondiff=True,
     covers=("Tensor.__floordiv__",))
same("floor_divide", lambda t, a: 7.5 // a, [S((5,), "nonzero")], label="reflected", nondiff=True,
     covers=("Tensor.__rfloordiv__",))
same("floor_divide", lambda t, a, b: t.floor_divide(a, b), [S((2, 3), (-9, 9), "int64"), S((3,), (1, 4), "int64")],
     nondiff=True, covers=("Tensor.floor_divide",))
same("div", lambda t, a, b: t.div(a, b, rounding_mode="trunc"), [S((5,), "wide"), S((5,), "nonzero")], label="trunc")
same("pow", lambda t, a: t.pow(a, 3), [S((2, 3))], covers=("Tensor.pow",), **EW)
same("pow", lambda t, a: a**2.5, [S((2, 3), "positive")], label="float-exponent", covers=("Tensor.__pow__",))
same("pow", lambda t, a: a**-1.5, [S((4,), "positive")], label="negative-exponent")
same("pow", lambda t, a, b: a**b, [S((2, 3), "positive"), S((3,))], label="tensor-exponent", **EW)
same("pow", lambda t, b: 2.0**b, [S((2, 3))], label="rpow", covers=("Tensor.__rpow__",))
same("pow", lambda t, a: a**0, [S((3,))], label="zero-exponent")
same("pow", lambda t, a, b: a**b, [S(value=[0.0, 0.0, 1.0, 2.0]), S(value=[2.0, 0.0, 0.0, 1.5])], label="zero-base",
     gradcheck=False)
same("pow", lambda t, a: a**2, [S((3,), (0, 5), "int64")], label="int")
same("square", lambda t, a: t.square(a), [S((2, 3))], covers=("Tensor.square",), **EW)
same("square", lambda t, a: a.square(), [S((3,))], label="method")
same("neg", lambda t, a: t.neg(a), [S((2, 3))], covers=("Tensor.neg",), **EW)
same("neg", lambda t, a: -a, [S((3,))], label="operator", covers=("Tensor.__neg__",))
same("neg", lambda t, a: -(+a), [S((3,))], label="pos", covers=("Tensor.__pos__",))
same("maximum", lambda t, a, b: t.maximum(a, b), [S((2, 3), "distinct"), S((3,), "distinct")], covers=("Tensor.maximum",), **EW)
same("maximum", lambda t, a, b: t.maximum(a, b), [S(value=[1.0, 2.0, 3.0]), S(value=[1.0, 0.0, 3.0])], label="ties",
     gradcheck=False)
same("maximum", lambda t, a, b: t.max(a, b), [S((2, 3), "distinct"), S((2, 3), "distinct")], label="max-other")
same("minimum", lambda t, a, b: t.minimum(a, b), [S((2, 3), "distinct"), S((2, 1), "distinct")], covers=("Tensor.minimum",), **EW)
same("minimum", lambda t, a, b: t.minimum(a, b), [S(value=[1.0, 2.0, 3.0]), S(value=[1.0, 5.0, 3.0])], label="ties",
     gradcheck=False)
same("minimum", lambda t, a, b: t.min(a, b), [S((3,), "distinct"), S((3,), "distinct")], label="min-other")
same("where", lambda t, c, a, b: t.where(c, a, b), [S((2, 1), dtype="bool"), S((2, 3)), S((3,))], **EW)
same("where", lambda t, a: t.where(a > 0, a, 0.0), [S((2, 3), "nonzero")], label="scalar")
same("where", lambda t, c, a, b: a.where(c, b), [S((3,), dtype="bool"), S((3,)), S((3,))], label="method",
     covers=("Tensor.where",))
same("where", lambda t, c, a, b: t.where(c, a, b), [S((3,), dtype="bool"), S((3,), dtype="float32"), S((3,))], label="promote")

# ======================= unary math =======================
same("abs", lambda t, a: t.abs(a), [S((2, 3), "nonzero")], covers=("Tensor.abs",), **EW)
same("abs", lambda t, a: abs(a), [S(value=[-1.0, 0.0, 2.0])], label="at-zero", gradcheck=False, covers=("Tensor.__abs__",))
same("exp", lambda t, a: t.exp(a), [S((2, 3))], covers=("Tensor.exp",), **EW)
same("exp", lambda t, a: t.exp(a), [S((3,), (0, 4), "int64")], label="int")
same("log", lambda t, a: t.log(a), [S((2, 3), "positive")], covers=("Tensor.log",), **EW)
same("log1p", lambda t, a: t.log1p(a), [S((2, 3), (-0.5, 2.0))], covers=("Tensor.log1p",), **EW)
same("sqrt", lambda t, a: t.sqrt(a), [S((2, 3), "positive")], covers=("Tensor.sqrt",), **EW)
same("rsqrt", lambda t, a: t.rsqrt(a), [S((2, 3), "positive")], covers=("Tensor.rsqrt",), **EW)
same("sin", lambda t, a: t.sin(a), [S((2, 3), "wide")], covers=("Tensor.sin",), **EW)
same("cos", lambda t, a: t.cos(a), [S((2, 3), "wide")], covers=("Tensor.cos",), **EW)
same("erf", lambda t, a: t.erf(a), [S((2, 3))], covers=("Tensor.erf",), **EW)
same("sign", lambda t, a: t.sign(a), [S(value=[-2.0, 0.0, 3.0])], gradcheck=False, covers=("Tensor.sign",))
same("sign", lambda t, a: a.sign(), [S((2, 3), "nonzero")], label="method")
same("clamp", lambda t, a: t.clamp(a, -0.5, 0.8), [S((2, 3))], covers=("Tensor.clamp",), **EW)
same("clamp", lambda t, a: a.clamp(min=0.1), [S((2, 3))], label="min-only")
same("clamp", lambda t, a: a.clamp(max=0.1), [S((2, 3))], label="max-only")
same("clamp", lambda t, a: t.clamp(a, -1.0, 1.0), [S(value=[-2.0, -1.0, 0.0, 1.0, 2.0])], label="boundaries", gradcheck=False)
same("clamp", lambda t, a: t.clamp(a, 1.0, -1.0), [S((4,))], label="min>max")
same("clamp", lambda t, a, lo, hi: t.clamp(a, lo, hi), [S((2, 3), "distinct"), S((3,), (-1.5, -0.1)), S((2, 1), (0.1, 1.5))],
     label="tensor-bounds")
same("clamp", lambda t, a, lo, hi: t.clamp(a, lo, hi), [S(value=[-1.0, 0.0, 1.0, 2.0]), S(value=[-1.0, 0.5, 0.0, 3.0]),
                                                       S(value=[1.0, 0.0, 1.0, 2.5])], label="tensor-ties", gradcheck=False)
same("clip", lambda t, a: t.clip(a, -0.5, 0.5), [S((2, 3))], covers=("Tensor.clip",))

# ======================= activations =======================
same("relu", lambda t, a: t.relu(a), [S((2, 3), "nonzero")], covers=("Tensor.relu",), **EW)
same("relu", lambda t, a: t.relu(a), [S(value=[-1.0, 0.0, 1.0])], label="at-zero", gradcheck=False)
same("relu", lambda t, a: a.relu(), [S((4,), dtype="float32")], label="float32")
same("sigmoid", lambda t, a: t.sigmoid(a), [S((2, 3), "wide")], covers=("Tensor.sigmoid",), **EW)
same("sigmoid", lambda t, a: t.sigmoid(a), [S(value=[-800.0, -30.0, 0.0, 30.0, 800.0])], label="extreme", gradcheck=False)
same("tanh", lambda t, a: t.tanh(a), [S((2, 3))], covers=("Tensor.tanh",), **EW)
case("leaky_relu", lambda a: ag.leaky_relu(a), [S((2, 3), "nonzero")], lambda t, a: _F(t).leaky_relu(a),
     covers=("Tensor.leaky_relu",), **EW)
case("leaky_relu", lambda a: a.leaky_relu(0.2), [S((2, 3), "nonzero")], lambda t, a: _F(t).leaky_relu(a, 0.2), label="slope")
case("elu", lambda a: ag.elu(a), [S((2, 3), "nonzero")], lambda t, a: _F(t).elu(a), covers=("Tensor.elu",), **EW)
case("elu", lambda a: a.elu(0.5), [S((2, 3), "nonzero")], lambda t, a: _F(t).elu(a, 0.5), label="alpha")
case("gelu", lambda a: ag.gelu(a), [S((2, 3), "wide")], lambda t, a: _F(t).gelu(a), covers=("Tensor.gelu",), **EW)
case("gelu", lambda a: a.gelu(approximate="tanh"), [S((2, 3), "wide")], lambda t, a: _F(t).gelu(a, approximate="tanh"),
     label="tanh", **EW)
case("silu", lambda a: ag.silu(a), [S((2, 3), "wide")], lambda t, a: _F(t).silu(a), covers=("Tensor.silu",), **EW)
case("softplus", lambda a: ag.softplus(a), [S((2, 3), "wide")], lambda t, a: _F(t).softplus(a), covers=("Tensor.softplus",), **EW)
case("softplus", lambda a: a.softplus(beta=2.0, threshold=3.0), [S((3, 4), "wide")],
     lambda t, a: _F(t).softplus(a, beta=2.0, threshold=3.0), label="beta-threshold")

# ======================= reductions =======================
RD = {"family": "reduce"}
same("sum", lambda t, a, **k: t.sum(a, **k), [S((2, 3, 4))], covers=("Tensor.sum",))
same("sum", lambda t, a, **k: t.sum(a, **k), [S((2, 3, 4))], kwargs={"dim": 1}, label="dim", **RD)
same("sum", lambda t, a, **k: a.sum(**k), [S((2, 3, 4))], kwargs={"dim": (0, 2), "keepdim": True}, label="dims-keepdim", **RD)
same("sum", lambda t, a, **k: a.sum(**k), [S((2, 3))], kwargs={"dim": -1, "keepdim": True}, label="neg-dim", **RD)
same("sum", lambda t, a: a.sum(), [S((2, 3), (0, 9), "int64")], label="int")
same("sum", lambda t, a: a.sum(dim=0), [S((2, 3), dtype="bool")], label="bool")
same("sum", lambda t, a: a.sum(dtype=t.float64), [S((2, 3), dtype="float32")], label="dtype")
same("sum", lambda t, a: a.sum(), [S(())], label="0d")
same("mean", lambda t, a, **k: t.mean(a, **k), [S((2, 3, 4))], covers=("Tensor.mean",))
same("mean", lambda t, a, **k: a.mean(**k), [S((2, 3, 4))], kwargs={"dim": (1, 2)}, label="dims", **RD)
same("mean", lambda t, a, **k: a.mean(**k), [S((2, 3))], kwargs={"dim": 0, "keepdim": True}, label="keepdim", **RD)
same("var", lambda t, a, **k: t.var(a, **k), [S((3, 4))], covers=("Tensor.var",))
same("var", lambda t, a, **k: a.var(**k), [S((3, 4))], kwargs={"dim": 1}, label="dim", **RD)
same("var", lambda t, a, **k: a.var(**k), [S((2, 3, 4))], kwargs={"dim": (0, 2), "keepdim": True, "correction": 0},
     label="correction0", **RD)
same("var", lambda t, a: a.var(dim=1, correction=2), [S((2, 5))], label="correction2")
same("var", lambda t, a: a.var(0, unbiased=False), [S((4, 2))], label="unbiased-false")
same("std", lambda t, a, **k: t.std(a, **k), [S((3, 4))], covers=("Tensor.std",))
same("std", lambda t, a, **k: a.std(**k), [S((3, 4))], kwargs={"dim": 0, "keepdim": True}, label="dim", **RD)
same("std", lambda t, a: a.std(dim=1, correction=0), [S((2, 5))], label="correction0")
same("std", lambda t, a: a.std(dim=1), [S(value=[[1.0, 1.0, 1.0], [0.0, 1.0, 2.0]])], label="zero-spread", gradcheck=False)
same("max", lambda t, a: t.max(a), [S((3, 4), "distinct")], covers=("Tensor.max",))
same("max", lambda t, a: a.max(), [S(value=[[1.0, 3.0], [3.0, 0.0]])], label="ties", gradcheck=False)
same("max", lambda t, a, **k: t.max(a, **k), [S((3, 4), "distinct")], kwargs={"dim": 1}, label="dim", family="reduce1")
same("max", lambda t, a, **k: a.max(**k), [S((3, 4), "distinct")], kwargs={"dim": 0, "keepdim": True}, label="keepdim",
     family="reduce1")
same("max", lambda t, a: a.max(dim=1), [S(value=[[1.0, 3.0, 3.0], [2.0, 2.0, 1.0]])], label="dim-ties", gradcheck=False)
same("min", lambda t, a: t.min(a), [S((3, 4), "distinct")], covers=("Tensor.min",))
same("min", lambda t, a: a.min(), [S(value=[[1.0, 3.0], [0.0, 0.0]])], label="ties", gradcheck=False)
same("min", lambda t, a, **k: t.min(a, **k), [S((3, 4), "distinct")], kwargs={"dim": -1}, label="dim", family="reduce1")
same("min", lambda t, a: a.min(dim=1, keepdim=True), [S(value=[[1.0, 0.0, 0.0], [2.0, 2.0, 1.0]])], label="dim-ties",
     gradcheck=False)
same("prod", lambda t, a: t.prod(a), [S((2, 3), "nonzero")], covers=("Tensor.prod",))
same("prod", lambda t, a, **k: a.prod(**k), [S((3, 4), "nonzero")], kwargs={"dim": 1}, label="dim", family="reduce1")
same("prod", lambda t, a, **k: a.prod(**k), [S((3, 4), "nonzero")], kwargs={"dim": 0, "keepdim": True}, label="keepdim",
     family="reduce1")
same("prod", lambda t, a: a.prod(), [S(value=[[1.5, 0.0, -2.0], [0.5, 3.0, 1.2]])], label="one-zero")
same("prod", lambda t, a: a.prod(dim=1), [S(value=[[1.5, 0.0, -2.0], [0.0, 3.0, 0.0], [0.5, 2.0, 1.1]])], label="zeros-dim")
same("prod", lambda t, a: a.prod(), [S(value=[0.0, 2.0, 0.0])], label="two-zeros")
same("prod", lambda t, a: a.prod(dim=0), [S((3, 2), (0, 4), "int64")], label="int")
same("logsumexp", lambda t, a, **k: t.logsumexp(a, **k), [S((3, 4))], kwargs={"dim": 1}, covers=("Tensor.logsumexp",), **RD)
same("logsumexp", lambda t, a, **k: a.logsumexp(**k), [S((2, 3, 4))], kwargs={"dim": (0, 2), "keepdim": True}, label="dims", **RD)
same("logsumexp", lambda t, a: (a + 1000.0).logsumexp(dim=0), [S((3, 2))], label="large", dtypes=("float64",))
same("norm", lambda t, a: t.norm(a), [S((3, 4))], covers=("Tensor.norm",))
same("norm", lambda t, a, **k: a.norm(1, **k), [S((3, 4), "nonzero")], kwargs={"dim": 1}, label="p1", **RD)
same("norm", lambda t, a, **k: a.norm(2, **k), [S((3, 4))], kwargs={"dim": (0, 1), "keepdim": True}, label="p2", **RD)
same("norm", lambda t, a, **k: a.norm(INF, **k), [S((3, 4), "distinct")], kwargs={"dim": 0}, label="pinf", **RD)
same("norm", lambda t, a, **k: a.norm(-INF, **k), [S((3, 4), "distinct")], kwargs={"dim": 1}, label="p-inf")
same("norm", lambda t, a, **k: a.norm(3, **k), [S((3, 4), "nonzero")], kwargs={"dim": 1}, label="p3", **RD)
same("norm", lambda t, a: a.norm(1.5), [S((3, 4), "nonzero")], label="p1.5")
same("norm", lambda t, a: a.norm(0.5, dim=1), [S((2, 3), "nonzero")], label="p0.5")
same("norm", lambda t, a: a.norm(0), [S(value=[1.0, 0.0, -2.0])], label="p0", gradcheck=False)
same("norm", lambda t, a: a.norm(p="fro", dim=1), [S((2, 3))], label="fro")
for _p in (1, 2, 3, 1.5, INF):
    same("norm", lambda t, a, p=_p: a.norm(p, dim=1), [S(value=[[0.0, 0.0, 0.0], [3.0, 0.0, -4.0]])], label=f"at-zero-p{_p}",
         gradcheck=False)
same("norm", lambda t, a: a.norm(INF), [S(value=[1.0, -3.0, 3.0])], label="pinf-ties", gradcheck=False)
same("softmax", lambda t, a, **k: t.softmax(a, **k), [S((3, 4))], kwargs={"dim": -1}, covers=("Tensor.softmax",),
     family="dimwise")
same("softmax", lambda t, a, **k: a.softmax(**k), [S((2, 3, 4))], kwargs={"dim": 1}, label="dim1", family="dimwise")
same("softmax", lambda t, a: a.softmax(0), [S(value=[[1000.0, -1000.0], [0.0, 1000.0]])], label="large", gradcheck=False)
same("log_softmax", lambda t, a, **k: t.log_softmax(a, **k), [S((3, 4))], kwargs={"dim": -1}, covers=("Tensor.log_softmax",),
     family="dimwise")
same("log_softmax", lambda t, a, **k: a.log_softmax(**k), [S((2, 3, 4))], kwargs={"dim": 0}, label="dim0", family="dimwise")
same("log_softmax", lambda t, a: a.log_softmax(1), [S(value=[[1e4, 0.0, -1e4]])], label="large", dtypes=("float64",))
same("argmax", lambda t, a: t.argmax(a), [S((3, 4), "distinct")], nondiff=True, covers=("Tensor.argmax",))
same("argmax", lambda t, a: a.argmax(dim=1, keepdim=True), [S(value=[[1.0, 3.0, 3.0], [2.0, 2.0, 1.0]])], label="dim-ties",
     nondiff=True)
same("argmin", lambda t, a: t.argmin(a, dim=0), [S((3, 4), "distinct")], nondiff=True, covers=("Tensor.argmin",))
same("argmin", lambda t, a: a.argmin(), [S(value=[2.0, 1.0, 1.0])], label="ties", nondiff=True)

# ======================= comparisons and logic (no gradient) =======================
for _name, _op in [("eq", operator.eq), ("ne", operator.ne), ("lt", operator.lt), ("le", operator.le),
                   ("gt", operator.gt), ("ge", operator.ge)]:
    same(_name, lambda t, a, b, n=_name: getattr(t, n)(a, b), [S(value=[1.0, 2.0, 3.0]), S(value=[[3.0], [2.0]])], nondiff=True,
         covers=(f"Tensor.{_name}",))
    same(_name, lambda t, a, o=_op: o(a, 2), [S(value=[1, 2, 3], dtype="int64")], nondiff=True, label="operator",
         covers=(f"Tensor.__{_name}__",))
same("logical_and", lambda t, a, b: t.logical_and(a, b), [S((2, 3), dtype="bool"), S((3,), dtype="bool")], nondiff=True,
     covers=("Tensor.__and__",))
same("logical_or", lambda t, a, b: t.logical_or(a, b), [S((2, 3), dtype="bool"), S((3,), dtype="bool")], nondiff=True,
     covers=("Tensor.__or__",))
same("logical_not", lambda t, a: t.logical_not(a), [S((2, 3), dtype="bool")], nondiff=True, covers=("Tensor.logical_not",))
same("logical_not", lambda t, a: ~a, [S((3,), dtype="bool")], nondiff=True, label="operator", covers=("Tensor.__invert__",))
same("isnan", lambda t, a: t.isnan(a), [S(value=[1.0, float("nan"), INF])], nondiff=True, covers=("Tensor.isnan",))
same("isfinite", lambda t, a: t.isfinite(a), [S(value=[1.0, float("nan"), -INF])], nondiff=True, covers=("Tensor.isfinite",))
same("all", lambda t, a: t.all(a), [S((2, 3), dtype="bool")], nondiff=True, covers=("Tensor.all",))
same("all", lambda t, a: a.all(dim=1, keepdim=True), [S(value=[[True, True], [True, False]])], nondiff=True, label="dim")
same("any", lambda t, a: t.any(a), [S((2, 3), dtype="bool")], nondiff=True, covers=("Tensor.any",))
same("any", lambda t, a: a.any(dim=0), [S(value=[[False, True], [False, False]])], nondiff=True, label="dim")
same("allclose", lambda t, a, b: t.allclose(a, a + 1e-9), [S((3,)), S((3,))], nondiff=True, covers=("Tensor.allclose",))
same("allclose", lambda t, a, b: a.allclose(b), [S((3,)), S((3,))], nondiff=True, label="different")
same("equal", lambda t, a: t.equal(a, a.clone()), [S((3,))], nondiff=True, covers=("Tensor.equal",))
same("equal", lambda t, a, b: t.equal(a, b), [S((2, 3)), S((3,))], nondiff=True, label="shapes")

# ======================= shape ops =======================
# float64 -> float32 casts are linear: a large step keeps the rounding error of finite differences small
DOWNCAST = {"eps": 1e-2, "atol": 1e-4, "gradgrad": False}
same("reshape", lambda t, a: t.reshape(a, (3, 2)), [S((2, 3))], covers=("Tensor.reshape",))
same("reshape", lambda t, a: a.reshape(-1, 4), [S((2, 3, 4))], label="infer")
same("reshape", lambda t, a: a.reshape(()), [S((1, 1))], label="to-0d")
same("reshape", lambda t, a, b: a.reshape_as(b), [S((2, 3)), S((3, 2))], label="reshape_as", covers=("Tensor.reshape_as",))
case("view", lambda a: ag.view(a, 6), [S((2, 3))], lambda t, a: a.view(6), covers=("Tensor.view",))
same("view", lambda t, a: a.view(3, 2), [S((2, 3))], label="method")
same("view", lambda t, a, b: a.view_as(b), [S((2, 3)), S((6,))], label="view_as", covers=("Tensor.view_as",))
same("flatten", lambda t, a: t.flatten(a), [S((2, 3, 4))], covers=("Tensor.flatten",))
same("flatten", lambda t, a: a.flatten(1), [S((2, 3, 4))], label="start")
same("flatten", lambda t, a: a.flatten(0, 1), [S((2, 3, 4))], label="start-end")
same("flatten", lambda t, a: a.flatten(), [S(())], label="0d")
same("squeeze", lambda t, a: t.squeeze(a), [S((2, 1, 3, 1))], covers=("Tensor.squeeze",))
same("squeeze", lambda t, a: a.squeeze(1), [S((2, 1, 3))], label="dim")
same("squeeze", lambda t, a: a.squeeze(0), [S((2, 1, 3))], label="not-size-1")
same("squeeze", lambda t, a: a.squeeze((1, -1)), [S((2, 1, 3, 1))], label="dims")
same("unsqueeze", lambda t, a: t.unsqueeze(a, 0), [S((2, 3))], covers=("Tensor.unsqueeze",))
same("unsqueeze", lambda t, a: a.unsqueeze(-1), [S((2, 3))], label="last")
same("transpose", lambda t, a: t.transpose(a, 0, 2), [S((2, 3, 4))], covers=("Tensor.transpose",))
same("transpose", lambda t, a: a.transpose(-1, -2), [S((2, 3))], label="negative")
same("permute", lambda t, a: t.permute(a, (2, 0, 1)), [S((2, 3, 4))], covers=("Tensor.permute",))
same("permute", lambda t, a: a.permute(1, 0, -1), [S((2, 3, 4))], label="varargs")
same("t", lambda t, a: t.t(a), [S((2, 3))], covers=("Tensor.t",))
same("t", lambda t, a: a.t(), [S((3,))], label="1d")
same("t", lambda t, a: a.T, [S((2, 3))], label="T", covers=("Tensor.T",))
case("t", lambda a: a.T, [S((2, 3, 4))], lambda t, a: a.permute(2, 1, 0), label="T-3d")
same("t", lambda t, a: a.mT, [S((2, 3, 4))], label="mT", covers=("Tensor.mT",))
case("expand", lambda a: ag.expand(a, 2, 3, 4), [S((3, 1))], lambda t, a: a.expand(2, 3, 4), covers=("Tensor.expand",))
same("expand", lambda t, a: a.expand(2, -1, 4), [S((3, 1))], label="minus-one")
same("expand", lambda t, a, b: a.expand_as(b), [S((1, 3)), S((2, 3))], label="expand_as", covers=("Tensor.expand_as",))
same("broadcast_to", lambda t, a: t.broadcast_to(a, (2, 3)), [S((3,))], covers=("Tensor.broadcast_to",))
same("cat", lambda t, a, b: t.cat([a, b]), [S((2, 3)), S((1, 3))])
same("cat", lambda t, a, b, c: t.cat([a, b, c], dim=1), [S((2, 1)), S((2, 3)), S((2, 2))], label="dim1")
same("cat", lambda t, a, b: t.cat((a, b), -1), [S((2, 2, 1)), S((2, 2, 2))], label="neg-dim")
same("cat", lambda t, a, b: t.cat([a, b]), [S((2,), dtype="float32"), S((3,))], label="promote")
same("concat", lambda t, a, b: t.concat([a, b], dim=1), [S((2, 3)), S((2, 1))])
same("concatenate", lambda t, a, b: t.concatenate([a, b]), [S((1, 3)), S((2, 3))])
same("stack", lambda t, a, b: t.stack([a, b]), [S((2, 3)), S((2, 3))])
same("stack", lambda t, a, b, c: t.stack([a, b, c], dim=-1), [S((2, 3)), S((2, 3)), S((2, 3))], label="last")
same("stack", lambda t, a, b: t.stack([a, b], 1), [S((2, 3)), S((2, 3))], label="dim1")
same("split", lambda t, a: t.split(a, 2), [S((5, 3))], covers=("Tensor.split",))
same("split", lambda t, a: a.split([1, 2], dim=1), [S((2, 3))], label="sections")
same("split", lambda t, a: a.split(2, -1), [S((2, 3))], label="neg-dim")
same("chunk", lambda t, a: t.chunk(a, 3), [S((5, 2))], covers=("Tensor.chunk",))
same("chunk", lambda t, a: a.chunk(4, dim=1), [S((2, 6))], label="uneven")
same("chunk", lambda t, a: a.chunk(2, dim=1), [S((2, 3))], label="dim1")
case("to", lambda a: ag.to(a, ag.float32), [S((2, 3))], lambda t, a: a.to(t.float32), covers=("Tensor.to",), **DOWNCAST)
same("to", lambda t, a: a.to(t.float64), [S((2, 3), dtype="float32")], label="widen")
same("to", lambda t, a: a.to(t.int64), [S((2, 3), "wide")], label="to-int", nondiff=True)
same("to", lambda t, a, b: a.to(b), [S((2, 3)), S((2,), dtype="float32")], label="like", **DOWNCAST)
same("to", lambda t, a: a.float(), [S((2, 3))], label="float", covers=("Tensor.float",), **DOWNCAST)
same("to", lambda t, a: a.double(), [S((2, 3), dtype="float32")], label="double", covers=("Tensor.double",))
same("to", lambda t, a: a.half(), [S((2, 3), dtype="float32")], label="half", covers=("Tensor.half",), gradcheck=False)
same("to", lambda t, a: a.long(), [S((2, 3), "wide")], label="long", nondiff=True, covers=("Tensor.long",))
same("to", lambda t, a: a.int(), [S((2, 3), "wide")], label="int", nondiff=True, covers=("Tensor.int",))
same("to", lambda t, a: a.bool(), [S(value=[0.0, 1.5, -2.0])], label="bool", nondiff=True, covers=("Tensor.bool",))
same("to", lambda t, a, b: a.type_as(b), [S((2, 3)), S((2,), dtype="float32")], label="type_as", covers=("Tensor.type_as",),
     **DOWNCAST)
same("to", lambda t, a: a.cpu(), [S((2,))], label="cpu", covers=("Tensor.cpu",))
same("clone", lambda t, a: t.clone(a), [S((2, 3))], covers=("Tensor.clone",))
case("contiguous", lambda a: ag.contiguous(a.T), [S((2, 3))], lambda t, a: a.T.contiguous(), covers=("Tensor.contiguous",))
same("contiguous", lambda t, a: a.contiguous(), [S((2, 3))], label="already")

# ======================= indexing =======================
_gi = operator.getitem
case("getitem", lambda a: ag.getitem(a, 1), [S((3, 4))], lambda t, a: a[1], covers=("Tensor.__getitem__",))
same("getitem", lambda t, a: a[:, 1:3], [S((3, 4))], label="slice")
same("getitem", lambda t, a: a[..., -1], [S((2, 3, 4))], label="negative")
same("getitem", lambda t, a: a[None, ::2, -2:], [S((5, 4))], label="step-none")
same("getitem", lambda t, a: a[1, 2], [S((3, 4))], label="scalar")
same("getitem", lambda t, a, i: a[i], [S((4, 3)), _ints([0, 2, 0, 3, 0])], label="int-array-repeats")
same("getitem", lambda t, a: a[[1, 1, -1]], [S((4, 3))], label="list")
same("getitem", lambda t, a, i: a[:, i], [S((2, 4)), _ints([[1, 1], [0, 3]])], label="int-array-2d")
same("getitem", lambda t, a, i, j: a[i, j], [S((3, 4)), _ints([0, 2, 0]), _ints([1, 1, 1])], label="int-pairs")
same("getitem", lambda t, a, i: a[i, 1:], [S((3, 4)), _ints([2, 2])], label="int-and-slice")
same("getitem", lambda t, a: a[a > 0], [S((3, 4), "nonzero")], label="bool-mask")
same("getitem", lambda t, a, m: a[m], [S((3, 2)), _bools([True, False, True])], label="bool-rows")
same("getitem", lambda t, a, m: a[:, m], [S((2, 3)), _bools([False, True, True])], label="bool-cols")


def _setitem(t, a, v, index):
    out = a.clone()
    out[index] = v
    return out


def _ag_setitem(a, v):
    out = a.clone()
    ag.setitem(out, (slice(None), 1), v)
    return out


case("setitem", _ag_setitem, [S((3, 4)), S((3,))], lambda t, a, v: _setitem(t, a, v, (slice(None), 1)),
     covers=("Tensor.__setitem__",))
same("setitem", lambda t, a, v: _setitem(t, a, v, 0), [S((3, 4)), S(())], label="broadcast-scalar")
same("setitem", lambda t, a, v, i: _setitem(t, a, v, i), [S((4, 2)), S((2, 2)), _ints([3, 0])], label="int-array")
same("setitem", lambda t, a, v: _setitem(t, a, v, a > 0), [S((3, 3), "nonzero"), S(())], label="bool-mask")
same("setitem", lambda t, a: _setitem(t, a, 2.5, (1, slice(None, 2))), [S((3, 3))], label="python-value")
same("masked_fill", lambda t, a, m: t.masked_fill(a, m, 0.5), [S((2, 3)), S((3,), dtype="bool")], covers=("Tensor.masked_fill",))
same("masked_fill", lambda t, a, v: a.masked_fill(a > 0, v), [S((2, 3), "nonzero"), S(())], label="tensor-value")
same("gather", lambda t, a, i: t.gather(a, 1, i), [S((3, 4)), _ints([[0, 0], [3, 1], [2, 2]])], covers=("Tensor.gather",))
same("gather", lambda t, a, i: a.gather(0, i), [S((3, 2)), _ints([[2, 0], [2, 2], [0, 1], [1, 1]])], label="dim0-repeats")
same("gather", lambda t, a, i: a.gather(-1, i), [S((2, 3, 4)), _ints(np.array([[[3], [0], [1]], [[2], [2], [0]]]))],
     label="neg-dim")

# ======================= matrix products =======================
same("matmul", lambda t, a, b: t.matmul(a, b), [S((2, 3)), S((3, 4))], covers=("Tensor.matmul",))
same("matmul", lambda t, a, b: a @ b, [S((3,)), S((3,))], label="1d@1d", covers=("Tensor.__matmul__",))
same("matmul", lambda t, a, b: a @ b, [S((3,)), S((3, 2))], label="1d@2d")
same("matmul", lambda t, a, b: a @ b, [S((2, 3)), S((3,))], label="2d@1d")
same("matmul", lambda t, a, b: a @ b, [S((3,)), S((2, 3, 4))], label="1d@3d")
same("matmul", lambda t, a, b: a @ b, [S((2, 2, 3)), S((3,))], label="3d@1d")
same("matmul", lambda t, a, b: a @ b, [S((2, 2, 3)), S((3, 4))], label="batched@2d")
same("matmul", lambda t, a, b: a @ b, [S((2, 3)), S((2, 3, 4))], label="2d@batched")
same("matmul", lambda t, a, b: a @ b, [S((2, 1, 2, 3)), S((3, 3, 2))], label="broadcast-batch")
same("matmul", lambda t, a, b: b.__rmatmul__(a), [S((2, 3)), S((3, 2))], label="rmatmul", covers=("Tensor.__rmatmul__",))
same("mm", lambda t, a, b: t.mm(a, b), [S((2, 3)), S((3, 2))])
same("bmm", lambda t, a, b: t.bmm(a, b), [S((2, 2, 3)), S((2, 3, 2))])
case("linear", lambda x, w, b: ag.linear(x, w, b), [S((4, 3)), S((2, 3)), S((2,))], lambda t, x, w, b: _F(t).linear(x, w, b))
case("linear", lambda x, w: ag.linear(x, w), [S((4, 3)), S((2, 3))], lambda t, x, w: _F(t).linear(x, w), label="no-bias")
case("linear", lambda x, w, b: ag.linear(x, w, b), [S((2, 4, 3)), S((2, 3)), S((2,))], lambda t, x, w, b: _F(t).linear(x, w, b),
     label="3d")
case("linear_relu", lambda x, w, b: ag.linear_relu(x, w, b), [S((4, 3)), S((2, 3)), S((2,))],
     lambda t, x, w, b: t.relu(_F(t).linear(x, w, b)))
case("linear_relu", lambda x, w: ag.linear_relu(x, w), [S((2, 4, 3)), S((2, 3))], lambda t, x, w: t.relu(_F(t).linear(x, w)),
     label="3d-no-bias")

# ======================= in-place ops (on clones, so gradients flow) =======================
same("add_", lambda t, a, b: a.clone().add_(b), [S((2, 3)), S((3,))], covers=("Tensor.add_",))
same("add_", lambda t, a, b: a.clone().add_(b, alpha=-2), [S((2, 3)), S((2, 1))], label="alpha")
same("sub_", lambda t, a, b: a.clone().sub_(b), [S((2, 3)), S((3,))], covers=("Tensor.sub_",))
same("sub_", lambda t, a, b: a.clone().sub_(b, alpha=0.5), [S((2, 3)), S((3,))], label="alpha")
same("mul_", lambda t, a, b: a.clone().mul_(b), [S((2, 3)), S((3,))], covers=("Tensor.mul_",))
same("div_", lambda t, a, b: a.clone().div_(b), [S((2, 3)), S((3,), "nonzero")], covers=("Tensor.div_",))
same("zero_", lambda t, a: a.clone().zero_() + a, [S((2, 3))], covers=("Tensor.zero_",))
same("fill_", lambda t, a: a.clone().fill_(1.5) * a, [S((2, 3))], covers=("Tensor.fill_",))
same("fill_", lambda t, a, v: a.clone().fill_(v) * a, [S((2, 3)), S(())], label="tensor-value")
same("copy_", lambda t, a, b: a.clone().copy_(b) * a, [S((2, 3)), S((3,))], covers=("Tensor.copy_",))
same("clamp_", lambda t, a: a.clone().clamp_(-0.5, 0.5), [S((2, 3))], covers=("Tensor.clamp_",))


def _iop(op):
    def f(t, a, b):
        c = a.clone()
        c = op(c, b)
        return c
    return f


same("add_", _iop(operator.iadd), [S((2, 3)), S((3,))], label="iadd", covers=("Tensor.__iadd__",))
same("sub_", _iop(operator.isub), [S((2, 3)), S((3,))], label="isub", covers=("Tensor.__isub__",))
same("mul_", _iop(operator.imul), [S((2, 3)), S((3,))], label="imul", covers=("Tensor.__imul__",))
same("div_", _iop(operator.itruediv), [S((2, 3)), S((3,), "nonzero")], label="itruediv", covers=("Tensor.__itruediv__",))
same("add_", lambda t, a: a.add_(1), [S((3,), (0, 5), "int64")], label="no-grad-int", nondiff=True)

# ======================= edge cases: NaN/inf, 0-d tensors, dtype promotion (values and PyTorch's gradients) ==========
NAN = float("nan")
EDGE = {"gradcheck": False}
same("max", lambda t, a: a.max(), [S(value=[1.0, NAN, 2.0])], label="nan", **EDGE)
same("max", lambda t, a: a.max(dim=0), [S(value=[1.0, NAN, 2.0])], label="dim-nan", **EDGE)
same("maximum", lambda t, a, b: t.maximum(a, b), [S(value=[1.0, NAN, 2.0]), S(value=[NAN, 0.0, 2.0])], label="nan", **EDGE)
same("minimum", lambda t, a, b: t.minimum(a, b), [S(value=[1.0, NAN, 2.0]), S(value=[NAN, 0.0, 2.0])], label="nan", **EDGE)
same("clamp", lambda t, a: a.clamp(0, 1), [S(value=[NAN, 0.5, 2.0])], label="nan", **EDGE)
same("logsumexp", lambda t, a: a.logsumexp(dim=1), [S(value=[[-INF, 0.0], [0.0, 1.0]])], label="neginf", **EDGE)
same("softmax", lambda t, a: a.softmax(1), [S(value=[[-INF, 0.0], [1.0, 2.0]])], label="neginf", **EDGE)
same("log_softmax", lambda t, a: a.log_softmax(1), [S(value=[[-INF, 0.0], [1.0, 2.0]])], label="neginf", **EDGE)
same("sqrt", lambda t, a: a.sqrt(), [S(value=[0.0, 4.0])], label="at-zero", **EDGE)
same("log", lambda t, a: a.log(), [S(value=[0.0, 4.0])], label="at-zero", **EDGE)
same("pow", lambda t, a: a**0.5, [S(value=[0.0, 4.0, -1.0])], label="sqrt-at-zero", **EDGE)
same("div", lambda t, a: a / 0.0, [S(value=[1.0, 0.0, -1.0])], label="by-zero", **EDGE)
same("exp", lambda t, a: a.exp(), [S(value=[1000.0, 1.0])], label="overflow", **EDGE)
same("tanh", lambda t, a: a.tanh(), [S(value=[-400.0, 400.0])], label="extreme", **EDGE)
case("silu", lambda a: ag.silu(a), [S(value=[-800.0, 800.0])], lambda t, a: _F(t).silu(a), label="extreme", **EDGE)
case("gelu", lambda a: ag.gelu(a), [S(value=[-40.0, 40.0])], lambda t, a: _F(t).gelu(a), label="extreme", **EDGE)
case("softplus", lambda a: ag.softplus(a), [S(value=[20.0, 25.0, -30.0])], lambda t, a: _F(t).softplus(a), label="threshold",
     **EDGE)
case("elu", lambda a: ag.elu(a), [S(value=[0.0, 2.0])], lambda t, a: _F(t).elu(a), label="at-zero", **EDGE)
for _name, _g in [("sum", lambda t, a: a.sum(0)), ("max", lambda t, a: a.max(0)), ("softmax", lambda t, a: a.softmax(0)),
                  ("log_softmax", lambda t, a: a.log_softmax(-1)), ("logsumexp", lambda t, a: a.logsumexp(0)),
                  ("prod", lambda t, a: a.prod(0)), ("var", lambda t, a: a.var(0, correction=0)), ("norm", lambda t, a: a.norm()),
                  ("argmax", lambda t, a: a.argmax(0)), ("expand", lambda t, a: a.expand(2, 3)),
                  ("unsqueeze", lambda t, a: a.unsqueeze(0)), ("squeeze", lambda t, a: a.squeeze()), ("t", lambda t, a: a.t()),
                  ("reshape", lambda t, a: a.reshape(-1)), ("getitem", lambda t, a: a[None, ...])]:
    same(_name, _g, [S(())], label="0d-dim", nondiff=_name == "argmax")
same("stack", lambda t, a, b: t.stack([a, b]), [S(()), S(())], label="0d")
same("where", lambda t, c: t.where(c, 1.0, 0.0), [S(value=[True, False], dtype="bool")], label="two-scalars")
same("where", lambda t, c, a: t.where(c, a, 0.5), [S(value=[True, False], dtype="bool"), S(value=[1, 2], dtype="int64")],
     label="int-pyfloat")
same("cat", lambda t, a, b: t.cat([a, b]), [S(value=[1, 2], dtype="int64"), S((2,), dtype="float32")], label="int-float32")
same("cat", lambda t, a, b: t.cat([a, b]), [S(value=np.zeros((0, 3))), S((2, 3))], label="empty")
same("stack", lambda t, a, b: t.stack([a, b]), [S(value=[1, 2], dtype="int64"), S((2,), dtype="float32")], label="int-float32")
same("clamp", lambda t, a: a.clamp(0.5), [S(value=[-1, 2], dtype="int64")], label="int-float-bound")
same("clamp", lambda t, a: a.clamp(0, 1), [S(value=[-1, 2], dtype="int64")], label="int")
same("minimum", lambda t, a, b: t.minimum(a, b), [S(value=[-1, 2], dtype="int64"), S(value=[0.5, 0.5])], label="int-float")
same("mul", lambda t, a, b: a * b, [S(value=[1, 2], dtype="float16"), S(value=3, dtype="float32")], label="float16*0d-float32")
same("mul", lambda t, a, b: a * b, [S(value=[1, 2], dtype="int32"), S(value=3, dtype="float64")], label="int32*0d-float64")
same("mul", lambda t, a: a * 2.5, [S(value=[1, 2], dtype="int32")], label="int32*pyfloat")
same("add", lambda t, a, b: a + b, [S(value=[1, 2], dtype="int32"), S(value=3, dtype="int64")], label="int32+0d-int64")
same("add", lambda t, a, b: a + b, [S(value=[True, False], dtype="bool"), S(value=[True, True], dtype="bool")], label="bool+bool")
same("add", lambda t, a: a + 2, [S(value=[True, False], dtype="bool")], label="bool+pyint")
same("div", lambda t, a: a / 2, [S(value=[1, 2], dtype="int32")], label="int32/pyint")
same("mean", lambda t, a: a.mean(dtype=t.float64), [S((3,), dtype="float32")], label="dtype")
same("sum", lambda t, a: a.sum(), [S(value=np.zeros((0, 3)))], label="empty")
same("sum", lambda t, a: a.sum(0), [S(value=np.zeros((0, 3)))], label="empty-dim")
same("prod", lambda t, a: a.prod(), [S(value=[True, True], dtype="bool")], label="bool")
same("max", lambda t, a: a.max(dim=0), [S(value=[[1, 5], [3, 2]], dtype="int64")], label="int-dim")
same("getitem", lambda t, a: a[1:1], [S((3, 2))], label="empty")
same("getitem", lambda t, a: a[a.sum() > 100], [S((3,))], label="0d-mask")
case("linear", lambda x, w, b: ag.linear(x, w, b), [S((3,)), S((2, 3)), S((2,))], lambda t, x, w, b: _F(t).linear(x, w, b),
     label="1d-input")
same("softmax", lambda t, a: a.softmax(0, dtype=t.float64), [S((3,), dtype="float32")], label="dtype")
