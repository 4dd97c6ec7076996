"""Evaluation metrics of a decomposition (spec §9) on the config's fixed evaluation batches.

Keys (X is the output loss, `kl` or `mse`; K runs over evaluate.mask_kinds.MASK_KINDS):
  X_K                     output loss of the model masked with K
  ce_K, ce_target         next-token cross-entropy (language models only)
  ce_difference_K         ce_K − ce_target
  ce_unrecovered_K        (ce_K − ce_target) / (ce_zero_masked − ce_target)
  pgd_X                   output loss under a fresh PGD adversary (adversary.eval)
  l0, l0_total            per module: mean over positions of #(CI > ci_alive_threshold)
  alive, alive_total      per module: #subcomponents with mean CI over the eval set > 1e-6
toy targets with known mechanisms add mmcs, mmcs_alive, mmcs_per_module,
alive_per_feature (evaluate.ground_truth) and important_per_feature, dedicated_features,
n_features (evaluate.feature_probe).
"""

import math
from typing import Any

import torch
from torch import Tensor

from paramlens.core import seeds
from paramlens.core.decomposition import Decomposition
from paramlens.data import SparseFeatureTask
from paramlens.decomp.ci_functions import causal_importance
from paramlens.decomp.output_losses import next_token_ce
from paramlens.decomp.pgd import fresh_pgd_eval
from paramlens.evaluate.feature_probe import (
    dedicated_features,
    important_per_feature,
    probe_features,
)
from paramlens.evaluate.ground_truth import match_mechanisms
from paramlens.evaluate.mask_kinds import MASK_KINDS, eval_masks

ALIVE_MEAN_CI = 1e-6


def evaluate(d: Decomposition, step: int) -> dict[str, Any]:
    """Every metric above, as JSON-ready numbers; randomness is keyed by `step`, so the same
    weights evaluated at the same step give the same numbers."""
    config = d.config
    loss_name = config.output_loss
    is_lm = loss_name == "kl"
    logging = config.logging
    masks_generator = seeds.generator(config.seed, seeds.EVAL_RANDOM, d.device, step)
    pgd_generator = seeds.generator(config.seed, seeds.EVAL_RANDOM, torch.device("cpu"), step)
    adversary = config.adversary.eval

    sums: dict[str, Tensor] = {}
    l0_sums: dict[str, Tensor] = {}
    ci_sums: dict[str, Tensor] = {}
    n_positions = 0

    def add(into: dict[str, Tensor], key: str, value: Tensor) -> None:
        into[key] = into[key] + value.detach().float() if key in into else value.detach().float()

    for cpu_batch in d.batches.eval:
        batch = d.to_device(cpu_batch)
        with torch.no_grad(), d.autocast():
            clean = d.model(batch, cache=["inputs"])
            ci = causal_importance(d.ci_fn(clean.inputs, d.model.components_by_path)).lower
            for kind, (masks, delta_masks) in eval_masks(
                ci, logging.rounding_threshold, masks_generator
            ):
                pred = d.model(batch, masks=masks, delta_masks=delta_masks).output
                add(sums, f"{loss_name}_{kind}", d.output_loss(pred, clean.output))
                if is_lm:
                    add(sums, f"ce_{kind}", next_token_ce(pred.float(), batch))
            if is_lm:
                add(sums, "ce_target", next_token_ce(clean.output.float(), batch))
        for path, g in ci.items():
            flat = g.float().flatten(0, -2)  # (positions, C)
            add(l0_sums, path, (flat > logging.ci_alive_threshold).sum(-1).float().mean())
            add(ci_sums, path, flat.sum(0))
        n_positions += math.prod(next(iter(ci.values())).shape[:-1])
        with d.autocast():
            pgd = fresh_pgd_eval(
                d.model,
                batch,
                ci,
                clean.output,
                d.output_loss,
                adversary.n_steps,
                adversary.step_size,
                pgd_generator,
                shared=adversary.scope == "shared_across_batch",
            )
        add(sums, f"pgd_{loss_name}", pgd)

    n_batches = len(d.batches.eval)
    metrics: dict[str, Any] = {key: float(value) / n_batches for key, value in sums.items()}
    if is_lm:
        _ce_comparisons(metrics)
    metrics["l0"] = {path: float(value) / n_batches for path, value in l0_sums.items()}
    metrics["l0_total"] = sum(metrics["l0"].values())
    alive = {path: (total / n_positions) > ALIVE_MEAN_CI for path, total in ci_sums.items()}
    metrics["alive"] = {path: int(mask.sum()) for path, mask in alive.items()}
    metrics["alive_total"] = sum(metrics["alive"].values())
    metrics |= _toy_metrics(d, alive)
    return metrics


def _ce_comparisons(metrics: dict[str, Any]) -> None:
    target, zero = metrics["ce_target"], metrics["ce_zero_masked"]
    for kind in MASK_KINDS:
        difference = metrics[f"ce_{kind}"] - target
        metrics[f"ce_difference_{kind}"] = difference
        metrics[f"ce_unrecovered_{kind}"] = difference / (zero - target) if zero != target else None


def _toy_metrics(d: Decomposition, alive: dict[str, Tensor]) -> dict[str, Any]:
    metrics: dict[str, Any] = {}
    truth = d.target.ground_truth
    if truth and set(truth) & set(d.model.module_paths):
        components = d.model.components_by_path
        match = match_mechanisms(
            {path: c.U for path, c in components.items()},
            {path: c.V for path, c in components.items()},
            truth,
            alive,
        )
        metrics |= {
            "mmcs": match.mmcs,
            "mmcs_alive": match.mmcs_alive,
            "mmcs_per_module": match.mmcs_per_module,
            "alive_per_feature": match.alive_per_feature,
        }
    if isinstance(d.target.data, SparseFeatureTask):
        n_features = d.target.data.n_features
        threshold = d.config.logging.ci_alive_threshold
        probes = probe_features(d, n_features)
        metrics["important_per_feature"] = {
            path: important_per_feature(ci, threshold) for path, ci in probes.items()
        }
        metrics["dedicated_features"] = {
            path: dedicated_features(ci, threshold) for path, ci in probes.items()
        }
        metrics["n_features"] = n_features
    return metrics
