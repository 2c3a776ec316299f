"""``F.linear``: ``input @ weight.T + bias`` through autograd's fused matmul+bias op.

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> F.linear(ag.ones(2, 3), ag.ones(4, 3), ag.zeros(4)).shape
    Size([2, 4])
"""

from __future__ import annotations

from autograd.ops.linalg import linear

__all__ = ["linear"]
