"""Distances between the masked model's output and the target's, and the masked forward."""

from collections.abc import Callable, Mapping
from typing import Any

import torch.nn.functional as F
from torch import Tensor

from paramlens.decomp.component_model import ComponentModel

OutputLoss = Callable[[Tensor, Tensor], Tensor]
"""(pred, target) -> scalar; target is the clean target output and gets no gradient."""


def kl_output_loss(pred: Tensor, target: Tensor) -> Tensor:
    """KL(softmax(target) ‖ softmax(pred)) summed over the last (vocab) dim, averaged over the
    other positions. pred, target: (..., vocab) logits."""
    log_q = F.log_softmax(pred.float(), dim=-1)
    log_p = F.log_softmax(target.detach().float(), dim=-1)
    return F.kl_div(log_q, log_p, reduction="none", log_target=True).sum(-1).mean()


def for_target(output_loss: OutputLoss, target: Tensor) -> OutputLoss:
    """`output_loss` specialised to one target, for a step that compares many predictions
    with the same clean output: the target's log-probabilities are computed once, not per
    call. Gives the same floats as `output_loss`; any other target is refused."""
    if output_loss is not kl_output_loss:
        return output_loss
    log_p = F.log_softmax(target.detach().float(), dim=-1)
    p = log_p.exp()

    def loss(pred: Tensor, given: Tensor) -> Tensor:
        if given is not target:
            raise ValueError("this loss was specialised to another target")
        # kl_div(log_q, log_p, log_target=True) is exp(log_p) * (log_p - log_q), elementwise
        log_q = F.log_softmax(pred.float(), dim=-1)
        return (p * (log_p - log_q)).sum(-1).mean()

    return loss


def mse_output_loss(pred: Tensor, target: Tensor) -> Tensor:
    """Sum of squared errors over all elements divided by their number. pred, target: (...)."""
    return F.mse_loss(pred.float(), target.detach().float())


def masked_recon_loss(
    model: ComponentModel,
    batch: Any,
    target_output: Tensor,
    output_loss: OutputLoss,
    masks: Mapping[str, Tensor],
    delta_masks: Mapping[str, Tensor] | None = None,
    routing: Mapping[str, Tensor] | None = None,
) -> Tensor:
    """output_loss(model(batch) with the given masks, target_output). Masks as in
    ComponentModel.forward: path -> (..., C), Δ masks path -> (...), routing path -> bool (...)."""
    pred = model(batch, masks=masks, delta_masks=delta_masks, routing=routing).output
    return output_loss(pred, target_output)


def next_token_ce(logits: Tensor, ids: Tensor) -> Tensor:
    """Mean cross-entropy of logits [B, T, V] predicting ids [B, T] one position ahead."""
    V = logits.shape[-1]
    return F.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))
