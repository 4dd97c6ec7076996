"""How likely a circuit keeps the target when everything outside it is ablated, three ways.

With CI g and source r in [0, 1], a subcomponent's mask is g + (1 − g)·r (spec section 3):
- CI-masked: r = 0, Δ off; the circuit alone, at its CI.
- stochastic: r ~ U(0, 1) per (position, component), Δ mask U(0, 1); the mean probability.
- adversarial: r chosen by sign-ascent PGD on the target's cross-entropy. The adversary moves
  only the sources of subcomponents alive on the prompt (CI > 0 under the run's CI function),
  the ones the circuit may have dropped; every other source and Δ's stay random.
A faithful circuit keeps all three near the target model's probability; one that only holds
under its exact CI masks collapses under the other two.
"""

from collections.abc import Mapping

import torch
import torch.nn.functional as F
from torch import Tensor

from paramlens.analysis.circuit.target import CircuitTarget
from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.masks import masks_from_sources, stochastic_masks
from paramlens.graphs.graph_file import CircuitProbabilities
from paramlens.graphs.settings import CircuitSettings


def masked_log_probability(
    model: ComponentModel,
    target: CircuitTarget,
    masks: Mapping[str, Tensor],
    delta_masks: Mapping[str, Tensor] | None = None,
) -> Tensor:
    """log p(target) with masks path -> (1, T, C) and Δ masks path -> (1, T) (None: Δ off)."""
    logits = model(target.token_ids, masks=masks, delta_masks=delta_masks).output
    return target.log_probability(logits)


def ci_masked_probability(
    model: ComponentModel, target: CircuitTarget, ci: Mapping[str, Tensor]
) -> float:
    """p(target) with masks equal to the CI (path -> (T, C)) and Δ off."""
    with torch.no_grad():
        masks = {path: g[None] for path, g in ci.items()}
        return float(masked_log_probability(model, target, masks).exp())


def stochastic_probability(
    model: ComponentModel,
    target: CircuitTarget,
    ci: Mapping[str, Tensor],
    samples: int,
    generator: torch.Generator,
) -> float:
    """The mean of p(target) over `samples` stochastic masks, run as one batch."""
    with torch.no_grad():
        batch = {path: g.expand(samples, *g.shape) for path, g in ci.items()}  # (S, T, C)
        masks, delta_masks = stochastic_masks(batch, generator)
        token_ids = target.token_ids.expand(samples, -1)
        logits = model(token_ids, masks=masks, delta_masks=delta_masks).output
        log_p = F.log_softmax(logits[:, target.position].float(), dim=-1)[:, target.token_id]
        return float(log_p.exp().mean())


def adversarial_sources(
    model: ComponentModel,
    target: CircuitTarget,
    ci: Mapping[str, Tensor],
    alive: Mapping[str, Tensor],
    steps: int,
    step_size: float,
    generator: torch.Generator,
) -> dict[str, Tensor]:
    """Sources path -> (1, T, C + 1) after `steps` of sign ascent on −log p(target).

    ci: path -> (1, T, C), held fixed. alive: path -> (T, C), the sources the adversary may
    move; the others, and Δ's (the last channel), keep their U(0, 1) draw.
    """
    detached = {path: g.detach() for path, g in ci.items()}
    sources = {
        path: torch.rand((*g.shape[:-1], g.shape[-1] + 1), generator=generator, device=g.device)
        for path, g in detached.items()
    }
    movable = {path: F.pad(alive[path], (0, 1))[None].to(g.dtype) for path, g in detached.items()}
    for _ in range(steps):
        leaves = {path: source.requires_grad_() for path, source in sources.items()}
        masks, delta_masks = masks_from_sources(detached, leaves)
        loss = -masked_log_probability(model, target, masks, delta_masks)
        grads = torch.autograd.grad(loss, list(leaves.values()))
        with torch.no_grad():
            sources = {
                path: (source + step_size * grad.sign() * movable[path]).clamp(0.0, 1.0)
                for (path, source), grad in zip(leaves.items(), grads, strict=True)
            }
    return sources


def adversarial_probability(
    model: ComponentModel,
    target: CircuitTarget,
    ci: Mapping[str, Tensor],
    alive: Mapping[str, Tensor],
    steps: int,
    step_size: float,
    generator: torch.Generator,
) -> float:
    """p(target) under a fresh adversary; ci: path -> (T, C)."""
    batched = {path: g[None] for path, g in ci.items()}
    with torch.enable_grad():
        sources = adversarial_sources(model, target, batched, alive, steps, step_size, generator)
    with torch.no_grad():
        masks, delta_masks = masks_from_sources(batched, sources)
        return float(masked_log_probability(model, target, masks, delta_masks).exp())


def judge(
    model: ComponentModel,
    target: CircuitTarget,
    ci: Mapping[str, Tensor],
    alive: Mapping[str, Tensor],
    settings: CircuitSettings,
) -> CircuitProbabilities:
    """The three probabilities of the circuit with CI path -> (T, C), and its node count."""
    device = target.token_ids.device
    generator = torch.Generator(device=device).manual_seed(settings.seed)
    return CircuitProbabilities(
        nodes=sum(int((g > settings.ci_threshold).sum()) for g in ci.values()),
        ci_masked=ci_masked_probability(model, target, ci),
        stochastic=stochastic_probability(model, target, ci, settings.eval_samples, generator),
        adversarial=adversarial_probability(
            model,
            target,
            ci,
            alive,
            settings.eval_pgd_steps,
            settings.eval_pgd_step_size,
            generator,
        ),
    )
