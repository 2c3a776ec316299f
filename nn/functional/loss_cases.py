"""Op-registry entries for the activations and losses of ``nn.functional`` (``autograd.testing``).

Importing this module registers one ``OpCase`` per way of calling each function (reductions,
weights, ``ignore_index``, label smoothing, probability targets, ...), each with its PyTorch
counterpart. ``tests/nn`` runs gradcheck, gradgradcheck and the PyTorch comparison on them.

Example:
    >>> from autograd.testing import cases, check_gradcheck
    >>> import nn.functional.loss_cases
    >>> all(check_gradcheck(c) for c in cases("nn.functional.mse_loss"))
    True
"""

from __future__ import annotations

import nn.functional as F
from autograd.testing import InputSpec, OpCase, cases, register

S = InputSpec
PREFIX = "nn.functional."


def _ints(values) -> InputSpec:
    return S(value=values, dtype="int64")


def _const(shape, domain="real", dtype="float64") -> InputSpec:
    return S(shape, domain, dtype, requires_grad=False)


def fcase(name: str, g, inputs, **kw) -> OpCase:
    """Register ``g(F, *inputs)`` as a case of ``nn.functional.<name>``, with ``g(torch.nn.functional, ...)`` for PyTorch."""
    return register(OpCase(PREFIX + name, lambda *xs, **k: g(F, *xs, **k), inputs,
                           torch_fn=lambda torch, *xs, **k: g(torch.nn.functional, *xs, **k), **kw))


def _torch_sigmoid_focal(torch, x, t, alpha=0.25, gamma=2, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss, verbatim (torchvision is not a test dependency)."""
    p = torch.sigmoid(x)
    ce = torch.nn.functional.binary_cross_entropy_with_logits(x, t, reduction="none")
    p_t = p * t + (1 - p) * (1 - t)
    loss = ce * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * t + (1 - alpha) * (1 - t)) * loss
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def _torch_focal(torch, x, t, alpha=None, gamma=2.0, reduction="mean", ignore_index=-100):
    """The multi-class focal loss written with PyTorch ops (the reference for ``focal_loss``)."""
    logp = torch.log_softmax(x, 1)
    keep = t != ignore_index
    tk = torch.where(keep, t, torch.zeros_like(t))
    logpt = logp.gather(1, tk.unsqueeze(1)).squeeze(1)
    loss = -logpt * (1 - logpt.exp()) ** gamma
    at = keep.to(x.dtype)
    if alpha is not None:
        at = at * torch.tensor(alpha, dtype=x.dtype)[tk]
    loss = loss * at
    return {"none": loss, "sum": loss.sum(), "mean": loss.sum() / keep.sum()}[reduction]


# ======================= activations =======================
X = [S((3, 4), "wide")]
fcase("relu", lambda F, x: F.relu(x), [S((3, 4), "nonzero")])
fcase("relu", lambda F, x: F.relu(x * 1.0, inplace=True), [S((3, 4), "nonzero")], label="inplace",
      covers=("nn.functional.relu_",))
fcase("relu6", lambda F, x: F.relu6(x * 4.0), [S((3, 4), "distinct")])
fcase("hardtanh", lambda F, x: F.hardtanh(x, -0.5, 0.7), [S((3, 4), "distinct")])
fcase("leaky_relu", lambda F, x: F.leaky_relu(x, 0.2), [S((3, 4), "nonzero")])
fcase("elu", lambda F, x: F.elu(x, alpha=0.7), [S((3, 4), "nonzero")])
fcase("elu", lambda F, x: F.elu(x * 1.0, inplace=True), [S((3, 4), "nonzero")], label="inplace")
fcase("gelu", lambda F, x: F.gelu(x), X)
fcase("gelu", lambda F, x: F.gelu(x, approximate="tanh"), X, label="tanh")
fcase("silu", lambda F, x: F.silu(x), X)
fcase("sigmoid", lambda F, x: F.sigmoid(x), X)
fcase("tanh", lambda F, x: F.tanh(x), X)
fcase("softplus", lambda F, x: F.softplus(x), X)
fcase("softplus", lambda F, x: F.softplus(x, beta=2.0, threshold=4.0), X, label="beta-threshold")
fcase("logsigmoid", lambda F, x: F.logsigmoid(x), X)
fcase("softmax", lambda F, x: F.softmax(x, dim=1), [S((2, 3, 4))])
fcase("log_softmax", lambda F, x: F.log_softmax(x, dim=-1), [S((3, 4))])

# ======================= regression losses =======================
P2 = [S((3, 4)), S((3, 4))]
for red in ("mean", "sum", "none"):
    fcase("mse_loss", lambda F, a, b, r=red: F.mse_loss(a, b, reduction=r), P2, label=red)
    fcase("l1_loss", lambda F, a, b, r=red: F.l1_loss(a, b, reduction=r), P2, label=red)
    fcase("huber_loss", lambda F, a, b, r=red: F.huber_loss(a, b, reduction=r, delta=0.8), P2, label=red)
    fcase("smooth_l1_loss", lambda F, a, b, r=red: F.smooth_l1_loss(a, b, reduction=r, beta=0.6), P2, label=red)
W3 = [S((3, 4)), S((3, 4)), S((3, 4), "positive")]
fcase("mse_loss", lambda F, a, b, w: F.mse_loss(a, b, weight=w), W3, label="weight")
fcase("l1_loss", lambda F, a, b, w: F.l1_loss(a, b, weight=w, reduction="sum"), W3, label="weight")
fcase("huber_loss", lambda F, a, b, w: F.huber_loss(a, b, delta=0.5, weight=w), W3, label="weight")
fcase("smooth_l1_loss", lambda F, a, b: F.smooth_l1_loss(a, b, beta=0.0), P2, label="beta0")

# ======================= binary classification =======================
PROB = S((3, 4), (0.05, 0.95))
for red in ("mean", "sum", "none"):
    fcase("binary_cross_entropy", lambda F, p, y, r=red: F.binary_cross_entropy(p, y, reduction=r), [PROB, S((3, 4), (0, 1))],
          label=red)
    fcase("binary_cross_entropy_with_logits", lambda F, x, y, r=red: F.binary_cross_entropy_with_logits(x, y, reduction=r),
          [S((3, 4), "wide"), S((3, 4), (0, 1))], label=red)
fcase("binary_cross_entropy", lambda F, p, y, w: F.binary_cross_entropy(p, y, w),
      [PROB, _const((3, 4), (0, 1)), _const((4,), "positive")], label="weight")
fcase("binary_cross_entropy_with_logits", lambda F, x, y, w, pw: F.binary_cross_entropy_with_logits(x, y, w, pos_weight=pw),
      [S((3, 4), "wide"), S((3, 4), (0, 1)), _const((3, 1), "positive"), _const((4,), "positive")], label="weight-pos_weight")
fcase("binary_cross_entropy_with_logits", lambda F, x, y: F.binary_cross_entropy_with_logits(x, y),
      [S(value=[1e4, -1e4, 0.0, 30.0]), _const((4,), (0, 1))], label="large", gradcheck=False)

# ======================= cross-entropy and NLL =======================
T5 = _ints([0, 4, 2, 1, 4])
T5I = _ints([0, -100, 2, 1, 4])
for red in ("mean", "sum", "none"):
    fcase("cross_entropy", lambda F, x, t, r=red: F.cross_entropy(x, t, reduction=r), [S((5, 6), "wide"), T5], label=red)
    fcase("cross_entropy", lambda F, x, t, w, r=red: F.cross_entropy(x, t, w, reduction=r, label_smoothing=0.2),
          [S((5, 6)), T5I, _const((6,), "positive")], label="weight-ignore-smoothing-" + red)
    fcase("cross_entropy", lambda F, x, q, r=red: F.cross_entropy(x, q.softmax(1), reduction=r, label_smoothing=0.1),
          [S((4, 5)), _const((4, 5))], label="probs-" + red)
    fcase("nll_loss", lambda F, x, t, w, r=red: F.nll_loss(x, t, w, ignore_index=2, reduction=r),
          [S((5, 6)), T5, _const((6,), "positive")], label="weight-ignore-" + red)
fcase("cross_entropy", lambda F, x, t, w: F.cross_entropy(x, t, w), [S((5, 6)), T5, _const((6,), "positive")], label="weight")
fcase("cross_entropy", lambda F, x, t: F.cross_entropy(x, t, ignore_index=4), [S((5, 6)), T5], label="ignore")
fcase("cross_entropy", lambda F, x, t: F.cross_entropy(x, t, label_smoothing=0.3), [S((5, 6)), T5], label="smoothing")
fcase("cross_entropy", lambda F, x, t: F.cross_entropy(x, t, reduction="none"),
      [S((2, 3, 2, 2)), _ints([[[0, 2], [1, 1]], [[2, 0], [0, 1]]])], label="spatial")
fcase("cross_entropy", lambda F, x, t: F.cross_entropy(x, t, label_smoothing=0.1), [S((4,)), _ints(2)], label="unbatched")
fcase("cross_entropy", lambda F, x, q, w: F.cross_entropy(x, q, w), [S((3, 4)), S((3, 4), (0, 1)), _const((4,), "positive")],
      label="probs-grad-weight")
fcase("cross_entropy", lambda F, x, t: F.cross_entropy(x, t), [S(value=[[1e4, 0.0, -1e4], [0.0, 1e4, 1e4]]), _ints([1, 0])],
      label="large", gradcheck=False)
fcase("nll_loss", lambda F, x, t: F.nll_loss(x, t), [S((5, 6)), T5])
fcase("nll_loss", lambda F, x, t: F.nll_loss(x, t, reduction="none"), [S((2, 3, 2)), _ints([[0, 2], [1, 1]])], label="spatial")
fcase("nll_loss", lambda F, x, t: F.nll_loss(x, t), [S((4,)), _ints(3)], label="unbatched")

# ======================= distributions, focal =======================
fcase("kl_div", lambda F, x, t: F.kl_div(x.log_softmax(1), t.softmax(1), reduction="batchmean"), [S((3, 4)), S((3, 4))])
fcase("kl_div", lambda F, x, t: F.kl_div(x, t, reduction="sum", log_target=True), [S((3, 4)), S((3, 4))], label="log_target")
fcase("kl_div", lambda F, x, t: F.kl_div(x, t, reduction="none"), [S((3, 4)), _const((3, 4), (0, 1))], label="none")
fcase("kl_div", lambda F, x, t: F.kl_div(x, t, reduction="sum"), [S((3,)), S(value=[0.0, 0.5, 0.5], requires_grad=False)],
      label="zero-target")
register(OpCase(PREFIX + "sigmoid_focal_loss", lambda x, t, **k: F.sigmoid_focal_loss(x, t, **k),
                [S((3, 4), "wide"), _const((3, 4), (0, 1))], torch_fn=_torch_sigmoid_focal))
register(OpCase(PREFIX + "sigmoid_focal_loss", lambda x, t, **k: F.sigmoid_focal_loss(x, t, **k),
                [S((3, 4), "wide"), S((3, 4), (0, 1))], torch_fn=_torch_sigmoid_focal, label="mean-gamma3",
                kwargs={"alpha": 0.6, "gamma": 3, "reduction": "mean"}))
register(OpCase(PREFIX + "focal_loss", lambda x, t, **k: F.focal_loss(x, t, **k), [S((5, 6)), T5I], torch_fn=_torch_focal))
register(OpCase(PREFIX + "focal_loss", lambda x, t, **k: F.focal_loss(x, t, **k), [S((5, 6)), T5], torch_fn=_torch_focal,
                label="alpha-none", kwargs={"alpha": [0.5, 1.0, 2.0, 0.2, 0.3, 1.0], "gamma": 1.5, "reduction": "none"}))

# ======================= CTC =======================
_CTC_T = _ints([[1, 2, 2], [3, 1, 0], [4, 4, 4]])
fcase("ctc_loss", lambda F, z, t: F.ctc_loss(z.log_softmax(2), t, [7, 6, 7], [3, 2, 3]), [S((7, 3, 5)), _CTC_T], gradgrad=False)
fcase("ctc_loss", lambda F, z, t: F.ctc_loss(z.log_softmax(2), t, [7, 6, 7], [3, 2, 3], reduction="none", blank=4),
      [S((7, 3, 5)), _ints([[1, 2, 2], [3, 1, 0], [0, 0, 3]])], label="none-blank4", gradgrad=False)
fcase("ctc_loss", lambda F, z, t: F.ctc_loss(z.log_softmax(1), t, (6,), (2,), reduction="sum"), [S((6, 4)), _ints([1, 3])],
      label="unbatched", gradgrad=False)
fcase("ctc_loss", lambda F, z, t: F.ctc_loss(z.log_softmax(2), t, [5, 2], [2, 3], reduction="sum", zero_infinity=True),
      [S((5, 2, 4)), _ints([1, 2, 1, 2, 3])], label="concat-zero_infinity", gradgrad=False)
fcase("ctc_loss", lambda F, lp, t: F.ctc_loss(lp, t, [7, 6, 7], [3, 2, 3], reduction="none"),
      [S((7, 3, 5), (-3.0, -0.1)), _CTC_T], label="raw-log_probs", gradcheck=False)

# ======================= embeddings, ranking =======================
E3 = [S((4, 5)), S((4, 5)), S((4, 5))]
fcase("triplet_margin_loss", lambda F, a, p, n: F.triplet_margin_loss(a, p, n, margin=2.0), E3)
fcase("triplet_margin_loss", lambda F, a, p, n: F.triplet_margin_loss(a, p, n, margin=3.0, p=1, swap=True, reduction="none"), E3,
      label="p1-swap")
fcase("pairwise_distance", lambda F, a, b: F.pairwise_distance(a, b, p=3.0), [S((4, 5)), S((4, 5))])
fcase("margin_ranking_loss", lambda F, a, b, y: F.margin_ranking_loss(a, b, y, margin=0.3),
      [S((6,)), S((6,)), S(value=[1.0, -1.0, 1.0, 1.0, -1.0, -1.0], requires_grad=False)])
fcase("cosine_embedding_loss", lambda F, a, b, y: F.cosine_embedding_loss(a, b, y, margin=-0.5, reduction="none"),
      [S((4, 3)), S((4, 3)), S(value=[1.0, -1.0, 1.0, -1.0], requires_grad=False)])
fcase("cosine_embedding_loss", lambda F, a, b, y: F.cosine_embedding_loss(a, b, y),
      [S((5,)), S((5,)), S(value=-1.0, requires_grad=False)], label="1d", gradcheck=False)

NAMES = sorted({c.name for c in cases(lambda c: c.name.startswith(PREFIX))})
"""The ``nn.functional`` names with registry cases."""
