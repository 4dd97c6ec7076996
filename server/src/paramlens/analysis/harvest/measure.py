"""One batch through the decomposition: every subcomponent's CI and activation per position,
and, for language models, the target's most likely next tokens."""

from dataclasses import dataclass

import torch
from torch import Tensor

from paramlens.analysis.inputs import InputKind
from paramlens.core.decomposition import Decomposition
from paramlens.decomp.sigmoids import lower_leaky

N_PREDICTIONS = 10  # next tokens per position whose probability counts for the output PMI


@dataclass(frozen=True)
class Predictions:
    probs: Tensor  # (B, T, N_PREDICTIONS) float32, descending
    ids: Tensor  # (B, T, N_PREDICTIONS) int64
    vocab_size: int  # the target's output vocabulary


@dataclass(frozen=True)
class BatchMeasures:
    """Subcomponents in C_total order: modules in sorted path order, each its C indices.

    T is the sequence length for language models and 1 for toy samples."""

    ci: Tensor  # (B, T, C_total) float32 in [0, 1]: the lower-leaky CI that masks use
    acts: Tensor  # (B, T, C_total) float32: ‖U_c‖ · (x · V_c), the interpretable activation
    predictions: Predictions | None  # None for toy targets, whose outputs are not tokens


class Measurer:
    """Runs batches through a decomposition in inference mode (no gradients, the run's
    autocast) and collects what a harvest needs from them."""

    def __init__(self, d: Decomposition, input_kind: InputKind) -> None:
        self.d = d
        self.input_kind = input_kind
        components = d.model.components_by_path
        with torch.no_grad():
            self.u_norms = torch.cat([c.U.norm(dim=1) for c in components.values()]).float()

    @property
    def c_total(self) -> int:
        return len(self.u_norms)

    def __call__(self, batch: Tensor) -> BatchMeasures:
        """batch: token ids (B, T) or features (B, n_features), on any device."""
        d = self.d
        batch = d.to_device(batch)
        components = d.model.components_by_path
        with torch.no_grad(), d.autocast():
            clean = d.model(batch, cache=["inputs"])
            logits = d.ci_fn(clean.inputs, components)
            ci = torch.cat([lower_leaky(logits[path]).float() for path in components], -1)
            inner = [c.component_acts(clean.inputs[path]).float() for path, c in components.items()]
            acts = torch.cat(inner, -1) * self.u_norms
            predictions = None
            if self.input_kind == "tokens":
                probs = torch.softmax(clean.output.float(), dim=-1)
                vocab_size = probs.shape[-1]
                top = probs.topk(min(N_PREDICTIONS, vocab_size), dim=-1)
                predictions = Predictions(top.values, top.indices, vocab_size)
        if ci.dim() == 2:  # toy samples: one position each
            ci, acts = ci.unsqueeze(1), acts.unsqueeze(1)
        return BatchMeasures(ci, acts, predictions)
