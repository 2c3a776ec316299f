"""``python -m nn.visualize``: draw the graph of one training step of an MLP on the digits data.

Writes an SVG/PNG/PDF (or DOT text) of one forward and backward step, every tensor
coloured by its gradient norm, parameters named, layers grouped. ``--help`` lists the
options; the training job calls ``nn.drawing.save_model_graph`` for its own model.

Example:
    >>> from nn.visualize import build_parser
    >>> build_parser().parse_args(["--hidden", "32,16"]).hidden
    '32,16'
"""

from __future__ import annotations

import argparse
import sys

import autograd as ag
import nn

from .drawing import save_model_graph


def build_parser() -> argparse.ArgumentParser:
    """The command-line options of ``python -m nn.visualize``."""
    p = argparse.ArgumentParser(
        prog="python -m nn.visualize",
        description="Draw the computation graph of one training step (forward + backward) of an MLP on the "
        "8x8 digits, with gradient norms. Rendering SVG/PNG/PDF needs Graphviz's `dot` program "
        "(Debian: apt-get install graphviz; macOS: brew install graphviz); without it the DOT text is written.",
    )
    p.add_argument("--out", default="model_graph.svg", help="output file; the suffix picks the format: .svg .png .pdf .dot")
    p.add_argument("--hidden", default="64,32", help="hidden layer sizes, comma separated (default 64,32)")
    p.add_argument("--batch", type=int, default=32, help="batch size of the example step (default 32)")
    p.add_argument("--max-depth", type=int, default=None, help="fold modules nested deeper than this into one box")
    p.add_argument("--rankdir", default="TB", choices=("TB", "LR", "BT", "RL"), help="layout direction (default TB)")
    p.add_argument("--show-data", action="store_true", help="add mean/std/min/max of every tensor")
    p.add_argument("--show-saved", action="store_true", help="add the shapes of the tensors each op saved")
    p.add_argument("--no-grads", action="store_true", help="do not colour by gradient norm")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    return p


def digits_mlp(hidden: list) -> nn.Module:
    """``Linear -> ReLU -> ... -> Linear`` from 64 pixels to 10 classes."""
    layers = []
    sizes = [64, *hidden]
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.ReLU()]
    layers.append(nn.Linear(sizes[-1], 10))
    return nn.Sequential(*layers)


def example_batch(batch: int) -> tuple:
    """A batch of the bundled digits (random data of the same shapes if the dataset is not available)."""
    try:
        from autograd.data import load_digits

        full = load_digits(split=False)
        x, y = full.tensors
        return x[:batch], y[:batch]
    except (ImportError, OSError):
        return ag.rand(batch, 64), ag.randint(0, 10, (batch,))


def _cross_entropy():
    if hasattr(nn, "CrossEntropyLoss"):
        return nn.CrossEntropyLoss()
    return getattr(nn.functional, "cross_entropy", None)


def main(argv: list | None = None) -> int:
    """Run the command (``argv`` as on the command line); return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        hidden = [int(h) for h in args.hidden.split(",") if h.strip()]
    except ValueError:
        print(f"--hidden must be comma separated integers, got {args.hidden!r}", file=sys.stderr)
        return 2
    if args.batch < 1 or any(h < 1 for h in hidden):
        print("--batch and the --hidden sizes must be >= 1", file=sys.stderr)
        return 2
    loss_fn = _cross_entropy()
    if loss_fn is None:
        print("nn.CrossEntropyLoss is not available in this version of nn", file=sys.stderr)
        return 1
    ag.manual_seed(args.seed)
    model = digits_mlp(hidden)
    x, y = example_batch(args.batch)
    path = save_model_graph(
        model, x, args.out, loss_fn=loss_fn, target=y, show_grads=not args.no_grads,
        show_data=args.show_data, show_saved=args.show_saved, max_depth=args.max_depth, rankdir=args.rankdir,
    )
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
