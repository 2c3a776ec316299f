"""Smoke tests of ``benchmarks/``: the gradient report (exit codes, JSON, Markdown, a user's wrong Function
caught), the speed report's quick mode, the NumPy MLP baseline, and the doctests of the benchmark modules.

No timing is asserted anywhere: the speed report is only checked to run and to write its JSON.
"""

from __future__ import annotations

import doctest
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:
    import torch
except ImportError:  # the PyTorch parts are skipped, with a reason
    torch = None

WRONG_OPS = '''
import autograd as ag
from autograd.testing import InputSpec, OpCase, register


class WrongCube(ag.Function):
    """x**3 with a wrong gradient (2x^2 instead of 3x^2)."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.data ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2 * x * x


register(OpCase("wrong_cube", WrongCube.apply, [InputSpec((2, 3))], torch_fn=lambda torch, x: x ** 3,
                family="elementwise"))
'''


def _run(module: str, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


# ---- the gradient report ---------------------------------------------------------------------------------
def test_gradient_report_on_two_ops_passes_and_writes_json_and_markdown(tmp_path):
    res = _run("benchmarks.gradients", "--op", "tanh", "--op", "nn.functional.cross_entropy", "--op", "optim.Lion",
               "--out", str(tmp_path))
    assert res.returncode == 0, res.stdout + res.stderr
    assert "all passing" in res.stdout
    data = json.loads((tmp_path / "gradients.json").read_text())
    assert data["summary"]["all_passed"] is True
    assert [r["op"] for r in data["ops"]] == ["tanh", "nn.functional.cross_entropy", "optim.Lion"]
    checks = {r["check"] for r in data["records"] if not r.get("skipped")}
    assert {"fd64", "fd64-2", "fd32", "fd32-2", "layout-sliced", "formula-f64"} <= checks
    assert "numba-twins-f32" in checks or data["meta"]["kernels"] == "numpy"
    if torch is not None:
        assert {"torch-f64", "torch-f32"} <= checks and data["meta"]["torch_status"] == "compared"
    else:
        assert data["meta"]["torch_status"] == "unavailable"
    md = (tmp_path / "gradients.md").read_text()
    assert "| op | cases | checks | max abs err |" in md and "| tanh |" in md and "all passing" in md


def test_gradient_report_fails_on_a_wrong_custom_function(tmp_path):
    user = tmp_path / "wrong_ops.py"
    user.write_text(WRONG_OPS)
    res = _run("benchmarks.gradients", "--module", str(user), "--op", "wrong_cube", "--op", "tanh", "--out", str(tmp_path))
    assert res.returncode == 1, res.stdout + res.stderr
    assert "FAILED" in res.stdout and "wrong_cube" in res.stdout
    data = json.loads((tmp_path / "gradients.json").read_text())
    assert data["summary"]["all_passed"] is False
    rows = {r["op"]: r for r in data["ops"]}
    assert rows["tanh"]["passed"] and not rows["wrong_cube"]["passed"]
    failed = {r["check"] for r in data["records"] if r["case"] == "wrong_cube" and not r["passed"]}
    assert {"fd64", "fd32", "broadcast-1"} <= failed
    if torch is not None:
        assert "torch-f64" in failed
    fd64 = next(r for r in data["records"] if r["case"] == "wrong_cube" and r["check"] == "fd64")
    assert "worst element" in fd64["message"] and fd64["max_abs"] > 0.1
    md = (tmp_path / "gradients.md").read_text()
    assert "## Failures" in md and "### wrong_cube: fd64" in md and "FAIL" in md


def test_gradient_report_with_nothing_selected_exits_2(tmp_path):
    res = _run("benchmarks.gradients", "--op", "no_such_op", "--out", str(tmp_path))
    assert res.returncode == 2 and "no case matches" in res.stderr


# ---- the speed report -----------------------------------------------------------------------------------
def test_speed_quick_chain_writes_json_and_plot(tmp_path):
    res = _run("benchmarks.speed", "--quick", "--only", "chain", "--out", str(tmp_path))
    assert res.returncode == 0, res.stdout + res.stderr
    data = json.loads((tmp_path / "speed.json").read_text())
    assert list(data["sections"]) == ["chain"] and data["meta"]["quick"] is True
    chain = data["sections"]["chain"]
    assert "error" not in chain and chain["figures"]["us_per_op_ours"] > 0
    if torch is not None:
        assert chain["ratios"][0]["target"] == 0.45 and (tmp_path / "speed_chain.png").stat().st_size > 0
        assert data["targets"][0]["label"] == "100-op chain"


# ---- the NumPy baseline ---------------------------------------------------------------------------------
@pytest.mark.skipif(torch is None, reason="PyTorch is not installed: the NumPy MLP is not compared with it")
def test_numpy_mlp_step_matches_torch():
    from benchmarks.numpy_mlp import NumpyMLP

    torch.manual_seed(0)
    tm = torch.nn.Sequential(torch.nn.Linear(12, 8), torch.nn.ReLU(), torch.nn.Linear(8, 5)).double()
    opt = torch.optim.Adam(tm.parameters(), lr=1e-2)
    net = NumpyMLP((12, 8, 5), lr=1e-2, dtype=np.float64)
    net.load([p.detach().numpy() for p in tm.parameters()])
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((6, 12)), rng.integers(0, 5, 6)
    for _ in range(3):
        ours = net.step(x, y)
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(tm(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        opt.step()
        assert abs(ours - loss.item()) < 1e-12
    for a, p in zip(net.params(), tm.parameters()):
        np.testing.assert_allclose(a, p.detach().numpy(), rtol=1e-9, atol=1e-12)


# ---- doctests of the benchmark modules ------------------------------------------------------------------
DOCTESTED = ["tables", "machine", "kernel_sets", "numpy_mlp", "speed_plots", "profiles", "optim_checks", "grad_checks",
             "gradients", "speed_kernels", "speed_training", "timing"]


@pytest.mark.parametrize("name", DOCTESTED)
def test_doctests(name):
    module = importlib.import_module(f"benchmarks.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
