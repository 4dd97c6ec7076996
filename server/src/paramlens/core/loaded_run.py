"""A run directory's decomposition, rebuilt with its trained weights, ready for analysis."""

from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from tokenizers import Tokenizer

from paramlens.config import DecompositionConfig
from paramlens.config.overrides import with_overrides
from paramlens.core.decomposition import Decomposition, build_decomposition
from paramlens.data.tokenizer import load_tokenizer
from paramlens.devices import resolve_device, threads_for
from paramlens.runs.components_file import restore_weights
from paramlens.runs.layout import RunPaths
from paramlens.runs.manifest import Manifest, read_manifest
from paramlens.runs.tensor_files import load_tensors


@dataclass(frozen=True)
class LoadedRun:
    paths: RunPaths
    manifest: Manifest
    decomposition: Decomposition  # model and CI function hold the trained weights, in eval mode
    step: int  # the training step of the weights loaded
    weights: Path  # components.safetensors, or the latest checkpoint of an unfinished run
    tokenizer: Tokenizer | None  # None for toy targets, whose inputs are feature vectors

    @property
    def config(self) -> DecompositionConfig:
        return self.decomposition.config

    def threads(self) -> AbstractContextManager[None]:
        """The thread count this run's target is fastest with on the CPU."""
        return threads_for(self.config, self.decomposition.device)


def weights_file(paths: RunPaths) -> Path:
    """components.safetensors when the run is done, else its latest checkpoint."""
    if paths.components.is_file():
        return paths.components
    steps = paths.checkpoint_steps()
    if not steps:
        raise FileNotFoundError(f"{paths.root} has no components.safetensors and no checkpoint")
    return paths.checkpoint(steps[-1])


def load_run(run_dir: Path, device: str | None = None, progress: bool = False) -> LoadedRun:
    """Rebuild the run's target, components and CI function and load its trained weights.

    `device` overrides the config's (`cpu`, `cuda`, `cuda:N`)."""
    paths = RunPaths(run_dir)
    manifest = read_manifest(run_dir)
    weights = weights_file(paths)
    config = DecompositionConfig.model_validate(manifest.config)
    if device is not None:
        config = with_overrides(config, device=device)
    resolved = resolve_device(config.training.device)
    base_dir = Path(manifest.base_dir)
    with threads_for(config, resolved):
        d = build_decomposition(config, base_dir, resolved, progress)
    tensors, metadata = load_tensors(weights)
    restore_weights(d.model, d.ci_fn, tensors, weights)
    d.model.eval()
    d.ci_fn.eval()
    return LoadedRun(
        paths, manifest, d, int(metadata["step"]), weights, _tokenizer(config, base_dir)
    )


def _tokenizer(config: DecompositionConfig, base_dir: Path) -> Tokenizer | None:
    data = config.data.text or config.data.tokens
    if data is None or data.tokenizer is None:
        return None
    return load_tokenizer(base_dir / data.tokenizer)
