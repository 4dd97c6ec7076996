"""Each subcomponent's strongest examples so far: a running top-k merged batch by batch.

An example is one (sequence, position) where the subcomponent fires (CI above the threshold).
Examples rank by CI, then by the magnitude of the ‖U‖-scaled activation (its sign is only
meaningful relative to U, so a large negative activation is as strong as a large positive one).
Both numbers are packed into one int64 key that sorts exactly in that order: the bit patterns
of non-negative float32 numbers sort like the numbers, CI ≤ 1 fits in 30 bits and |activation|
in 31, so key = bits(CI) << 31 | bits(|activation|).

A sequence gives each subcomponent at most one example, at its strongest position, so that a
subcomponent firing all along one sequence does not fill its top-k with near copies of it.
"""

from dataclasses import dataclass

import torch
from torch import Tensor

NO_EXAMPLE = -1
_ACT_BITS = 31


def sequence_bests(ci: Tensor, acts: Tensor, candidates: Tensor) -> tuple[Tensor, Tensor]:
    """Each sequence's strongest candidate position per subcomponent and its key.

    ci, acts: (B, T, C) float32; candidates: (B, T, C) bool, where an example may be taken.
    Returns keys (B, C) int64 (NO_EXAMPLE for a sequence without candidates) and positions
    (B, C) int64. Reduced in float32 first (the highest CI, then the largest |activation|
    among the positions that reach it), so only (B, C) values are packed into keys."""
    ci = torch.where(candidates, ci, -1.0)
    best_ci = ci.amax(dim=1, keepdim=True)  # (B, 1, C)
    strength = torch.where(ci == best_ci, acts.abs(), -1.0)
    best_act, position = strength.max(dim=1)
    best_ci = best_ci.squeeze(1)
    ci_bits = best_ci.view(torch.int32).to(torch.int64)
    act_bits = best_act.view(torch.int32).to(torch.int64)
    keys = torch.where(best_ci >= 0, (ci_bits << _ACT_BITS) | act_bits, NO_EXAMPLE)
    return keys, position


def key_values(keys: Tensor) -> tuple[Tensor, Tensor]:
    """The CI and |activation| (float32) packed into keys that are not NO_EXAMPLE."""
    ci = (keys >> _ACT_BITS).to(torch.int32).view(torch.float32)
    act = (keys & ((1 << _ACT_BITS) - 1)).to(torch.int32).view(torch.float32)
    return ci, act


@dataclass
class TopExamples:
    """Per subcomponent (rows, C_total order) up to k examples, in no particular order."""

    keys: Tensor  # (C_total, k) int64, NO_EXAMPLE in unused slots
    sequence: Tensor  # (C_total, k) int64: index of the sequence in the harvest stream
    position: Tensor  # (C_total, k) int64: the example's position in that sequence

    @classmethod
    def empty(cls, c_total: int, k: int, device: torch.device) -> "TopExamples":
        def filled() -> Tensor:
            return torch.full((c_total, k), NO_EXAMPLE, dtype=torch.int64, device=device)

        return cls(filled(), filled(), filled())

    @property
    def k(self) -> int:
        return self.keys.shape[1]

    def add(self, keys: Tensor, position: Tensor, first_sequence: int) -> None:
        """Merge a batch's candidates, from `sequence_bests`: keys and positions (B, C_total);
        the batch's sequence b has index first_sequence + b."""
        top, rows = keys.topk(min(self.k, keys.shape[0]), dim=0)  # (k', C)
        merged_keys = torch.cat([self.keys, top.T], dim=1)
        merged_sequence = torch.cat([self.sequence, rows.T + first_sequence], dim=1)
        merged_position = torch.cat([self.position, position.gather(0, rows).T], dim=1)
        kept = merged_keys.topk(self.k, dim=1).indices
        self.keys = merged_keys.gather(1, kept)
        self.sequence = merged_sequence.gather(1, kept)
        self.position = merged_position.gather(1, kept)

    def ranked(self) -> "TopExamples":
        """The same examples, strongest first in every row."""
        order = self.keys.argsort(dim=1, descending=True, stable=True)
        return TopExamples(
            self.keys.gather(1, order),
            self.sequence.gather(1, order),
            self.position.gather(1, order),
        )

    def tensors(self) -> dict[str, Tensor]:
        return {"keys": self.keys, "sequence": self.sequence, "position": self.position}

    @classmethod
    def from_tensors(cls, tensors: dict[str, Tensor], device: torch.device) -> "TopExamples":
        return cls(*(tensors[name].to(device) for name in ("keys", "sequence", "position")))
