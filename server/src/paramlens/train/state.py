"""What changes while a decomposition trains, beyond its weights, and its checkpoints.

A checkpoint (`checkpoints/step-<n>.safetensors`) holds everything needed to continue
bit for bit: U and V, the CI function, AdamW's moments, the persistent adversary, the mask
generator and torch's global RNG. Data needs no state: batch `n` is a function of `n`.
"""

from dataclasses import dataclass
from pathlib import Path

import torch
from torch import Tensor

from paramlens.core import seeds
from paramlens.core.decomposition import Decomposition
from paramlens.decomp.pgd import PersistentPGD, PersistentPGDConfig
from paramlens.runs.components_file import component_tensors, restore_weights
from paramlens.runs.manifest import FORMAT_VERSION
from paramlens.runs.tensor_files import load_tensors, save_tensors, scalar, take, with_prefix


@dataclass
class TrainState:
    optimizer: torch.optim.AdamW  # U, V, then the CI function's parameters
    adversary: PersistentPGD | None  # when losses.ppgd_recon is on
    mask_generator: torch.Generator  # on the training device
    step: int = 0  # optimisation steps completed


def make_train_state(d: Decomposition) -> TrainState:
    config = d.config
    parameters = [*d.component_parameters, *d.ci_fn.parameters()]
    optimizer = torch.optim.AdamW(parameters, lr=config.training.lr, weight_decay=0.0)
    masks = seeds.generator(config.seed, seeds.MASKS, d.device)
    return TrainState(optimizer, _make_adversary(d), masks)


def _make_adversary(d: Decomposition) -> PersistentPGD | None:
    config = d.config
    if config.losses.ppgd_recon is None:
        return None
    spec = config.adversary.persistent
    settings = PersistentPGDConfig(
        scope="single" if spec.scope == "single_source" else spec.scope,
        n_sources=spec.n_sources or 1,
        optimizer=spec.optimizer,
        lr=spec.lr,
        lr_warmup_frac=spec.warmup_frac,
        beta1=spec.beta1,
        beta2=spec.beta2,
        eps=spec.eps,
        n_warmup_steps=spec.n_warmup_steps,
    )
    batch = d.batches.train.batch_at(0)
    # CI has one entry per sample for feature vectors, per token for token ids.
    leading = batch.shape[:-1] if config.data.kind == "synthetic" else batch.shape
    init = torch.Generator().manual_seed(seeds.derived_seed(config.seed, seeds.ADVERSARY_INIT))
    return PersistentPGD(
        d.model.module_C, tuple(leading), settings, config.training.steps, d.device, init
    )


def save_checkpoint(path: Path, d: Decomposition, state: TrainState, run_id: str) -> None:
    tensors = with_prefix("components.", component_tensors(d.model))
    tensors |= with_prefix("ci_fn.", d.ci_fn.state_dict())
    for index, moments in state.optimizer.state_dict()["state"].items():
        tensors |= {f"optimizer.{index}.{name}": value for name, value in moments.items()}
    if state.adversary is not None:
        tensors |= with_prefix("adversary.", state.adversary.state_dict())
    tensors["rng.masks"] = state.mask_generator.get_state()
    tensors["rng.torch_cpu"] = torch.get_rng_state()
    if d.device.type == "cuda":
        tensors["rng.torch_cuda"] = torch.cuda.get_rng_state(d.device)
    tensors["step"] = scalar(state.step)
    metadata = {
        "format_version": str(FORMAT_VERSION),
        "run_id": run_id,
        "step": str(state.step),
        "total_steps": str(d.config.training.steps),
    }
    save_tensors(path, tensors, metadata)


def load_checkpoint(path: Path, d: Decomposition, state: TrainState) -> None:
    """Restore `d`'s weights and `state` from a checkpoint written by save_checkpoint."""
    tensors, _ = load_tensors(path)
    restore_weights(d.model, d.ci_fn, tensors, path)
    _load_optimizer(state.optimizer, take(tensors, "optimizer."))
    if state.adversary is not None:
        state.adversary.load_state_dict(take(tensors, "adversary."))
    state.mask_generator.set_state(tensors["rng.masks"])
    torch.set_rng_state(tensors["rng.torch_cpu"])
    if d.device.type == "cuda" and "rng.torch_cuda" in tensors:
        torch.cuda.set_rng_state(tensors["rng.torch_cuda"], d.device)
    state.step = int(tensors["step"])


def _load_optimizer(optimizer: torch.optim.Optimizer, saved: dict[str, Tensor]) -> None:
    moments: dict[int, dict[str, Tensor]] = {}
    for name, tensor in saved.items():
        index, key = name.split(".", 1)
        moments.setdefault(int(index), {})[key] = tensor
    state_dict = optimizer.state_dict()
    state_dict["state"] = moments
    optimizer.load_state_dict(state_dict)
