"""Serial or 2-thread: kernels on large arrays that pick, as they run, whichever is faster now.

A ``prange`` loop compiled with ``parallel=True`` halves the time of a memory-bound
elementwise pass over a million elements on an idle 2-core machine. But while another
process keeps a core busy, parallel calls take a scheduler tick (~8 ms instead of
0.15 ms) for long stretches (PyTorch's own parallel ops too, measured), so from
``PARALLEL_MIN`` elements up ``Adaptive`` times both versions as they run and keeps the
faster. ``NUMBA_NUM_THREADS=1`` keeps every kernel serial; ``OMP_WAIT_POLICY=PASSIVE``
removed the stalls in our measurements. Used by ``optim.kernels`` (every update) and by
the relu kernels of ``autograd.kernels``.

Example:
    >>> from autograd.kernels.adaptive import PARALLEL_MIN
    >>> PARALLEL_MIN
    262144
"""

from __future__ import annotations

import types
from time import perf_counter as _clock

PARALLEL_MIN = 1 << 18  # elements; below this the serial loop always wins


def threads() -> int:
    """Numba's thread count (``NUMBA_NUM_THREADS``): with 1 there is no parallel version to try."""
    import numba

    return numba.get_num_threads()


def parallel_copy(loop):
    """``loop`` (written with ``prange``) compiled with ``parallel=True``, as a copy under its own name so
    that the on-disk caches of the serial and the parallel version stay apart."""
    from .jit import njit

    copy = types.FunctionType(loop.__code__, loop.__globals__, loop.__name__ + "_parallel")
    copy.__qualname__ = copy.__name__
    return njit(copy, parallel=True)


class Adaptive:
    """Runs a kernel serial or parallel, whichever took less time per element lately.

    Each version keeps its last ``WINDOW`` timings and the faster median wins. Versions
    run in bursts whose first call is not counted (it may compile, and it wakes the
    worker threads: a lone parallel call is slower than one in a run of them, which is
    how training calls it). Both start with a burst of ``WINDOW + 1`` calls; then, so
    that the timings follow the machine's load, the slower version gets a burst of
    ``BURST`` calls (whose timings replace its old ones) after ``PROBE`` calls, then after
    twice as many each time it is still the slower (up to ``MAX_PROBE``): a version that
    stalls on a busy machine costs little while it keeps losing, and wins back within
    ``MAX_PROBE`` calls once the machine is quiet.

    Subclasses give ``version(parallel)`` (the compiled loop) and may give ``clock()``; the
    size of a call is the length of its argument number ``size_arg``.

    Example:
        >>> import numpy as np
        >>> from autograd.kernels.adaptive import Adaptive
        >>> class Double(Adaptive):
        ...     def version(self, parallel):
        ...         return lambda x, out: np.multiply(x, 2, out=out)
        >>> out = np.empty(3); Double(size_arg=1)(np.arange(3.0), out); out
        array([0., 2., 4.])
    """

    WINDOW = 5
    BURST = 3
    PROBE = 8
    MAX_PROBE = 256

    def __init__(self, size_arg: int = 0) -> None:
        self.size_arg = size_arg
        self.times: dict[bool, list[float]] = {False: [], True: []}
        self.calls = 0
        self.best: bool | None = None
        self.interval = self.PROBE
        self.next_probe = 0
        self.burst: tuple[bool, int] | None = None  # (version, calls left)

    def choose(self) -> tuple[bool, bool]:
        """``(parallel, record)``: which version runs next, and whether its time counts."""
        self.calls += 1
        if self.burst is None:
            tp, ts = self.times[True], self.times[False]
            if not tp or not ts:  # explore: parallel first (it usually wins), then serial
                self.burst = (not tp, self.WINDOW + 1)
            else:
                best = sorted(tp)[len(tp) // 2] <= sorted(ts)[len(ts) // 2]
                if best != self.best:  # a new winner: watch the loser closely again
                    self.best, self.interval = best, self.PROBE
                    self.next_probe = self.calls + self.interval
                if self.calls < self.next_probe:
                    return best, True
                self.interval = min(2 * self.interval, self.MAX_PROBE)
                self.next_probe = self.calls + self.interval
                self.burst = (not best, self.BURST)
                self.times[not best] = []
            version, left = self.burst
            self.burst = (version, left - 1)
            return version, False
        version, left = self.burst
        self.burst = (version, left - 1) if left > 1 else None
        return version, True

    def version(self, parallel: bool):  # pragma: no cover - abstract
        raise NotImplementedError

    def clock(self) -> float:
        return _clock()

    def __call__(self, *args) -> None:
        parallel, record = self.choose()
        fn = self.version(parallel)
        start = self.clock()
        fn(*args)
        if record:
            times = self.times[parallel]
            times.append((self.clock() - start) / max(args[self.size_arg].shape[0], 1))
            del times[: -self.WINDOW]


class LoopAdaptive(Adaptive):
    """``Adaptive`` over one compiled ``prange`` loop: the loop itself, or its ``parallel_copy``.

    Example:
        >>> import numpy as np
        >>> from autograd.kernels import numba_kernels as NK
        >>> run = LoopAdaptive(NK._relu)
        >>> out = np.empty(3); run(np.array([-1.0, 0.5, 2.0]), out); out
        array([0. , 0.5, 2. ])
    """

    def __init__(self, loop, size_arg: int = 0) -> None:
        super().__init__(size_arg)
        self.loop = loop
        self.parallel = None

    def version(self, parallel: bool):
        if not parallel:
            return self.loop
        if self.parallel is None:
            self.parallel = parallel_copy(getattr(self.loop, "py_func", self.loop))
        return self.parallel
