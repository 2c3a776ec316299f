"""``Embedding``: a lookup table of ``num_embeddings`` vectors of size ``embedding_dim``.

Example:
    >>> import autograd as ag
    >>> import nn
    >>> emb = nn.Embedding(10, 3, padding_idx=0)
    >>> emb(ag.tensor([[1, 2], [0, 9]])).shape, emb.weight[0].tolist()
    (Size([2, 2, 3]), [0.0, 0.0, 0.0])
"""

from __future__ import annotations

from autograd import creation as _c
from autograd.tensor import Tensor

from .. import init
from ..functional.sparse import embedding
from ..parameter import Parameter
from .module import Module

__all__ = ["Embedding"]


class Embedding(Module):
    """Rows of ``weight (num_embeddings, embedding_dim)`` (initialised N(0, 1)) picked by integer indices.

    ``padding_idx``: that row starts at zero and gets no gradient. ``max_norm``, ``norm_type`` and
    ``scale_grad_by_freq`` behave as in PyTorch. ``Embedding.from_pretrained(weights)`` wraps a matrix.

    Example:
        >>> import autograd as ag
        >>> import nn
        >>> emb = nn.Embedding.from_pretrained(ag.eye(3))
        >>> emb(ag.tensor([2])), emb.weight.requires_grad
        (tensor([[0., 0., 1.]]), False)
    """

    def __init__(
        self,
        num_embeddings: int,
        embedding_dim: int,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
        _weight: Tensor | None = None,
        _freeze: bool = False,
        device=None,
        dtype=None,
    ) -> None:
        super().__init__()
        for v, nm in ((num_embeddings, "num_embeddings"), (embedding_dim, "embedding_dim")):
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"Embedding: {nm} must be a non-negative int, got {v!r}")
        if padding_idx is not None:
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} must be within num_embeddings ({num_embeddings})")
            padding_idx %= num_embeddings
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx, self.max_norm, self.norm_type = padding_idx, max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            self.weight = Parameter(_c.empty(num_embeddings, embedding_dim, dtype=dtype), requires_grad=not _freeze)
            self.reset_parameters()
        else:
            if tuple(_weight.shape) != (num_embeddings, embedding_dim):
                raise ValueError(
                    f"Embedding: _weight of shape {tuple(_weight.shape)} does not match ({num_embeddings}, {embedding_dim})"
                )
            self.weight = Parameter(_weight, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        """Draw N(0, 1) weights (and zero the padding row)."""
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight.data[self.padding_idx] = 0

    def forward(self, input: Tensor) -> Tensor:
        try:
            return embedding(
                input,
                self._parameters["weight"],
                self.padding_idx,
                self.max_norm,
                self.norm_type,
                self.scale_grad_by_freq,
                self.sparse,
            )
        except (IndexError, TypeError) as e:
            raise type(e)(f"{self._error_name()}: {e}") from None

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        if self.max_norm is not None:
            s += f", max_norm={self.max_norm}"
        if self.norm_type != 2:
            s += f", norm_type={self.norm_type}"
        if self.scale_grad_by_freq:
            s += ", scale_grad_by_freq=True"
        return s

    @classmethod
    def from_pretrained(
        cls,
        embeddings: Tensor,
        freeze: bool = True,
        padding_idx: int | None = None,
        max_norm: float | None = None,
        norm_type: float = 2.0,
        scale_grad_by_freq: bool = False,
        sparse: bool = False,
    ) -> Embedding:
        """An ``Embedding`` around ``embeddings`` (frozen unless ``freeze=False``)."""
        if embeddings.ndim != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-d, got shape {tuple(embeddings.shape)}")
        rows, cols = embeddings.shape
        return cls(rows, cols, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse, _weight=embeddings, _freeze=freeze)
