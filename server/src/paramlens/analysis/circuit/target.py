"""The behaviour a circuit is optimised for: one token predicted after one prompt position, or
one output of a toy model on one input vector."""

from dataclasses import dataclass
from typing import Protocol

import torch
from torch import Tensor

from paramlens.analysis.inputs import TokenInputs


class Behaviour(Protocol):
    """What a circuit must keep doing on its one input."""

    @property
    def inputs(self) -> Tensor:
        """The input, a batch of one: token ids (1, T) or features (1, n_features)."""
        ...

    def loss(self, output: Tensor) -> Tensor:
        """(B,) from the model's output (B, …), in the autograd graph: what the optimisation
        lowers and the adversary raises."""
        ...


@dataclass(frozen=True)
class CircuitTarget:
    """token_ids (1, T): the prompt; token_id is to be predicted after `position`."""

    token_ids: Tensor
    position: int
    token_id: int
    token: str

    @property
    def inputs(self) -> Tensor:
        return self.token_ids

    def log_probability(self, logits: Tensor) -> Tensor:
        """log p(token) after `position`, (B,) from logits (B, T, vocab), in the autograd graph."""
        return torch.log_softmax(logits[:, self.position].float(), dim=-1)[:, self.token_id]

    def loss(self, output: Tensor) -> Tensor:
        """The target's cross-entropy."""
        return -self.log_probability(output)


@dataclass(frozen=True)
class FeatureTarget:
    """features (1, n_features): a toy model's input; `output` is the output to preserve, at
    its value in the target model's output `reference` (n_out,)."""

    features: Tensor
    output: int
    reference: Tensor
    all_outputs: bool = False  # the loss covers every output, not only `output`

    @property
    def inputs(self) -> Tensor:
        return self.features

    def loss(self, output: Tensor) -> Tensor:
        """The squared error of the target output (the mean over outputs with all_outputs)
        against the target model's."""
        error = (output.float() - self.reference) ** 2
        return error.mean(dim=-1) if self.all_outputs else error[:, self.output]

    def squared_errors(self, output: Tensor) -> Tensor:
        """(B,): the mean over outputs of the squared error, whatever the loss covers."""
        return ((output.float() - self.reference) ** 2).mean(dim=-1)


def resolve_target(
    inputs: TokenInputs, batch: Tensor, target: str, position: int | None = None
) -> CircuitTarget:
    """The target token after a prompt (batch (1, T)); `target` must be exactly one token.

    position: where the target is predicted, default the last position; negative counts from
    the end (-1 is the last).
    """
    pieces = inputs.tokenizer.encode(target, add_special_tokens=False).ids
    if len(pieces) != 1:
        shown = ", ".join(repr(inputs.token_text(piece)) for piece in pieces) or "none"
        raise ValueError(
            f"the target {target!r} is {len(pieces)} tokens ({shown}); give text that is "
            "exactly one token of the run's tokenizer (mind a leading space)"
        )
    T = batch.shape[1]
    chosen = T - 1 if position is None else position
    if not -T <= chosen < T:
        raise ValueError(f"position {position} is outside the prompt's {T} tokens")
    return CircuitTarget(batch, chosen % T, pieces[0], inputs.token_text(pieces[0]))
