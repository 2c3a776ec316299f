"""The README's Python examples run, in order, in one namespace (so the README stays true)."""

from __future__ import annotations

import os
import re

import pytest

README = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "README.md")


def _blocks() -> list[str]:
    with open(README, encoding="utf-8") as f:
        return re.findall(r"```python\n(.*?)```", f.read(), flags=re.S)


def test_readme_has_examples():
    assert len(_blocks()) >= 5


def test_readme_examples_run(tmp_path, monkeypatch):
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    import autograd as ag
    from autograd.testing import cases, unregister

    before = {c.id for c in cases()}
    namespace: dict = {}
    try:
        for i, code in enumerate(_blocks()):
            try:
                exec(compile(code, f"README.md python block {i}", "exec"), namespace)
            except ag.viz.GraphvizNotFoundError:
                continue  # rendering needs Graphviz's dot; the DOT text was still produced
    finally:  # the README registers an op case of its own: leave the registry as it was
        for c in cases():
            if c.id not in before:
                unregister(c)
    assert namespace["ag"].gradcheck is ag.gradcheck
