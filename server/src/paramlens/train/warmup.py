"""Faithfulness warmup (spec §1): fit the subcomponents to the target weights before training."""

import torch
from torch import Tensor

from paramlens.core.decomposition import Decomposition
from paramlens.decomp.losses import faithfulness_loss


def faithfulness_warmup(d: Decomposition) -> Tensor | None:
    """AdamW on U, V alone, minimising L_faith for `training.faithfulness_warmup.steps` steps.

    Returns the last loss (a detached scalar, no host sync), or None when the warmup is off.
    """
    spec = d.config.training.faithfulness_warmup
    if spec.steps == 0:
        return None
    optimizer = torch.optim.AdamW(
        d.component_parameters, lr=spec.lr, weight_decay=spec.weight_decay
    )
    for _ in range(spec.steps):
        loss = faithfulness_loss(d.model.weight_deltas())
        optimizer.zero_grad(set_to_none=True)
        torch.autograd.backward(loss)
        optimizer.step()
    return loss.detach()
