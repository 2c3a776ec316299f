"""Build the tutorial notebooks (``notebooks/*.ipynb``) from their sources in ``notebooks/src/``.

Each source is a plain Python file in the "percent" format (as Jupytext, VS Code and Spyder read
it): ``# %%`` starts a code cell, ``# %% [markdown]`` a Markdown cell whose lines are ``# ``-prefixed
comments. Review and edit the sources; regenerate the notebooks with this script. The notebooks are
written without outputs and with fixed cell ids, so the same source always gives the same file.

    python notebooks/build.py            # (re)write every notebook
    python notebooks/build.py --check    # exit 1 if a notebook differs from its source (or has outputs)
    python notebooks/build.py 03         # only the notebooks whose name contains "03"
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
MARKER = "# %%"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
LANGUAGE_INFO = {"name": "python", "pygments_lexer": "ipython3", "codemirror_mode": {"name": "ipython", "version": 3},
                 "file_extension": ".py", "mimetype": "text/x-python", "nbconvert_exporter": "python"}


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines = lines[1:]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return lines


def _markdown(lines: list[str], where: str) -> str:
    out = []
    for i, line in enumerate(lines):
        if line.strip() == "#" or not line.strip():
            out.append("")
        elif line.startswith("# "):
            out.append(line[2:])
        else:
            raise ValueError(f"{where}, line {i + 1} of a markdown cell: expected a '# ' comment, got {line!r}")
    return "\n".join(out)


def parse(text: str, name: str = "<source>") -> list[tuple[str, str]]:
    """``[(kind, source), ...]`` (kind ``"markdown"`` or ``"code"``) from percent-format text.

    Text before the first ``# %%`` marker (a module docstring, say) is ignored.

    Example:
        >>> parse("# %% [markdown]\\n# # Title\\n#\\n# Text.\\n# %%\\nx = 1\\n\\n")
        [('markdown', '# Title\\n\\nText.'), ('code', 'x = 1')]
    """
    cells: list[tuple[str, str]] = []
    kind, lines, start = None, [], 0
    for n, line in enumerate([*text.splitlines(), MARKER + " <end>"], 1):
        if line.startswith(MARKER):
            body = _trim(lines)
            if kind is not None and body:
                where = f"{name}: cell at line {start}"
                cells.append((kind, _markdown(body, where) if kind == "markdown" else "\n".join(body)))
            tag = line[len(MARKER):].strip()
            kind = "markdown" if tag == "[markdown]" else "code"
            lines, start = [], n
        else:
            lines.append(line)
    return cells


def build(source: Path) -> nbformat.NotebookNode:
    """The notebook for one source file (no outputs, cell ids from the notebook name and cell number)."""
    stem = source.stem
    cells = []
    for i, (kind, text) in enumerate(parse(source.read_text(encoding="utf-8"), source.name)):
        make = new_markdown_cell if kind == "markdown" else new_code_cell
        cell = make(text)
        cell["id"] = f"{stem[:2]}-{i:02d}"
        cells.append(cell)
    nb = new_notebook(cells=cells, metadata={"kernelspec": dict(KERNELSPEC), "language_info": dict(LANGUAGE_INFO)})
    nbformat.validate(nb)
    return nb


def sources(pattern: str | None = None) -> list[Path]:
    """The notebook sources, in order (``pattern``: a substring of the name)."""
    found = sorted(SRC.glob("[0-9][0-9]_*.py"))
    return [p for p in found if pattern is None or pattern in p.stem]


def target(source: Path) -> Path:
    """Where the notebook of ``source`` goes."""
    return HERE / (source.stem + ".ipynb")


def render(nb: nbformat.NotebookNode) -> str:
    """The notebook as the text written to disk."""
    return nbformat.writes(nb) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python notebooks/build.py", description=__doc__.splitlines()[0])
    ap.add_argument("pattern", nargs="?", help="only notebooks whose name contains this")
    ap.add_argument("--check", action="store_true", help="check that the notebooks are up to date; write nothing")
    args = ap.parse_args(argv)
    srcs = sources(args.pattern)
    if not srcs:
        print(f"build.py: no source in {SRC} matches {args.pattern!r}", file=sys.stderr)
        return 2
    stale = []
    for src in srcs:
        text = render(build(src))
        out = target(src)
        if args.check:
            if not out.exists() or out.read_text(encoding="utf-8") != text:
                stale.append(out.name)
            continue
        if not out.exists() or out.read_text(encoding="utf-8") != text:
            out.write_text(text, encoding="utf-8")
            print(f"wrote {out.relative_to(HERE.parent)}")
    if stale:
        print(f"out of date (run python notebooks/build.py): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
