"""How well a circuit keeps its behaviour when everything outside it is ablated, three ways.

With CI g and source r in [0, 1], a subcomponent's mask is g + (1 − g)·r (spec section 3):
- CI-masked: r = 0, Δ off; the circuit alone, at its CI.
- stochastic: r ~ U(0, 1) per (position, component), Δ mask U(0, 1); the mean over draws.
- adversarial: r chosen by sign-ascent PGD on the behaviour's loss (the target's cross-entropy,
  a toy output's squared error). The adversary moves only the sources of subcomponents alive on
  the input (CI > 0 under the run's CI function), the ones the circuit may have dropped; every
  other source and Δ's stay random.
A faithful circuit keeps all three near the target model; one that only holds under its exact
CI masks collapses under the other two. A language model's circuit is judged by the target
token's probability, a toy's by the target output's value and the outputs' squared error.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from paramlens.analysis.circuit.target import Behaviour, CircuitTarget, FeatureTarget
from paramlens.analysis.graphs.graph_file import CircuitOutputValues, CircuitProbabilities
from paramlens.analysis.graphs.settings import CircuitSettings
from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.masks import masks_from_sources, stochastic_masks


@dataclass(frozen=True)
class AblatedOutputs:
    """The model's outputs with a circuit kept: (1, …), (samples, …) and (1, …)."""

    nodes: int
    ci_masked: Tensor
    stochastic: Tensor
    adversarial: Tensor


def masked_output(
    model: ComponentModel,
    inputs: Tensor,
    masks: Mapping[str, Tensor],
    delta_masks: Mapping[str, Tensor] | None = None,
) -> Tensor:
    """The output with masks path -> (B, [T,] C) and Δ masks path -> (B, [T]) (None: Δ off)."""
    output: Tensor = model(inputs, masks=masks, delta_masks=delta_masks).output
    return output


def ci_masked_output(
    model: ComponentModel, behaviour: Behaviour, ci: Mapping[str, Tensor]
) -> Tensor:
    """The output with masks equal to the CI (path -> ([T,] C)) and Δ off."""
    with torch.no_grad():
        return masked_output(model, behaviour.inputs, {path: g[None] for path, g in ci.items()})


def stochastic_outputs(
    model: ComponentModel,
    behaviour: Behaviour,
    ci: Mapping[str, Tensor],
    samples: int,
    generator: torch.Generator,
) -> Tensor:
    """The outputs under `samples` stochastic masks, run as one batch."""
    with torch.no_grad():
        batch = {path: g.expand(samples, *g.shape) for path, g in ci.items()}  # (S, [T,] C)
        masks, delta_masks = stochastic_masks(batch, generator)
        inputs = behaviour.inputs.expand(samples, *behaviour.inputs.shape[1:])
        return masked_output(model, inputs, masks, delta_masks)


def adversarial_sources(
    model: ComponentModel,
    behaviour: Behaviour,
    ci: Mapping[str, Tensor],
    alive: Mapping[str, Tensor],
    steps: int,
    step_size: float,
    generator: torch.Generator,
) -> dict[str, Tensor]:
    """Sources path -> (1, [T,] C + 1) after `steps` of sign ascent on the behaviour's loss.

    ci: path -> (1, [T,] C), held fixed. alive: path -> ([T,] C), the sources the adversary
    may move; the others, and Δ's (the last channel), keep their U(0, 1) draw.
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
        loss = behaviour.loss(masked_output(model, behaviour.inputs, masks, delta_masks)).sum()
        grads = torch.autograd.grad(loss, list(leaves.values()))
        with torch.no_grad():
            sources = {
                path: (source + step_size * grad.sign() * movable[path]).clamp(0.0, 1.0)
                for (path, source), grad in zip(leaves.items(), grads, strict=True)
            }
    return sources


def adversarial_output(
    model: ComponentModel,
    behaviour: Behaviour,
    ci: Mapping[str, Tensor],
    alive: Mapping[str, Tensor],
    steps: int,
    step_size: float,
    generator: torch.Generator,
) -> Tensor:
    """The output under a fresh adversary; ci: path -> ([T,] C)."""
    batched = {path: g[None] for path, g in ci.items()}
    with torch.enable_grad():
        sources = adversarial_sources(model, behaviour, batched, alive, steps, step_size, generator)
    with torch.no_grad():
        masks, delta_masks = masks_from_sources(batched, sources)
        return masked_output(model, behaviour.inputs, masks, delta_masks)


def ablated_outputs(
    model: ComponentModel,
    behaviour: Behaviour,
    ci: Mapping[str, Tensor],
    alive: Mapping[str, Tensor],
    settings: CircuitSettings,
) -> AblatedOutputs:
    """The outputs of the circuit with CI path -> ([T,] C) the three ways, and its node count."""
    generator = torch.Generator(device=behaviour.inputs.device).manual_seed(settings.seed)
    return AblatedOutputs(
        nodes=sum(int((g > settings.ci_threshold).sum()) for g in ci.values()),
        ci_masked=ci_masked_output(model, behaviour, ci),
        stochastic=stochastic_outputs(model, behaviour, ci, settings.eval_samples, generator),
        adversarial=adversarial_output(
            model,
            behaviour,
            ci,
            alive,
            settings.eval_pgd_steps,
            settings.eval_pgd_step_size,
            generator,
        ),
    )


def judge(
    model: ComponentModel,
    target: CircuitTarget,
    ci: Mapping[str, Tensor],
    alive: Mapping[str, Tensor],
    settings: CircuitSettings,
) -> CircuitProbabilities:
    """The target token's three probabilities under the circuit with CI path -> (T, C)."""
    outputs = ablated_outputs(model, target, ci, alive, settings)

    def probability(logits: Tensor) -> float:
        return float(target.log_probability(logits).exp().mean())

    return CircuitProbabilities(
        nodes=outputs.nodes,
        ci_masked=probability(outputs.ci_masked),
        stochastic=probability(outputs.stochastic),
        adversarial=probability(outputs.adversarial),
    )


def judge_outputs(
    model: ComponentModel,
    target: FeatureTarget,
    ci: Mapping[str, Tensor],
    alive: Mapping[str, Tensor],
    settings: CircuitSettings,
) -> CircuitOutputValues:
    """A toy circuit's target output and output MSE, three ways; ci: path -> (C,)."""
    outputs = ablated_outputs(model, target, ci, alive, settings)

    def value(output: Tensor) -> float:
        return float(output[:, target.output].float().mean())

    def mse(output: Tensor) -> float:
        return float(target.squared_errors(output).mean())

    return CircuitOutputValues(
        nodes=outputs.nodes,
        ci_masked=value(outputs.ci_masked),
        stochastic=value(outputs.stochastic),
        adversarial=value(outputs.adversarial),
        ci_masked_mse=mse(outputs.ci_masked),
        stochastic_mse=mse(outputs.stochastic),
        adversarial_mse=mse(outputs.adversarial),
    )
