"""The training losses of SPD/VPD: faithfulness, importance minimality and reconstruction.

Reconstruction losses take the ComponentModel, the batch (whatever the target takes), CI
(path -> (..., C), lower-leaky), the clean target output and an OutputLoss
(kl_output_loss for language models, mse_output_loss for toys).
"""

import math
from collections.abc import Mapping
from typing import Any

import torch
from torch import Tensor

from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.masks import stochastic_masks, uniform_k_subset_routing
from paramlens.decomp.output_losses import OutputLoss, masked_recon_loss
from paramlens.decomp.pgd import PersistentPGD


def faithfulness_loss(weight_deltas: Mapping[str, Tensor]) -> Tensor:
    """(1/N) Σ_l Σ_ij Δ^l_ij², N the total number of decomposed weights.

    weight_deltas: path -> Δ (d_out, d_in), from ComponentModel.weight_deltas().
    """
    squared_sum = torch.stack([delta.pow(2).sum() for delta in weight_deltas.values()]).sum()
    return squared_sum / sum(delta.numel() for delta in weight_deltas.values())


def importance_minimality_loss(
    ci_upper: Mapping[str, Tensor],
    p: float,
    beta: float,
    eps: float = 1e-12,
    world_size: int = 1,
) -> Tensor:
    """Σ_l Σ_c [ s̄ + β·s̄·log2(1 + s·world_size) ], the importance and frequency terms fused.

    s_c = Σ_{b,t} (g_upper + ε)^p over this rank's positions, s̄ = s / (B·T); times
    world_size, s estimates the global sum. ci_upper: path -> (..., C). Not normalised by the
    number of modules. ε keeps the gradient of x^p finite at 0 for p < 1.
    """
    total = torch.zeros((), device=next(iter(ci_upper.values())).device)
    for g in ci_upper.values():
        per_position = (g.float() + eps).pow(p)  # (..., C)
        s = per_position.flatten(0, -2).sum(0)  # (C,)
        s_mean = s / math.prod(g.shape[:-1])
        total = total + (s_mean + beta * s_mean * torch.log2(1 + s * world_size)).sum()
    return total


def _leading_shape(ci: Mapping[str, Tensor]) -> tuple[int, ...]:
    shapes = {tuple(g.shape[:-1]) for g in ci.values()}
    if len(shapes) != 1:
        raise ValueError(f"CI of all modules must share one leading shape, got {sorted(shapes)}")
    return shapes.pop()


def stochastic_recon_loss(
    model: ComponentModel,
    batch: Any,
    ci: Mapping[str, Tensor],
    target_output: Tensor,
    output_loss: OutputLoss,
    use_delta: bool = True,
    generator: torch.Generator | None = None,
) -> Tensor:
    """All modules masked with m = g + (1 − g)·U(0, 1), Δ mask U(0, 1) per position."""
    masks, delta_masks = stochastic_masks(ci, generator)
    return masked_recon_loss(
        model, batch, target_output, output_loss, masks, delta_masks if use_delta else None
    )


def stochastic_recon_subset_loss(
    model: ComponentModel,
    batch: Any,
    ci: Mapping[str, Tensor],
    target_output: Tensor,
    output_loss: OutputLoss,
    use_delta: bool = True,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Stochastic masks on a uniform-k-subset of modules per position; the rest are original."""
    masks, delta_masks = stochastic_masks(ci, generator)
    device = next(iter(ci.values())).device
    routing = uniform_k_subset_routing(list(ci), _leading_shape(ci), device, generator)
    return masked_recon_loss(
        model,
        batch,
        target_output,
        output_loss,
        masks,
        delta_masks if use_delta else None,
        routing,
    )


def stochastic_recon_layerwise_loss(
    model: ComponentModel,
    batch: Any,
    ci: Mapping[str, Tensor],
    target_output: Tensor,
    output_loss: OutputLoss,
    use_delta: bool = True,
    generator: torch.Generator | None = None,
) -> Tensor:
    """Mean over modules of the loss with only that module stochastically masked."""
    losses = []
    for path, g in ci.items():
        masks, delta_masks = stochastic_masks({path: g}, generator)
        losses.append(
            masked_recon_loss(
                model, batch, target_output, output_loss, masks, delta_masks if use_delta else None
            )
        )
    return torch.stack(losses).mean()


def ppgd_recon_loss(
    model: ComponentModel,
    batch: Any,
    ci: Mapping[str, Tensor],
    target_output: Tensor,
    output_loss: OutputLoss,
    ppgd: PersistentPGD,
) -> Tensor:
    """All modules masked by the persistent adversary's current sources (no update here).

    Gradients flow to U, V and the CI function through m = g + (1 − g)·r and to the sources;
    take the latter with ppgd.source_grads(loss) before the main backward.
    """
    masks, delta_masks = ppgd.masks(ci)
    return masked_recon_loss(model, batch, target_output, output_loss, masks, delta_masks)
