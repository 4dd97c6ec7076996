"""Synthetic sparse-feature inputs for the toy targets (TMS, ResidualMLP)."""

from collections.abc import Iterator
from dataclasses import dataclass

import torch
from torch import Tensor

from paramlens.data.seeding import keyed_generator


@dataclass(frozen=True)
class SparseFeatureTask:
    """Inputs where each feature is independently active with probability `feature_prob`.

    An active feature takes a value drawn uniformly from `value_range`; an inactive one is 0.
    Any number of features may be active at once, including none.
    """

    n_features: int
    feature_prob: float
    value_range: tuple[float, float]

    def __post_init__(self) -> None:
        if self.n_features < 1:
            raise ValueError(f"n_features must be positive, got {self.n_features}")
        if not 0.0 < self.feature_prob <= 1.0:
            raise ValueError(f"feature_prob must be in (0, 1], got {self.feature_prob}")
        low, high = self.value_range
        if not low < high:
            raise ValueError(
                f"value_range must be (low, high) with low < high, got {self.value_range}"
            )

    def sample(self, batch_size: int, generator: torch.Generator) -> Tensor:
        """A batch [batch_size, n_features] on the CPU, drawn from `generator`."""
        low, high = self.value_range
        shape = (batch_size, self.n_features)
        active = torch.rand(shape, generator=generator) < self.feature_prob
        values = low + (high - low) * torch.rand(shape, generator=generator)
        return torch.where(active, values, torch.zeros(()))

    def batches(self, batch_size: int, seed: int, stream: int = 0) -> "SparseFeatureBatches":
        return SparseFeatureBatches(self, batch_size, seed, stream)


@dataclass(frozen=True)
class SparseFeatureBatches:
    """Batch `step` is a pure function of (task, batch_size, seed, stream, step)."""

    task: SparseFeatureTask
    batch_size: int
    seed: int
    stream: int = 0

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {self.batch_size}")

    def batch_at(self, step: int) -> Tensor:
        """The inputs [batch_size, n_features] for training step `step`, on the CPU."""
        return self.task.sample(self.batch_size, keyed_generator(self.seed, self.stream, step))

    def iter_from(self, step: int) -> Iterator[Tensor]:
        """Batches `step`, `step + 1`, ... without end; resuming at `step` replays them exactly."""
        while True:
            yield self.batch_at(step)
            step += 1
