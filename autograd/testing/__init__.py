"""Testing tools: the op registry (``OpCase``, ``InputSpec``, ``register``, ``cases``) and the checks it drives.

Importing this package registers a case for every public op of ``autograd``; ``nn`` and
``optim`` (and users, for their own ``Function``) add theirs with one ``register(OpCase(...))``.

Example:
    >>> from autograd.testing import cases, check_gradcheck
    >>> all(check_gradcheck(c) for c in cases("sigmoid"))
    True
"""

from . import op_cases as _op_cases  # noqa: F401  (registers the built-in cases)
from .checks import (
    CheckResult,
    check_gradcheck,
    check_gradgradcheck,
    check_kernels,
    check_layouts,
    check_torch,
    input_grads,
    numba_kernels,
    numpy_kernels,
)
from .registry import (
    DOMAINS,
    FAMILIES,
    InputSpec,
    OpCase,
    cases,
    covered_names,
    register,
    register_all,
    strided,
    to_torch,
    unregister,
)

__all__ = [
    "DOMAINS", "FAMILIES", "CheckResult", "InputSpec", "OpCase", "cases", "check_gradcheck", "check_gradgradcheck",
    "check_kernels", "check_layouts", "check_torch", "covered_names", "input_grads", "numba_kernels", "numpy_kernels", "register",
    "register_all", "strided", "to_torch", "unregister",
]
