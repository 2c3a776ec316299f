"""The main job, python -m nn.train_digits: outputs, options, clear errors before training."""

import json
import os
import subprocess
import sys

import pytest

import autograd as ag

pytest.importorskip("optim", reason="optim is not importable yet")
from nn.train_digits import build_parser, main  # noqa: E402
from nn.training import History, load_checkpoint  # noqa: E402


def test_short_run_writes_every_output(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["--hidden", "32", "--epochs", "4", "--out", str(out), "--progress", "off", "--schedule", "cosine"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "test accuracy:" in printed and "epoch" in printed and "train_loss" in printed
    for name in ("best.ngd", "history.csv", "summary.json"):
        assert (out / name).is_file(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["epochs_run"] == 4 and 0.5 < summary["test_accuracy"] <= 1.0
    ckpt = ag.load(out / "best.ngd")
    assert ckpt["epoch"] == summary["best_epoch"]
    assert History.from_dict(ckpt["history"]).epochs[-1]["epoch"] == ckpt["epoch"]
    from nn.train_digits import build_model

    load_checkpoint(out / "best.ngd", build_model(64, [32], 10, "relu", 0.1))
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return
    assert (out / "history.png").read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("opt,schedule", [("sgd", "onecycle"), ("adamw", "warmup-cosine"), ("lion", "step")])
def test_optimizer_and_schedule_options(tmp_path, opt, schedule):
    code = main(["--hidden", "16", "--epochs", "2", "--out", str(tmp_path), "--progress", "off", "--no-graph",
                 "--optimizer", opt, "--schedule", schedule, "--dropout", "0"])
    assert code == 0


def test_require_accuracy_fails_the_job(tmp_path):
    assert main(["--hidden", "8", "--epochs", "1", "--out", str(tmp_path), "--progress", "off", "--no-graph",
                 "--require-accuracy", "1.01"]) == 1


def test_unusable_output_folder_fails_before_training(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(SystemExit, match="cannot create the output folder"):
        main(["--out", str(blocker / "sub")])
    assert "epoch" not in capsys.readouterr().out


def test_bad_options_are_rejected():
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--epochs", "0"])
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--dropout", "1.5"])
    with pytest.raises(SystemExit, match="--val-fraction must be > 0"):
        main(["--val-fraction", "0"])


def test_help_runs_as_a_module():
    r = subprocess.run([sys.executable, "-m", "nn.train_digits", "--help"], capture_output=True, text=True, timeout=120,
                       cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert r.returncode == 0 and "--optimizer" in r.stdout and "--schedule" in r.stdout and "--out" in r.stdout
