"""Op-registry entries for the layers of ``nn`` (``autograd.testing``): functional forms and modules.

Importing this module registers ``OpCase``s for ``linear``, ``conv2d``, ``max_pool2d``,
``avg_pool2d``, ``pad``, ``batch_norm``, ``layer_norm``, ``embedding``, ``dropout`` (with a
fixed mask) and for the modules ``nn.Linear``, ``nn.Conv2d``, ``nn.BatchNorm1d``/``2d``
(outputs and running statistics), ``nn.LayerNorm`` and ``nn.Embedding``, each with its PyTorch
counterpart. ``tests/nn/test_layer_registry.py`` runs the registry's checks on them.

Example:
    >>> from autograd.testing import cases, check_gradcheck
    >>> import nn.functional.layer_cases
    >>> all(check_gradcheck(c) for c in cases("nn.functional.conv2d[stride2_pad1]"))
    True
"""

from __future__ import annotations

import numpy as np

import nn
import nn.functional as F
from autograd.testing import InputSpec, OpCase, register

from .dropout import Dropout as _DropoutFn

S = InputSpec
PREFIX = "nn.functional."
CASES: list = []  # every case this module registers
_MASK = (np.random.default_rng(7).random((4, 5)) >= 0.3) / 0.7
_CHANNEL_MASK = (np.random.default_rng(8).random((3, 4, 1, 1)) >= 0.5) / 0.5


def _ints(values) -> InputSpec:
    return S(value=values, dtype="int64")


def fcase(name: str, g, inputs, **kw) -> OpCase:
    """Register ``g(F, *inputs)`` as a case of ``nn.functional.<name>``; PyTorch runs ``g(torch.nn.functional, ...)``."""
    case = OpCase(
        PREFIX + name,
        lambda *xs, **k: g(F, *xs, **k),
        inputs,
        torch_fn=lambda torch, *xs, **k: g(torch.nn.functional, *xs, **k),
        **kw,
    )
    CASES.append(register(case))
    return case


def _with_params(module, **params):
    """``module`` with its parameters replaced by the given tensors (so gradients reach them)."""
    for name, t in params.items():
        module._parameters[name] = t
    return module


def mcase(name: str, build, inputs, param_names=("weight", "bias"), buffers=(), **kw) -> OpCase:
    """Register a module case: ``build(nn, x)`` makes the module (fresh per call), the inputs after ``x``
    are its parameters; the outputs are the module's output and then the named buffers (compared with
    PyTorch's; finite differences are then off, since the buffers change with the input but have no gradient)."""
    if buffers:
        kw.setdefault("gradcheck", False)

    def ours(x, *ps):
        m = _with_params(build(nn, x), **dict(zip(param_names, ps)))
        out = m(x)
        return (out, *[getattr(m, b) for b in buffers]) if buffers else out

    def theirs(torch, x, *ps):
        m = build(torch.nn, x)
        out = torch.func.functional_call(m, dict(zip(param_names, ps)), (x,))
        return (out, *[getattr(m, b) for b in buffers]) if buffers else out

    case = register(OpCase("nn." + name, ours, inputs, torch_fn=theirs, **kw))
    CASES.append(case)
    return case


def _dt(x):
    """The torch or autograd dtype matching ``x``'s (modules are built in the input's dtype)."""
    return x.dtype


# ---- functional -------------------------------------------------------------------------------
fcase("linear", lambda F, x, w, b: F.linear(x, w, b), [S((3, 4)), S((2, 4)), S((2,))])
fcase("linear", lambda F, x, w: F.linear(x, w), [S((2, 3, 4)), S((5, 4))], label="batched_nobias")

_X, _W, _B = S((2, 3, 6, 5)), S((4, 3, 3, 3)), S((4,))
fcase("conv2d", lambda F, x, w, b, **k: F.conv2d(x, w, b, **k), [_X, _W, _B])
fcase(
    "conv2d", lambda F, x, w, b, **k: F.conv2d(x, w, b, **k), [_X, _W, _B], kwargs=dict(stride=2, padding=1), label="stride2_pad1"
)
fcase(
    "conv2d",
    lambda F, x, w, **k: F.conv2d(x, w, None, **k),
    [S((1, 2, 7, 6)), S((3, 2, 2, 3))],
    kwargs=dict(dilation=(2, 1), padding=(1, 2)),
    label="dilated_nobias",
)
fcase(
    "conv2d",
    lambda F, x, w, b, **k: F.conv2d(x, w, b, **k),
    [S((2, 4, 5, 5)), S((6, 2, 3, 3)), S((6,))],
    kwargs=dict(groups=2),
    label="groups2",
)
fcase(
    "conv2d",
    lambda F, x, w, **k: F.conv2d(x, w, **k),
    [S((1, 2, 5, 4)), S((2, 2, 2, 2))],
    kwargs=dict(padding="same"),
    label="same_even_kernel",
)
fcase(
    "conv2d", lambda F, x, w, **k: F.conv2d(x, w, **k), [S((2, 5, 4)), S((3, 2, 3, 3))], kwargs=dict(padding=1), label="unbatched"
)

_P = S((2, 2, 6, 7), "distinct")
fcase("max_pool2d", lambda F, x, **k: F.max_pool2d(x, **k), [_P], kwargs=dict(kernel_size=2))
fcase("max_pool2d", lambda F, x, **k: F.max_pool2d(x, **k), [_P], kwargs=dict(kernel_size=3, stride=2, padding=1), label="pad1")
fcase(
    "max_pool2d", lambda F, x, **k: F.max_pool2d(x, **k), [_P], kwargs=dict(kernel_size=3, stride=2, ceil_mode=True), label="ceil"
)
fcase(
    "max_pool2d", lambda F, x, **k: F.max_pool2d(x, **k), [_P], kwargs=dict(kernel_size=2, stride=1, dilation=2), label="dilated"
)
fcase("max_pool2d", lambda F, x, **k: F.max_pool2d(x, 2, return_indices=True), [_P], label="indices")
_A = S((2, 2, 6, 7))
fcase("avg_pool2d", lambda F, x, **k: F.avg_pool2d(x, **k), [_A], kwargs=dict(kernel_size=2))
fcase("avg_pool2d", lambda F, x, **k: F.avg_pool2d(x, **k), [_A], kwargs=dict(kernel_size=3, stride=2, padding=1), label="pad1")
fcase(
    "avg_pool2d",
    lambda F, x, **k: F.avg_pool2d(x, **k),
    [_A],
    kwargs=dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
    label="ceil_exclude_pad",
)
fcase("avg_pool2d", lambda F, x, **k: F.avg_pool2d(x, **k), [_A], kwargs=dict(kernel_size=2, divisor_override=3), label="divisor")

for _mode in ("constant", "reflect", "replicate", "circular"):
    fcase("pad", lambda F, x, **k: F.pad(x, (1, 2, 2, 1), **k), [S((2, 3, 4, 5))], kwargs=dict(mode=_mode), label=_mode)
fcase("pad", lambda F, x: F.pad(x, (-1, 2), value=0.5), [S((3, 4))], label="crop_value")

_BN = [S((6, 3, 4)), S((3,)), S((3,))]
fcase("batch_norm", lambda F, x, w, b: F.batch_norm(x, None, None, w, b, True), _BN, label="train")
fcase(
    "batch_norm",
    lambda F, x, w, b, rm, rv: F.batch_norm(x, rm, rv, w, b, False, 0.1, 1e-3),
    _BN + [S((3,), requires_grad=False), S((3,), "positive", requires_grad=False)],
    label="eval",
)
fcase("layer_norm", lambda F, x, w, b: F.layer_norm(x, (4, 5), w, b), [S((3, 4, 5)), S((4, 5)), S((4, 5))])
fcase("layer_norm", lambda F, x: F.layer_norm(x, (5,), eps=1e-3), [S((3, 5))], label="no_affine")

_IDX = _ints([[0, 2, 2], [5, 1, 0]])
fcase("embedding", lambda F, i, w, **k: F.embedding(i, w, **k), [_IDX, S((6, 3))])
fcase(
    "embedding",
    lambda F, i, w, **k: F.embedding(i, w, **k),
    [_IDX, S((6, 3))],
    kwargs=dict(padding_idx=2),
    label="padding_idx",
    gradcheck=False,
)
fcase(
    "embedding",
    lambda F, i, w, **k: F.embedding(i, w, **k),
    [_IDX, S((6, 3))],
    kwargs=dict(scale_grad_by_freq=True),
    label="scale_grad_by_freq",
    gradcheck=False,
)
CASES.append(
    register(
        OpCase(
            PREFIX + "dropout",
            lambda x: _DropoutFn.apply(x, _MASK.astype(x.dtype)),
            [S((4, 5))],
            torch_fn=lambda torch, x: x * torch.from_numpy(_MASK).to(x.dtype),
            label="fixed_mask",
        )
    )
)
CASES.append(
    register(
        OpCase(
            PREFIX + "dropout2d",
            lambda x: _DropoutFn.apply(x, _CHANNEL_MASK.astype(x.dtype)),
            [S((3, 4, 2, 3))],
            torch_fn=lambda torch, x: x * torch.from_numpy(_CHANNEL_MASK).to(x.dtype),
            label="fixed_channel_mask",
        )
    )
)
fcase("one_hot", lambda F, i: F.one_hot(i, 6), [_ints([[0, 5], [2, 2]])], nondiff=True)

# ---- modules ------------------------------------------------------------------------------------
mcase("Linear", lambda nn, x: nn.Linear(4, 3, dtype=_dt(x)), [S((5, 4)), S((3, 4)), S((3,))])
mcase("Conv2d", lambda nn, x: nn.Conv2d(2, 3, 3, stride=2, padding=1, dtype=_dt(x)), [S((2, 2, 5, 6)), S((3, 2, 3, 3)), S((3,))])
mcase(
    "Conv2d",
    lambda nn, x: nn.Conv2d(2, 2, 3, padding=1, padding_mode="reflect", bias=False, dtype=_dt(x)),
    [S((1, 2, 4, 5)), S((2, 2, 3, 3))],
    param_names=("weight",),
    label="reflect",
)
_STATS = ("running_mean", "running_var", "num_batches_tracked")
mcase("BatchNorm1d", lambda nn, x: nn.BatchNorm1d(3, dtype=_dt(x)), [S((8, 3)), S((3,)), S((3,))], label="train")
mcase(
    "BatchNorm1d",
    lambda nn, x: nn.BatchNorm1d(3, dtype=_dt(x)),
    [S((8, 3)), S((3,)), S((3,))],
    buffers=_STATS,
    label="train_stats",
)
mcase(
    "BatchNorm1d",
    lambda nn, x: nn.BatchNorm1d(3, momentum=None, dtype=_dt(x)),
    [S((4, 3, 5)), S((3,)), S((3,))],
    buffers=_STATS,
    label="cumulative",
)
mcase("BatchNorm1d", lambda nn, x: nn.BatchNorm1d(3, dtype=_dt(x)).eval(), [S((8, 3)), S((3,)), S((3,))], label="eval")
mcase(
    "BatchNorm1d",
    lambda nn, x: nn.BatchNorm1d(3, affine=False, track_running_stats=False, dtype=_dt(x)).eval(),
    [S((8, 3))],
    param_names=(),
    label="no_stats_eval",
)
mcase(
    "BatchNorm2d",
    lambda nn, x: nn.BatchNorm2d(2, momentum=0.3, dtype=_dt(x)),
    [S((3, 2, 4, 4)), S((2,)), S((2,))],
    buffers=_STATS,
)
mcase("LayerNorm", lambda nn, x: nn.LayerNorm(6, dtype=_dt(x)), [S((2, 3, 6)), S((6,)), S((6,))])
mcase(
    "Embedding",
    lambda nn, x: nn.Embedding(6, 3, padding_idx=0, dtype=None),
    [_IDX, S((6, 3))],
    param_names=("weight",),
    gradcheck=False,
)
