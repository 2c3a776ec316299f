"""``nn.utils``: gradient clipping and parameter/vector conversion (as ``torch.nn.utils``).

Example:
    >>> import nn
    >>> sorted(n for n in dir(nn.utils) if n.endswith("_") and not n.startswith("_"))
    ['clip_grad_norm_', 'clip_grad_value_', 'clip_grads_with_norm_']
"""

from .clip_grad import clip_grad_norm_, clip_grad_value_, clip_grads_with_norm_, get_total_norm
from .convert_parameters import parameters_to_vector, vector_to_parameters
