"""The tutorials in notebooks/ run top to bottom, each within its time limit, and are committed without outputs.

Each notebook runs in a fresh Jupyter kernel of *this* interpreter (a kernelspec written to a
temporary folder and put first on ``JUPYTER_PATH``, so a ``python3`` kernelspec elsewhere on the
machine cannot send it to another Python), with the repository first on ``PYTHONPATH``,
``MPLBACKEND=Agg`` and a temporary working directory. Any cell error fails the test.
``NOTEBOOK_TIME_LIMIT`` (seconds, default 120) bounds each notebook as a whole; with
``NOTEBOOK_OUTPUT_DIR`` set, the executed notebooks (with outputs) are written there for review
(``NOTEBOOK_MPLBACKEND=module://matplotlib_inline.backend_inline`` puts the figures in them).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import time
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="nbformat is not installed (pip install -e '.[test]')")
nbclient = pytest.importorskip("nbclient", reason="nbclient is not installed (pip install -e '.[test]')")
pytest.importorskip("ipykernel", reason="ipykernel is not installed (pip install -e '.[test]')")
pytest.importorskip("matplotlib", reason="the notebooks plot with matplotlib (pip install -e '.[plot]')")

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
KERNEL = "numbagrad-test-python"
TIME_LIMIT = float(os.environ.get("NOTEBOOK_TIME_LIMIT", "120"))


@pytest.fixture(scope="module")
def kernel_name(tmp_path_factory):
    """A kernelspec that starts ipykernel with ``sys.executable``, found before any other."""
    home = tmp_path_factory.mktemp("jupyter")
    spec_dir = home / "kernels" / KERNEL
    spec_dir.mkdir(parents=True)
    env = {
        "MPLBACKEND": os.environ.get("NOTEBOOK_MPLBACKEND", "Agg"),
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        "IPYTHONDIR": str(home / "ipython"),
        # one BLAS thread: the notebooks' matrices are small, and on a busy 2-core machine OpenBLAS's
        # spinning worker threads make them many times slower (an explicit setting is kept)
        "OPENBLAS_NUM_THREADS": os.environ.get("OPENBLAS_NUM_THREADS", "1"),
    }
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "numbagrad tests", "language": "python", "env": env}
    (spec_dir / "kernel.json").write_text(json.dumps(spec))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("JUPYTER_PATH", os.pathsep.join(p for p in (str(home), os.environ.get("JUPYTER_PATH", "")) if p))
        yield KERNEL


def test_there_are_six_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["01", "02", "03", "04", "05", "06"], [p.name for p in NOTEBOOKS]


def _builder():
    """notebooks/build.py as a module (loaded by path: the name ``build`` belongs to PyPA's package)."""
    spec = importlib.util.spec_from_file_location("numbagrad_notebooks_build", ROOT / "notebooks" / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_notebooks_are_built_from_their_sources_without_outputs():
    build = _builder()
    assert [build.target(s) for s in build.sources()] == NOTEBOOKS
    for src in build.sources():
        committed = build.target(src).read_text(encoding="utf-8")
        assert committed == build.render(build.build(src)), f"{build.target(src).name} is stale: run python notebooks/build.py"
        nb = nbformat.reads(committed, as_version=4)
        for cell in nb.cells:
            assert not cell.get("outputs") and cell.get("execution_count") is None, f"{src.stem}: cell {cell.id} has outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, kernel_name, tmp_path):
    nb = nbformat.read(path, as_version=4)
    deadline = time.monotonic() + TIME_LIMIT

    def remaining(cell) -> int:  # nbclient's per-cell timeout: what is left of the notebook's budget
        return max(1, int(deadline - time.monotonic()))

    client = nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout_func=remaining, startup_timeout=90,
                                     resources={"metadata": {"path": str(tmp_path)}})
    t0 = time.monotonic()
    try:
        client.execute()
    except nbclient.exceptions.CellTimeoutError:
        pytest.fail(f"{path.name} did not finish within {TIME_LIMIT:.0f} s (NOTEBOOK_TIME_LIMIT)")
    elapsed = time.monotonic() - t0
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if os.environ.get("NOTEBOOK_OUTPUT_DIR"):
        out = Path(os.environ["NOTEBOOK_OUTPUT_DIR"])
        out.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out / path.name)
    assert not errors, f"{path.name}: {errors[0]['ename']}: {errors[0]['evalue']}"
    print(f"{path.name}: {elapsed:.1f} s")
