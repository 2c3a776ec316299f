"""The layer cases of the op registry (``nn/functional/layer_cases.py``): gradcheck, gradgradcheck,
PyTorch agreement (float64 and float32), Numba kernels against their twins, non-contiguous inputs."""

from __future__ import annotations

import numpy as np
import pytest

testing = pytest.importorskip("autograd.testing")
layer_cases = pytest.importorskip("nn.functional.layer_cases")

CASES = layer_cases.CASES
IDS = [c.id for c in CASES]


def _report(r):
    return f"{r.case} {r.check}: {r.message}"


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_gradcheck(case):
    r = testing.check_gradcheck(case)
    assert r.passed, _report(r)
    r = testing.check_gradgradcheck(case)
    assert r.passed, _report(r)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_against_pytorch(case):
    torch = pytest.importorskip("torch", reason="PyTorch is not installed: agreement with it is not checked")
    for dtype in (np.float64, np.float32):
        r = testing.check_torch(case, torch, dtype=dtype)
        assert r.passed, _report(r)


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_kernels_and_layouts(case):
    r = testing.check_kernels(case)
    assert r.passed, _report(r)
    r = testing.check_layouts(case, layouts=["transposed"] * len(case.inputs))
    assert r.passed, _report(r)


def test_every_layer_has_a_case():
    import nn.functional as F

    names = {c.name for c in CASES}
    for fn in (
        "linear",
        "conv2d",
        "max_pool2d",
        "avg_pool2d",
        "pad",
        "batch_norm",
        "layer_norm",
        "embedding",
        "dropout",
        "dropout2d",
        "one_hot",
    ):
        assert hasattr(F, fn) and "nn.functional." + fn in names
    for mod in ("Linear", "Conv2d", "BatchNorm1d", "BatchNorm2d", "LayerNorm", "Embedding"):
        assert "nn." + mod in names
