"""``nn.utils``: gradient clipping and parameter/vector conversion (as ``torch.nn.utils``)."""
