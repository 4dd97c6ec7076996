"""One optimisation step of SPD/VPD (spec §6). Nothing here waits for the device."""

from dataclasses import dataclass

import torch
from torch import Tensor

from paramlens.config.sections.losses import Losses
from paramlens.core.decomposition import Decomposition
from paramlens.decomp.ci_functions import CausalImportance, causal_importance
from paramlens.decomp.losses import (
    faithfulness_loss,
    importance_minimality_loss,
    stochastic_recon_layerwise_loss,
    stochastic_recon_loss,
    stochastic_recon_subset_loss,
)
from paramlens.decomp.masks import uniform_k_subset_routing
from paramlens.decomp.output_losses import OutputLoss, for_target, masked_recon_loss
from paramlens.decomp.pgd import PersistentPGD
from paramlens.decomp.schedules import lr_schedule, p_schedule
from paramlens.train.phases import PhaseTimer, phase
from paramlens.train.state import TrainState


@dataclass(frozen=True)
class StepResult:
    """losses: each term unweighted, and `total` (weighted sum), as detached scalars.
    l0: per module, the mean over positions of the number of CI > threshold (when asked)."""

    losses: dict[str, Tensor]
    l0: dict[str, Tensor] | None
    lr: float
    p: float


def coefficients(losses: Losses) -> dict[str, float]:
    """The loss terms that are on, by name, with their weights in the total."""
    terms = {
        "faithfulness": losses.faithfulness,
        "importance_minimality": losses.importance_minimality,
        "stochastic_recon": losses.stochastic_recon,
        "stochastic_recon_layerwise": losses.stochastic_recon_layerwise,
        "ppgd_recon": losses.ppgd_recon,
    }
    return {name: spec.coeff for name, spec in terms.items() if spec is not None}


def train_step(
    d: Decomposition,
    state: TrainState,
    batch: Tensor,
    measure_l0: bool,
    timer: PhaseTimer | None = None,
) -> StepResult:
    """Take optimisation step `state.step` on `batch` (on the device) and count it.

    timer: where to add the time of each phase (benchmarks); None times nothing.
    """
    config = d.config
    training = config.training
    step, total_steps = state.step, training.steps
    schedule = training.lr_schedule
    lr = lr_schedule(
        step, total_steps, training.lr, schedule.warmup_frac, schedule.final_frac, schedule.kind
    )
    for group in state.optimizer.param_groups:
        group["lr"] = lr
    minimality = config.losses.importance_minimality
    p = p_schedule(
        step,
        total_steps,
        minimality.p_start,
        minimality.p_final,
        minimality.p_anneal_start_frac,
        minimality.p_anneal_end_frac,
    )

    with d.autocast():
        with phase(timer, "clean_forward"):
            clean = d.model(batch, cache=["inputs"])
        with phase(timer, "ci_function"):
            ci = causal_importance(d.ci_fn(clean.inputs, d.model.components_by_path))
        output_loss = for_target(d.output_loss, clean.output)
        terms = _loss_terms(d, state, batch, clean.output, output_loss, ci, p, timer)
    weights = coefficients(config.losses)
    total = torch.stack([weights[name] * term.float() for name, term in terms.items()]).sum()

    # The adversary's gradient comes from its own loss, before the backward pass frees it.
    with phase(timer, "backward"):
        adversary_grads = None
        if state.adversary is not None:
            adversary_grads = state.adversary.source_grads(terms["ppgd_recon"])
        state.optimizer.zero_grad(set_to_none=True)
        torch.autograd.backward(total)
    with phase(timer, "optimiser"):
        if state.adversary is not None and adversary_grads is not None:
            state.adversary.step(adversary_grads, step)
        if training.grad_clip_components is not None:
            torch.nn.utils.clip_grad_norm_(d.component_parameters, training.grad_clip_components)
        if training.grad_clip_ci_function is not None:
            torch.nn.utils.clip_grad_norm_(d.ci_fn.parameters(), training.grad_clip_ci_function)
        state.optimizer.step()
    state.step += 1

    losses = {name: term.detach() for name, term in terms.items()}
    losses["total"] = total.detach()
    l0 = None
    if measure_l0:
        threshold = config.logging.ci_alive_threshold
        l0 = {path: (g > threshold).sum(-1).float().mean() for path, g in ci.lower.items()}
    return StepResult(losses, l0, lr, p)


def _loss_terms(
    d: Decomposition,
    state: TrainState,
    batch: Tensor,
    target_output: Tensor,
    output_loss: OutputLoss,
    ci: CausalImportance,
    p: float,
    timer: PhaseTimer | None,
) -> dict[str, Tensor]:
    losses = d.config.losses
    terms: dict[str, Tensor] = {}
    with phase(timer, "regularisers"):
        if losses.faithfulness is not None:
            terms["faithfulness"] = faithfulness_loss(d.model.weight_deltas())
        minimality = losses.importance_minimality
        terms["importance_minimality"] = importance_minimality_loss(
            ci.upper, p, minimality.beta, minimality.eps
        )
    with phase(timer, "reconstruction"):
        terms |= _stochastic_terms(d, state, batch, target_output, output_loss, ci)
    if losses.ppgd_recon is not None:
        assert state.adversary is not None, "ppgd_recon is on, so the state has an adversary"
        subset = losses.ppgd_recon.routing == "uniform_k_subset"
        terms["ppgd_recon"] = _adversarial_loss(
            d,
            state.adversary,
            batch,
            target_output,
            output_loss,
            ci.lower,
            state.mask_generator if subset else None,
            state.step,
            timer,
        )
    return terms


def _stochastic_terms(
    d: Decomposition,
    state: TrainState,
    batch: Tensor,
    target_output: Tensor,
    output_loss: OutputLoss,
    ci: CausalImportance,
) -> dict[str, Tensor]:
    losses = d.config.losses
    model, generator = d.model, state.mask_generator
    n_samples = d.config.training.n_mask_samples
    terms: dict[str, Tensor] = {}
    if losses.stochastic_recon is not None:
        subset = losses.stochastic_recon.routing == "uniform_k_subset"
        recon = stochastic_recon_subset_loss if subset else stochastic_recon_loss
        samples = [
            recon(model, batch, ci.lower, target_output, output_loss, generator=generator)
            for _ in range(n_samples)
        ]
        terms["stochastic_recon"] = torch.stack(samples).mean()
    if losses.stochastic_recon_layerwise is not None:
        samples = [
            stochastic_recon_layerwise_loss(
                model, batch, ci.lower, target_output, output_loss, generator=generator
            )
            for _ in range(n_samples)
        ]
        terms["stochastic_recon_layerwise"] = torch.stack(samples).mean()
    return terms


def _adversarial_loss(
    d: Decomposition,
    adversary: PersistentPGD,
    batch: Tensor,
    target_output: Tensor,
    output_loss: OutputLoss,
    ci: dict[str, Tensor],
    routing_generator: torch.Generator | None,
    step: int,
    timer: PhaseTimer | None,
) -> Tensor:
    """The persistent adversary's loss after its warmup ascent on this batch (spec §5).

    With a routing generator, one uniform-k-subset routing is drawn for the whole step.
    """
    routing = None
    if routing_generator is not None:
        leading = next(iter(ci.values())).shape[:-1]
        routing = uniform_k_subset_routing(list(ci), leading, d.device, routing_generator)

    def loss_at(masks: dict[str, Tensor], delta_masks: dict[str, Tensor] | None) -> Tensor:
        return masked_recon_loss(
            d.model, batch, target_output, output_loss, masks, delta_masks, routing
        )

    with phase(timer, "adversary_warmup"):
        adversary.warmup(ci, loss_at, step)
    with phase(timer, "reconstruction"):
        masks, delta_masks = adversary.masks(ci)
        return loss_at(masks, delta_masks)
