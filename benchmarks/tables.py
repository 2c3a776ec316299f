"""Plain-text and Markdown tables for the benchmark reports, and number formatting shared by them.

Example:
    >>> from benchmarks.tables import markdown_table, text_table
    >>> print(text_table(["op", "err"], [["relu", "0"], ["tanh", "1e-9"]]))
    op    err
    ----  ----
    relu  0
    tanh  1e-9
    >>> print(markdown_table(["op", "err"], [["relu", "0"]]))
    | op | err |
    |---|---|
    | relu | 0 |
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns padded to their widest cell, two spaces apart, a dashed rule under the header."""
    widths = [max(len(str(c)) for c in col) for col in zip(headers, *rows)]
    lines = [headers, ["-" * w for w in widths], *rows]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(line, widths)).rstrip() for line in lines)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub-flavoured Markdown table (``|`` in cells escaped)."""
    esc = lambda c: str(c).replace("|", "\\|")  # noqa: E731
    out = ["| " + " | ".join(map(esc, headers)) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(map(esc, r)) + " |" for r in rows]
    return "\n".join(out)


def sci(x: float | None) -> str:
    """An error figure: ``0``, ``-`` for None, ``inf``, else 2 significant digits in e-notation.

    Example:
        >>> from benchmarks.tables import sci
        >>> sci(0.0), sci(1.234e-9), sci(None), sci(float("inf"))
        ('0', '1.2e-09', '-', 'inf')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if x == 0:
        return "0"
    if math.isinf(x):
        return "inf"
    return f"{x:.1e}"


def num(x: float | None, digits: int = 3) -> str:
    """A measured figure with ``digits`` significant digits (``-`` for None/NaN).

    Example:
        >>> from benchmarks.tables import num
        >>> num(0.123456), num(1234.5), num(None)
        ('0.123', '1.23e+03', '-')
    """
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{digits}g}"


def strict_json(x):
    """``x`` with non-finite floats as strings (``"inf"``, ``"nan"``), so that any JSON reader accepts it.

    Example:
        >>> from benchmarks.tables import strict_json
        >>> strict_json({"a": [1.0, float("inf")]})
        {'a': [1.0, 'inf']}
    """
    if isinstance(x, float) and not math.isfinite(x):
        return str(x)
    if isinstance(x, dict):
        return {k: strict_json(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [strict_json(v) for v in x]
    return x
