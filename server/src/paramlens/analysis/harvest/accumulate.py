"""Everything a harvest keeps while it streams: top examples, firing statistics, token counts.

All of it lives on the run's device and is updated with whole-tensor operations per batch;
`tensors()` is the resumable state, and `from_tensors` restores it exactly.
"""

from dataclasses import dataclass

import torch
from torch import Tensor

from paramlens.analysis.harvest.measure import BatchMeasures
from paramlens.analysis.harvest.stats import FiringStats
from paramlens.analysis.harvest.token_counts import Firings, InputCounts, OutputMass
from paramlens.analysis.harvest.topk import TopExamples, sequence_bests
from paramlens.analysis.inputs import InputKind
from paramlens.runs.tensor_files import take, with_prefix


@dataclass
class HarvestAccumulator:
    input_kind: InputKind
    ci_threshold: float
    top: TopExamples
    stats: FiringStats
    inputs: InputCounts
    outputs: OutputMass | None  # None for toy targets

    @classmethod
    def empty(
        cls,
        input_kind: InputKind,
        ci_threshold: float,
        top_k: int,
        c_total: int,
        vocab_size: int,
        device: torch.device,
    ) -> "HarvestAccumulator":
        """vocab_size: the target's output vocabulary, or the number of features of a toy."""
        outputs = None
        if input_kind == "tokens":
            outputs = OutputMass.empty(vocab_size, c_total, device)
        return cls(
            input_kind,
            ci_threshold,
            TopExamples.empty(c_total, top_k, device),
            FiringStats.empty(c_total, device),
            InputCounts.empty(vocab_size, c_total, device),
            outputs,
        )

    def add(self, batch: Tensor, measures: BatchMeasures, first_sequence: int) -> None:
        """batch: token ids (B, T) or features (B, n_features), on the accumulator's device."""
        fires = measures.ci > self.ci_threshold  # (B, T, C_total)
        candidates = fires
        if self.input_kind == "features":
            # An example shows the active features, so a sample with none cannot be one.
            candidates = fires & (batch != 0).any(dim=-1)[:, None, None]
        keys, positions = sequence_bests(measures.ci, measures.acts, candidates)
        self.top.add(keys, positions, first_sequence)
        self.stats.add(measures.ci, fires)
        if self.input_kind == "features":
            self.inputs.add_features(batch, fires)
            return
        firings = Firings.of(fires)
        self.inputs.add_tokens(batch, firings)
        if self.outputs is not None and measures.predictions is not None:
            self.outputs.add(measures.predictions, firings)

    def tensors(self) -> dict[str, Tensor]:
        tensors = (
            with_prefix("top.", self.top.tensors())
            | with_prefix("stats.", self.stats.tensors())
            | with_prefix("inputs.", self.inputs.tensors())
        )
        if self.outputs is not None:
            tensors |= with_prefix("outputs.", self.outputs.tensors())
        return tensors

    @classmethod
    def from_tensors(
        cls,
        input_kind: InputKind,
        ci_threshold: float,
        tensors: dict[str, Tensor],
        device: torch.device,
    ) -> "HarvestAccumulator":
        outputs = take(tensors, "outputs.")
        return cls(
            input_kind,
            ci_threshold,
            TopExamples.from_tensors(take(tensors, "top."), device),
            FiringStats.from_tensors(take(tensors, "stats."), device),
            InputCounts.from_tensors(take(tensors, "inputs."), device),
            OutputMass.from_tensors(outputs, device) if outputs else None,
        )
