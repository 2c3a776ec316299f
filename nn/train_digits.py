"""The main job: train an MLP on the bundled handwritten digits with the whole pipeline.

``python -m nn.train_digits`` loads the digits (train/validation/test, stratified), builds an
MLP, and trains it with ``nn.training.fit``: a progress bar (in a terminal), a per-epoch table of
the monitored metrics, a learning-rate schedule, gradient clipping, early stopping with the best
weights restored, and the best checkpoint saved. It then reports the test accuracy and writes
into the output folder: ``best.ngd`` (the checkpoint), ``history.png`` (losses, accuracy,
gradient norm, learning rate), ``step_graph.svg`` (the computation graph of one training step,
coloured by gradient norm), ``history.csv`` and ``summary.json``.

``--mnist-root DIR`` trains on MNIST instead, from its IDX files in ``DIR``. See ``--help`` for
the options (model size, optimizer, learning rate, schedule, epochs, seed, output folder).

Example:
    >>> from nn.train_digits import build_parser
    >>> args = build_parser().parse_args(["--hidden", "32", "--epochs", "3", "--optimizer", "sgd"])
    >>> args.hidden, args.epochs, args.optimizer, args.schedule
    ([32], 3, 'sgd', 'plateau')
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import sys
import time
from pathlib import Path

import autograd as ag
import nn
from autograd.data import DataLoader, load_digits, load_mnist, random_split

from .training import EarlyStopping, ModelCheckpoint, evaluate, fit

OPTIMIZERS = ("adam", "adamw", "sgd", "nadam", "rmsprop", "lion", "adagrad")
SCHEDULES = ("none", "plateau", "cosine", "warmup-cosine", "step", "onecycle")
ACTIVATIONS = {"relu": "ReLU", "gelu": "GELU", "tanh": "Tanh", "silu": "SiLU", "leaky_relu": "LeakyReLU", "elu": "ELU"}
DEFAULT_LR = {"sgd": 0.05, "lion": 3e-4, "adagrad": 0.05}


def _positive_int(s: str) -> int:
    v = int(s)
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {s}")
    return v


def _fraction(s: str) -> float:
    v = float(s)
    if not 0 <= v < 1:
        raise argparse.ArgumentTypeError(f"must be in [0, 1), got {s}")
    return v


def build_parser() -> argparse.ArgumentParser:
    """The command-line options.

    Example:
        >>> from nn.train_digits import build_parser
        >>> build_parser().parse_args([]).out
        'runs/digits'
    """
    p = argparse.ArgumentParser(
        prog="python -m nn.train_digits",
        description="Train an MLP on the bundled UCI handwritten digits (or MNIST IDX files) with numbagrad's "
        "training pipeline: progress bar, per-epoch metrics, LR schedule, early stopping, best checkpoint, test accuracy.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    m = p.add_argument_group("model")
    m.add_argument("--hidden", type=_positive_int, nargs="+", default=[128, 64], metavar="N", help="hidden layer sizes")
    m.add_argument("--activation", choices=sorted(ACTIVATIONS), default="relu")
    m.add_argument("--dropout", type=_fraction, default=0.1, help="dropout after each hidden layer")
    o = p.add_argument_group("optimisation")
    o.add_argument("--optimizer", choices=OPTIMIZERS, default="adam")
    o.add_argument("--lr", type=float, default=None, help="learning rate (default: 3e-3 for Adam-type, 0.05 for SGD)")
    o.add_argument("--momentum", type=float, default=0.9, help="SGD / RMSprop momentum")
    o.add_argument("--weight-decay", type=float, default=0.0)
    o.add_argument("--schedule", choices=SCHEDULES, default="plateau",
                   help="LR schedule: plateau = ReduceLROnPlateau on the monitored metric; onecycle steps every batch")
    o.add_argument("--epochs", type=_positive_int, default=60, help="maximum number of epochs")
    o.add_argument("--batch-size", type=_positive_int, default=64)
    o.add_argument("--clip-grad-norm", type=float, default=5.0, help="clip the global gradient norm (0 = off)")
    o.add_argument("--label-smoothing", type=_fraction, default=0.0)
    o.add_argument("--patience", type=_positive_int, default=10, help="early-stopping patience in epochs")
    o.add_argument("--monitor", default="val_loss", choices=["val_loss", "val_accuracy"], help="metric for early stopping, "
                   "checkpoint and plateau schedule")
    d = p.add_argument_group("data and output")
    d.add_argument("--val-fraction", type=_fraction, default=0.15)
    d.add_argument("--test-fraction", type=_fraction, default=0.15)
    d.add_argument("--mnist-root", default=None, metavar="DIR", help="train on MNIST from the IDX files in DIR instead")
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--out", default="runs/digits", help="output folder (created if missing)")
    d.add_argument("--no-graph", action="store_true", help="do not draw the computation graph of one step")
    d.add_argument("--progress", choices=["auto", "on", "off"], default="auto", help="tqdm progress bar (auto: in a terminal)")
    d.add_argument("--require-accuracy", type=float, default=None, metavar="A",
                   help="exit with status 1 if the test accuracy is below A (e.g. 0.95)")
    return p


def prepare_output(folder: str | os.PathLike) -> Path:
    """Create the output folder and check it is writable, or exit with a clear message before any training."""
    out = Path(folder)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise SystemExit(f"error: cannot create the output folder {str(out)!r}: {e.strerror}") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise SystemExit(f"error: the output folder {str(out)!r} is not writable")
    return out


def build_model(n_in: int, hidden: list[int], n_out: int, activation: str, dropout: float) -> nn.Sequential:
    """``Linear -> activation -> Dropout`` per hidden size, then a ``Linear`` head.

    Example:
        >>> from nn.train_digits import build_model
        >>> build_model(64, [32], 10, "relu", 0.0)
        Sequential(
          (0): Linear(in_features=64, out_features=32, bias=True)
          (1): ReLU()
          (2): Linear(in_features=32, out_features=10, bias=True)
        )
    """
    layers, width = [], n_in
    for h in hidden:
        layers += [nn.Linear(width, h), getattr(nn, ACTIVATIONS[activation])()]
        if dropout > 0:
            layers.append(nn.Dropout(dropout))
        width = h
    layers.append(nn.Linear(width, n_out))
    return nn.Sequential(*layers)


def build_optimizer(name: str, params, lr: float, momentum: float, weight_decay: float):
    """An ``optim`` optimizer by name."""
    import optim

    if name == "sgd":
        return optim.SGD(params, lr=lr, momentum=momentum, nesterov=momentum > 0, weight_decay=weight_decay)
    if name == "rmsprop":
        return optim.RMSprop(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    cls = {"adam": optim.Adam, "adamw": optim.AdamW, "nadam": optim.NAdam, "lion": optim.Lion, "adagrad": optim.Adagrad}[name]
    return cls(params, lr=lr, weight_decay=weight_decay)


def build_schedule(name: str, opt, epochs: int, steps_per_epoch: int, lr: float, monitor: str):
    """The LR scheduler and how ``fit`` steps it (``"epoch"`` or ``"step"``)."""
    from optim import lr_scheduler as S

    if name == "none":
        return None, "epoch"
    if name == "plateau":
        return S.ReduceLROnPlateau(opt, mode="max" if "acc" in monitor else "min", factor=0.5, patience=3), "epoch"
    if name == "cosine":
        return S.CosineAnnealingLR(opt, T_max=epochs, eta_min=lr * 0.01), "epoch"
    if name == "warmup-cosine":
        warm = max(1, epochs // 10)
        return S.SequentialLR(opt, [S.LinearLR(opt, start_factor=0.1, total_iters=warm),
                                    S.CosineAnnealingLR(opt, T_max=max(1, epochs - warm), eta_min=lr * 0.01)], [warm]), "epoch"
    if name == "step":
        return S.StepLR(opt, step_size=max(1, epochs // 3), gamma=0.1), "epoch"
    return S.OneCycleLR(opt, max_lr=lr, total_steps=epochs * steps_per_epoch), "step"


def load_data(args):
    """``(train, val, test, n_features, n_classes, name)`` for the digits or MNIST."""
    if args.mnist_root:
        full = load_mnist(args.mnist_root, train=True)
        test = load_mnist(args.mnist_root, train=False)
        n_val = round(len(full) * args.val_fraction)
        train, val = random_split(full, [len(full) - n_val, n_val], generator=ag.Generator().manual_seed(args.seed))
        return train, val, test, full.tensors[0].shape[1], 10, "MNIST"
    train, val, test = load_digits(val_fraction=args.val_fraction, test_fraction=args.test_fraction, seed=args.seed)
    return train, val, test, 64, 10, "UCI digits"


def main(argv: list[str] | None = None) -> int:
    """Run the job; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.val_fraction == 0:
        raise SystemExit("error: --val-fraction must be > 0: validation drives early stopping and the checkpoint")
    t_start = time.perf_counter()
    out = prepare_output(args.out)
    ag.manual_seed(args.seed)
    train, val, test, n_in, n_classes, data_name = load_data(args)
    lr = args.lr if args.lr is not None else DEFAULT_LR.get(args.optimizer, 3e-3)
    train_loader = DataLoader(train, batch_size=args.batch_size, shuffle=True, generator=ag.Generator().manual_seed(args.seed))
    val_loader = DataLoader(val, batch_size=1024)
    test_loader = DataLoader(test, batch_size=1024)
    model = build_model(n_in, args.hidden, n_classes, args.activation, args.dropout)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    optimizer = build_optimizer(args.optimizer, model.parameters(), lr, args.momentum, args.weight_decay)
    scheduler, interval = build_schedule(args.schedule, optimizer, args.epochs, len(train_loader), lr, args.monitor)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"data: {data_name}: {len(train)} train / {len(val)} validation / {len(test)} test samples, {n_in} features, "
          f"{n_classes} classes")
    print(f"model: MLP {n_in}-{'-'.join(map(str, args.hidden))}-{n_classes} ({args.activation}, dropout {args.dropout}), "
          f"{n_params:,} parameters")
    print(f"training: {args.optimizer} lr {lr:g}, schedule {args.schedule}, batch {args.batch_size}, up to {args.epochs} epochs, "
          f"early stopping on {args.monitor} (patience {args.patience}), clip {args.clip_grad_norm or 'off'}; output in {out}/")
    ckpt_path = out / "best.ngd"
    callbacks = [EarlyStopping(monitor=args.monitor, patience=args.patience, restore_best_weights=True),
                 ModelCheckpoint(ckpt_path, monitor=args.monitor)]
    t_fit = time.perf_counter()
    history = fit(model, loss_fn, optimizer, train_loader, val_loader, epochs=args.epochs, scheduler=scheduler,
                  scheduler_interval=interval, callbacks=callbacks, metrics=["accuracy"],
                  clip_grad_norm=args.clip_grad_norm or None, progress={"auto": None, "on": True, "off": False}[args.progress])
    fit_time = time.perf_counter() - t_fit
    test_metrics = evaluate(model, test_loader, loss_fn)
    best = history.best(args.monitor)
    print(f"best epoch {best['epoch']}: val_loss {best['val_loss']:.4f}, val_accuracy {best['val_accuracy']:.4f} "
          f"(checkpoint {ckpt_path})")
    print(f"test accuracy: {test_metrics['accuracy']:.2%} ({len(test)} samples), test loss {test_metrics['loss']:.4f}")
    written = [ckpt_path]
    try:
        history.plot(out / "history.png", title=f"{data_name}: MLP {'-'.join(map(str, args.hidden))}, {args.optimizer}")
        written.append(out / "history.png")
    except ImportError as e:
        print(f"note: no history plot ({e})")
    with open(out / "history.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=history.keys())
        w.writeheader()
        w.writerows(history.epochs)
    written.append(out / "history.csv")
    if not args.no_graph:
        written += _draw_step(model, loss_fn, test, out)
    total = time.perf_counter() - t_start
    summary = {
        "data": data_name, "test_accuracy": test_metrics["accuracy"], "test_loss": test_metrics["loss"],
        "best_epoch": best["epoch"], "epochs_run": len(history), "stop_reason": history.stop_reason,
        "best_val_loss": best["val_loss"], "best_val_accuracy": best["val_accuracy"],
        "fit_seconds": round(fit_time, 3), "total_seconds": round(total, 3), "parameters": n_params,
        "args": vars(args), "python": platform.python_version(),
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2, default=str) + "\n")
    written.append(out / "summary.json")
    print(f"time: {fit_time:.1f} s training ({len(history)} epochs), {total:.1f} s in all (first run includes Numba compilation)")
    print("wrote: " + ", ".join(str(p) for p in written))
    if args.require_accuracy is not None and test_metrics["accuracy"] < args.require_accuracy:
        print(f"FAILED: test accuracy {test_metrics['accuracy']:.4f} < required {args.require_accuracy}", file=sys.stderr)
        return 1
    return 0


def _draw_step(model, loss_fn, test, out: Path) -> list[Path]:
    """The graph of one training step (train mode: dropout included) on 8 test samples, coloured by gradient norm.

    ``save_model_graph`` restores the parameters' ``.grad`` afterwards, so the trained model is unchanged.
    """
    drawing = getattr(nn, "drawing", None)
    if drawing is None or not hasattr(drawing, "save_model_graph"):
        print("note: no graph drawing available in this build")
        return []
    x, y = test.tensors[0][:8], test.tensors[1][:8]
    was_training = model.training
    model.train()
    try:
        path = drawing.save_model_graph(model, x, out / "step_graph.svg", loss_fn=loss_fn, target=y)
    except Exception as e:  # noqa: BLE001  (a picture must never fail the job)
        print(f"note: could not draw the step graph: {type(e).__name__}: {e}")
        return []
    finally:
        model.train(was_training)
    return [Path(path)]


if __name__ == "__main__":
    sys.exit(main())
