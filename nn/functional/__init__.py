"""``nn.functional`` (import it as ``F``): the stateless forms of the layers, activations and losses.

Example:
    >>> import autograd as ag
    >>> import nn.functional as F
    >>> F.linear(ag.ones(2, 3), ag.ones(4, 3)).shape
    Size([2, 4])
"""

import importlib.util as _ilu

from .conv import conv2d
from .dropout import dropout, dropout2d
from .linear import linear
from .normalization import batch_norm, layer_norm
from .padding import pad
from .pooling import avg_pool2d, max_pool2d
from .sparse import embedding, one_hot

# Activations and losses: imported once their files exist (a file that exists but fails to import raises).
if _ilu.find_spec(__name__ + ".activations") is not None:
    from .activations import *
if _ilu.find_spec(__name__ + ".losses") is not None:
    from .losses import *
