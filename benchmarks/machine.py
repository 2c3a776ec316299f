"""What the benchmark reports ran on: date, CPU, cores, load, library versions, BLAS, kernel backend.

Example:
    >>> from benchmarks.machine import describe
    >>> info = describe()
    >>> sorted(k for k in info if k in ("cpu", "cores", "torch"))
    ['cores', 'cpu', 'torch']
"""

from __future__ import annotations

import os
import platform
import time


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _blas() -> str:
    try:
        import numpy as np

        cfg = np.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        return f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # numpy < 1.26 or an unusual build
        return "unknown"


def describe(torch=None, command: str = "") -> dict:
    """A dict describing this machine and the library versions (``torch``: the imported module or None),
    with the ``command`` that produced the report."""
    import numba
    import numpy as np

    from autograd import kernels

    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "command": command,
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "blas": _blas(),
        "torch": getattr(torch, "__version__", "unavailable"),
        "torch_threads": torch.get_num_threads() if torch is not None else None,
        "kernels": kernels.BACKEND,
    }
