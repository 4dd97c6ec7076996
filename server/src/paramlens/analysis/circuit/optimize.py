"""The optimisation of a circuit's CI for one target (spec section 10, post-hoc CI pruning).

U and V stay frozen; only the pre-sigmoid CI of the alive (position, component) pairs moves
(circuit_ci). With R the behaviour's loss (the target token's cross-entropy, or a toy output's
squared error against the target model's), per step:

    stochastic_coeff · R(stochastic masks)
  + pgd_coeff        · R(adversarial masks, pgd_steps of sign ascent from U(0, 1))
  + importance_coeff · L_min(upper CI, p, beta)

with AdamW and a cosine learning rate after a linear warm-up. The `ci_only` objective replaces
the two R terms by (stochastic_coeff + pgd_coeff) · R(masks = CI, Δ off): what pruning on the
CI masks alone finds, for contrast.
"""

from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor
from tqdm import tqdm

from paramlens.analysis.circuit.circuit_ci import CircuitCI
from paramlens.analysis.circuit.faithfulness import adversarial_sources, masked_output
from paramlens.analysis.circuit.target import Behaviour
from paramlens.analysis.graphs.settings import CircuitSettings
from paramlens.decomp.ci_functions import CausalImportance, causal_importance
from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.losses import importance_minimality_loss
from paramlens.decomp.masks import masks_from_sources, stochastic_masks
from paramlens.decomp.schedules import lr_schedule

Objective = Literal["faithful", "ci_only"]


@dataclass(frozen=True)
class CircuitCandidates:
    """What a circuit report compares, for one target: the run's own CI (path -> lower CI),
    the optimised circuit and, when settings ask for it, the circuit optimised on CI masks
    alone; `alive` marks the pairs the optimisation and the adversary may move."""

    alive: dict[str, Tensor]
    original: dict[str, Tensor]
    optimized: CircuitCI
    ci_only: CircuitCI | None


def optimize_circuits(
    model: ComponentModel,
    target: Behaviour,
    initial_logits: dict[str, Tensor],
    settings: CircuitSettings,
    progress: bool = False,
) -> CircuitCandidates:
    """The optimised circuit (and the CI-only one) beside the run's own CI, from the CI
    function's logits on the target's input."""
    original = {path: g.detach() for path, g in causal_importance(initial_logits).lower.items()}
    alive = {path: z > 0 for path, z in initial_logits.items()}
    optimized = optimize_circuit_ci(model, target, initial_logits, settings, "faithful", progress)
    ci_only = None
    if settings.compare_ci_only:
        ci_only = optimize_circuit_ci(model, target, initial_logits, settings, "ci_only", progress)
    return CircuitCandidates(alive, original, optimized, ci_only)


def optimize_circuit_ci(
    model: ComponentModel,
    target: Behaviour,
    initial_logits: dict[str, Tensor],
    settings: CircuitSettings,
    objective: Objective = "faithful",
    progress: bool = False,
) -> CircuitCI:
    """The circuit's CI after settings.steps steps from the CI function's logits
    (path -> ([T,] C)) on the target's input."""
    circuit = CircuitCI(initial_logits)
    if not any(alive.any() for alive in circuit.alive.values()):
        raise ValueError("no subcomponent has CI > 0 on this input, so there is no circuit")
    params = circuit.parameters()
    optimizer = torch.optim.AdamW(params, lr=settings.lr, weight_decay=settings.weight_decay)
    generator = torch.Generator(device=target.inputs.device).manual_seed(settings.seed)
    desc = "optimised circuit" if objective == "faithful" else "CI-only circuit"
    bar = tqdm(range(settings.steps), desc=desc, disable=not progress, dynamic_ncols=True)
    for step in bar:
        lr = lr_schedule(
            step,
            settings.steps,
            settings.lr,
            settings.lr_warmup_frac,
            settings.lr_final_frac,
            "cosine",
        )
        for group in optimizer.param_groups:
            group["lr"] = lr
        ci = circuit.causal_importance()
        loss = _loss(model, target, circuit, ci, settings, objective, generator)
        grads = torch.autograd.grad(loss, params, allow_unused=True, materialize_grads=True)
        for param, grad in zip(params, grads, strict=True):
            param.grad = grad
        optimizer.step()
        if progress and (step % 10 == 0 or step == settings.steps - 1):
            nodes = sum(int((g > settings.ci_threshold).sum()) for g in ci.lower.values())
            bar.set_postfix(loss=f"{float(loss.detach()):.3g}", nodes=nodes, refresh=False)
    return circuit


def _loss(
    model: ComponentModel,
    target: Behaviour,
    circuit: CircuitCI,
    ci: CausalImportance,
    settings: CircuitSettings,
    objective: Objective,
    generator: torch.Generator,
) -> Tensor:
    minimality = importance_minimality_loss(ci.upper, settings.p, settings.beta)
    total = settings.importance_coeff * minimality
    if objective == "ci_only":
        recon = _recon(model, target, ci.lower)
        return total + (settings.stochastic_coeff + settings.pgd_coeff) * recon
    if settings.stochastic_coeff > 0:
        masks, delta_masks = stochastic_masks(ci.lower, generator)
        total = total + settings.stochastic_coeff * _recon(model, target, masks, delta_masks)
    if settings.pgd_coeff > 0:
        sources = adversarial_sources(
            model,
            target,
            ci.lower,
            circuit.alive,
            settings.pgd_steps,
            settings.pgd_step_size,
            generator,
        )
        masks, delta_masks = masks_from_sources(ci.lower, sources)
        total = total + settings.pgd_coeff * _recon(model, target, masks, delta_masks)
    return total


def _recon(
    model: ComponentModel,
    target: Behaviour,
    masks: dict[str, Tensor],
    delta_masks: dict[str, Tensor] | None = None,
) -> Tensor:
    """The behaviour's loss on its one input under the masks (1, [T,] C)."""
    return target.loss(masked_output(model, target.inputs, masks, delta_masks)).mean()
