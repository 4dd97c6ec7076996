"""Firing density and mean CI of every subcomponent over all positions harvested."""

from dataclasses import dataclass

import torch
from torch import Tensor

from paramlens.evaluate.metrics import ALIVE_MEAN_CI


@dataclass
class FiringStats:
    fire_count: Tensor  # (C_total,) int64: positions where CI > threshold
    ci_sum: Tensor  # (C_total,) float64
    n_positions: Tensor  # () int64: tokens (samples) seen

    @classmethod
    def empty(cls, c_total: int, device: torch.device) -> "FiringStats":
        return cls(
            torch.zeros(c_total, dtype=torch.int64, device=device),
            torch.zeros(c_total, dtype=torch.float64, device=device),
            torch.zeros((), dtype=torch.int64, device=device),
        )

    def add(self, ci: Tensor, fires: Tensor) -> None:
        """ci: (B, T, C_total) float32; fires: (B, T, C_total) bool."""
        self.fire_count += fires.flatten(0, 1).sum(dim=0)
        # Summed in float32 within the batch (at most B·T terms), in float64 across batches.
        self.ci_sum += ci.flatten(0, 1).sum(dim=0).double()
        self.n_positions += ci.shape[0] * ci.shape[1]

    def density(self) -> Tensor:
        return self.fire_count.double() / self.n_positions

    def mean_ci(self) -> Tensor:
        return self.ci_sum / self.n_positions

    def alive(self) -> Tensor:
        """Mean CI above the threshold that evaluation's alive count uses (spec section 9)."""
        return self.mean_ci() > ALIVE_MEAN_CI

    def tensors(self) -> dict[str, Tensor]:
        return {
            "fire_count": self.fire_count,
            "ci_sum": self.ci_sum,
            "n_positions": self.n_positions,
        }

    @classmethod
    def from_tensors(cls, tensors: dict[str, Tensor], device: torch.device) -> "FiringStats":
        return cls(*(tensors[name].to(device) for name in ("fire_count", "ci_sum", "n_positions")))
