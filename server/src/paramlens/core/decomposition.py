"""A config made concrete: the frozen target with components attached, the CI function, and
(read only when first asked for) the training and evaluation data."""

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cached_property, partial
from pathlib import Path

import torch
from torch import Tensor

from paramlens.config import DecompositionConfig
from paramlens.config.sections.ci_function import (
    CiFunction,
    GlobalTransformerCi,
    MlpCi,
    SharedMlpCi,
    VectorMlpCi,
)
from paramlens.core import seeds
from paramlens.core.batches import Batches, make_batches
from paramlens.core.target_spec import output_selector, target_spec
from paramlens.decomp.ci_functions import CIFunction, LayerwiseMLPCI, SharedMLPCI, VectorMLPCI
from paramlens.decomp.ci_transformer import GlobalTransformerCI
from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.module_kinds import DecomposedModule
from paramlens.decomp.module_patterns import resolve_module_patterns, resolve_transposes
from paramlens.decomp.output_losses import OutputLoss, kl_output_loss, mse_output_loss
from paramlens.runs.manifest import ModuleRecord
from paramlens.targets import LoadedTarget, load_target


@dataclass(frozen=True)
class Decomposition:
    config: DecompositionConfig
    target: LoadedTarget
    model: ComponentModel
    ci_fn: CIFunction
    output_loss: OutputLoss
    device: torch.device
    read_batches: Callable[[], Batches]  # called once, by the first use of `batches`

    @cached_property
    def batches(self) -> Batches:
        """Training and evaluation batches. Reading a corpus means tokenising every training
        file, which a finished run's analyses (graphs, interventions, export) never need."""
        return self.read_batches()

    @property
    def modules(self) -> tuple[ModuleRecord, ...]:
        return tuple(
            ModuleRecord(info.path, info.kind, info.d_in, info.d_out, info.C)
            for info in self.model.decomposed.values()
        )

    @property
    def component_parameters(self) -> list[Tensor]:
        """U and V of every module that has its own (not those sharing another's, transposed)."""
        return list(self.model.components.parameters())

    def to_device(self, batch: Tensor) -> Tensor:
        return batch.to(self.device, non_blocking=True)

    def autocast(self) -> AbstractContextManager[None]:
        """bf16 autocast on CUDA when the config asks for it; full precision otherwise."""
        enabled = self.config.training.autocast_bf16 and self.device.type == "cuda"
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=enabled)


def build_decomposition(
    config: DecompositionConfig, base_dir: Path, device: torch.device, progress: bool = True
) -> Decomposition:
    """Load (or train and cache) the target, attach freshly initialised components and build
    the CI function, all drawn from the config's seed, independently of torch's global RNG.
    The data is not read here (`Decomposition.batches`)."""
    target = load_target(target_spec(config, base_dir), progress=progress)
    target.model.to(device)
    patterns = [(module.pattern, module.C) for module in config.modules]
    module_C = resolve_module_patterns(target.model, patterns)
    ties = [(m.pattern, m.transpose_of) for m in config.modules if m.transpose_of is not None]
    transposes = resolve_transposes(target.model, ties, module_C)
    init = torch.Generator().manual_seed(seeds.derived_seed(config.seed, seeds.INIT))
    model = ComponentModel(
        target.model, module_C, output_selector(config), init, transposes=transposes
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seeds.derived_seed(config.seed, seeds.INIT, step=1))
        ci_fn = make_ci_function(config.ci_function, model.decomposed)
    ci_fn.to(device)
    output_loss = kl_output_loss if config.output_loss == "kl" else mse_output_loss
    read_batches = partial(make_batches, config, base_dir, target)
    return Decomposition(config, target, model, ci_fn, output_loss, device, read_batches)


def make_ci_function(spec: CiFunction, modules: dict[str, DecomposedModule]) -> CIFunction:
    """The CI function a config's `ci_function` section describes, initialised from torch's RNG."""
    if isinstance(spec, MlpCi):
        return LayerwiseMLPCI(modules, spec.hidden_dims)
    if isinstance(spec, VectorMlpCi):
        return VectorMLPCI(modules, spec.hidden_dims)
    if isinstance(spec, SharedMlpCi):
        return SharedMLPCI(modules, spec.hidden_dims)
    assert isinstance(spec, GlobalTransformerCi)
    return GlobalTransformerCI(
        modules, spec.d_model, spec.n_blocks, spec.n_heads, spec.d_ff, spec.rope_base
    )
