"""The behaviour a circuit is optimised for: one token predicted after one prompt position."""

from dataclasses import dataclass

import torch
from tokenizers import Tokenizer
from torch import Tensor

from paramlens.graphs.build import token_decoder, tokenize


@dataclass(frozen=True)
class CircuitTarget:
    """token_ids (1, T): the prompt; token_id is to be predicted after `position`."""

    token_ids: Tensor
    position: int
    token_id: int
    token: str

    def log_probability(self, logits: Tensor) -> Tensor:
        """log p(token) after `position`, from logits (1, T, vocab), in the autograd graph."""
        return torch.log_softmax(logits[0, self.position].float(), dim=-1)[self.token_id]


def resolve_target(
    tokenizer: Tokenizer,
    prompt: str,
    target: str,
    position: int | None = None,
    device: torch.device | None = None,
) -> CircuitTarget:
    """The prompt's tokens and the target token; `target` must be exactly one token.

    position: where the target is predicted, default the last position; negative counts from
    the end (-1 is the last).
    """
    ids = tokenize(tokenizer, prompt)
    pieces = tokenizer.encode(target, add_special_tokens=False).ids
    decode = token_decoder(tokenizer)
    if len(pieces) != 1:
        shown = ", ".join(repr(decode(piece)) for piece in pieces) or "none"
        raise ValueError(
            f"the target {target!r} is {len(pieces)} tokens ({shown}); give text that is "
            "exactly one token of the run's tokenizer (mind a leading space)"
        )
    T = len(ids)
    chosen = T - 1 if position is None else position
    if not -T <= chosen < T:
        raise ValueError(f"position {position} is outside the prompt's {T} tokens")
    return CircuitTarget(
        torch.tensor([ids], device=device), chosen % T, pieces[0], decode(pieces[0])
    )
