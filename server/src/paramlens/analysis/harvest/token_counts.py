"""Co-occurrence counts of subcomponents firing with tokens, for the PMI tables.

Input side: how often each token (each active feature, for toy targets) sits at a position
where a subcomponent fires, and how often it occurs at all. Output side: the target's
predicted next-token probability at firing positions, summed, against its sum over all
positions; only each position's N_PREDICTIONS most likely tokens are counted, which hold
nearly all of the mass and keep the work per firing proportional to that number, not to
the vocabulary. Co-occurrences are dense (vocabulary × C_total) 32-bit tensors, updated by
scattered adds over the (position, subcomponent) pairs that fire.
"""

from dataclasses import dataclass

import torch
from torch import Tensor

from paramlens.analysis.harvest.measure import Predictions


@dataclass(frozen=True)
class Firings:
    """The (position, subcomponent) pairs that fire in a batch; positions flattened B·T."""

    position: Tensor  # (n,) int64
    component: Tensor  # (n,) int64

    @classmethod
    def of(cls, fires: Tensor) -> "Firings":
        position, component = fires.flatten(0, 1).nonzero(as_tuple=True)
        return cls(position, component)


@dataclass
class InputCounts:
    joint: Tensor  # (vocab, C_total) int32: firing positions holding the token
    base: Tensor  # (vocab,) int64: positions holding the token

    @classmethod
    def empty(cls, vocab_size: int, c_total: int, device: torch.device) -> "InputCounts":
        return cls(
            torch.zeros(vocab_size, c_total, dtype=torch.int32, device=device),
            torch.zeros(vocab_size, dtype=torch.int64, device=device),
        )

    def add_tokens(self, tokens: Tensor, firings: Firings) -> None:
        """tokens: (B, T) int64 ids."""
        flat = tokens.flatten()
        c_total = self.joint.shape[1]
        pairs = flat[firings.position] * c_total + firings.component
        self.joint.view(-1).index_add_(0, pairs, _ones(pairs, self.joint.dtype))
        self.base.index_add_(0, flat, torch.ones_like(flat))

    def add_features(self, features: Tensor, fires: Tensor) -> None:
        """features: (B, n_features); fires: (B, 1, C_total). A feature counts where nonzero."""
        active = (features != 0).double()
        self.joint += (active.T @ fires[:, 0].double()).round().int()
        self.base += active.sum(0).round().long()

    def tensors(self) -> dict[str, Tensor]:
        return {"joint": self.joint, "base": self.base}

    @classmethod
    def from_tensors(cls, tensors: dict[str, Tensor], device: torch.device) -> "InputCounts":
        return cls(tensors["joint"].to(device), tensors["base"].to(device))


@dataclass
class OutputMass:
    joint: Tensor  # (vocab, C_total) float32: predicted probability summed over firing positions
    count: Tensor  # (vocab, C_total) int32: firing positions with the token among the predictions
    base: Tensor  # (vocab,) float64: predicted probability summed over all positions

    @classmethod
    def empty(cls, vocab_size: int, c_total: int, device: torch.device) -> "OutputMass":
        return cls(
            torch.zeros(vocab_size, c_total, dtype=torch.float32, device=device),
            torch.zeros(vocab_size, c_total, dtype=torch.int32, device=device),
            torch.zeros(vocab_size, dtype=torch.float64, device=device),
        )

    def add(self, predictions: Predictions, firings: Firings) -> None:
        c_total = self.joint.shape[1]
        ids = predictions.ids.flatten(0, 1)  # (B·T, n_predictions)
        probs = predictions.probs.flatten(0, 1)
        # Row offsets scaled once per position, then gathered per firing: the (n_firings ×
        # n_predictions) index is the largest tensor here, so it is built in two passes.
        pairs = (ids * c_total).index_select(0, firings.position)
        pairs = pairs.add_(firings.component[:, None]).flatten()
        self.joint.view(-1).index_add_(0, pairs, probs.index_select(0, firings.position).flatten())
        self.count.view(-1).index_add_(0, pairs, _ones(pairs, self.count.dtype))
        self.base.index_add_(0, ids.flatten(), probs.flatten().double())

    def tensors(self) -> dict[str, Tensor]:
        return {"joint": self.joint, "count": self.count, "base": self.base}

    @classmethod
    def from_tensors(cls, tensors: dict[str, Tensor], device: torch.device) -> "OutputMass":
        return cls(*(tensors[name].to(device) for name in ("joint", "count", "base")))


def _ones(like: Tensor, dtype: torch.dtype) -> Tensor:
    return torch.ones(1, dtype=dtype, device=like.device).expand(len(like))
