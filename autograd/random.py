"""Random number generation: ``manual_seed`` and ``Generator`` (NumPy's PCG64 underneath).

Example:
    >>> import autograd as ag
    >>> _ = ag.manual_seed(0); a = ag.rand(2)
    >>> _ = ag.manual_seed(0); bool((a == ag.rand(2)).all())
    True
"""

from __future__ import annotations

import numpy as np


class Generator:
    """A source of random numbers with its own state, as ``torch.Generator``.

    Example:
        >>> import autograd as ag
        >>> g = ag.Generator().manual_seed(42)
        >>> ag.randn(2, generator=g).shape
        Size([2])
    """

    def __init__(self, device: str = "cpu") -> None:
        self._seed = int(np.random.SeedSequence().entropy % (2**63))
        self.rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> Generator:
        """Reset the state from ``seed``; returns the generator."""
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Reseed from fresh entropy; returns the new seed."""
        return self.manual_seed(int(np.random.SeedSequence().entropy % (2**63)))._seed

    def initial_seed(self) -> int:
        """The seed the generator was last seeded with."""
        return self._seed

    def get_state(self) -> dict:
        """The generator's state (restore with ``set_state``)."""
        return self.rng.bit_generator.state

    def set_state(self, state: dict) -> None:
        """Restore a state from ``get_state``."""
        self.rng.bit_generator.state = state


default_generator = Generator().manual_seed(0x5EED)


def manual_seed(seed: int) -> Generator:
    """Seed the default generator (used by ``rand``, ``randn``, ``randint``, ``randperm``, dropout, init).

    Example:
        >>> import autograd as ag
        >>> ag.manual_seed(0).initial_seed()
        0
    """
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed the default generator from fresh entropy; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    """The default generator's seed."""
    return default_generator.initial_seed()


def rng(generator: Generator | None = None) -> np.random.Generator:
    """The NumPy generator behind ``generator`` (the default one when None)."""
    return (generator or default_generator).rng
