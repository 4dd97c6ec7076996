"""The run's training stream, re-batched for harvesting, with a stable index per sequence.

Sequence (sample) i of the harvest is item i of the training stream the decomposition was
trained on: batch `step` holds items [step * batch_size, (step + 1) * batch_size). Text
windows are read once at most (the harvest stops before the stream's second epoch would
repeat them); synthetic samples never repeat. Any item can be read again by its index.
"""

import dataclasses
from dataclasses import dataclass

import torch
from torch import Tensor

from paramlens.analysis.inputs import InputKind
from paramlens.core.batches import BatchSource
from paramlens.core.decomposition import Decomposition
from paramlens.data import SparseFeatureBatches, WindowBatches


@dataclass(frozen=True)
class HarvestStream:
    source: BatchSource  # batch `step` of the harvest
    batch_size: int
    input_kind: InputKind
    positions: int  # tokens per sequence; 1 for a toy sample

    def batch_at(self, step: int) -> Tensor:
        """Token ids [batch_size, positions], or features [batch_size, n_features], on the CPU."""
        return self.source.batch_at(step)

    def items(self, indices: Tensor) -> Tensor:
        """The sequences (samples) numbered `indices` (1-D, ascending), read again: each batch
        that holds one of them is rebuilt once."""
        steps = torch.div(indices, self.batch_size, rounding_mode="floor")
        rows = [
            self.batch_at(step)[indices[steps == step] % self.batch_size]
            for step in torch.unique(steps).tolist()
        ]
        return torch.cat(rows)


def input_kind(d: Decomposition) -> InputKind:
    return "features" if d.config.data.kind == "synthetic" else "tokens"


def training_sequences(d: Decomposition) -> int | None:
    """How many sequences one pass over the training split holds; None for synthetic data."""
    train = d.batches.train
    return len(train.windows) if isinstance(train, WindowBatches) else None


def sequence_length(d: Decomposition) -> int:
    """Tokens per sequence; 1 for a toy sample."""
    train = d.batches.train
    return train.windows.seq_len if isinstance(train, WindowBatches) else 1


def harvest_stream(d: Decomposition, batch_size: int) -> HarvestStream:
    train = d.batches.train
    if isinstance(train, WindowBatches):
        # The stream's order depends on the seed alone, not on the batch size.
        source: BatchSource = WindowBatches(train.windows, batch_size, train.seed, train.stream)
        return HarvestStream(source, batch_size, "tokens", train.windows.seq_len)
    if isinstance(train, SparseFeatureBatches):
        source = dataclasses.replace(train, batch_size=batch_size)
        return HarvestStream(source, batch_size, "features", 1)
    raise ValueError(f"cannot harvest from a {type(train).__name__} data source")
