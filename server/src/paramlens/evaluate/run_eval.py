"""Evaluate the weights saved in a run directory: its components.safetensors when the run is
done, else its latest checkpoint."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paramlens.config import DecompositionConfig
from paramlens.evaluate.metrics import evaluate
from paramlens.runs.components_file import restore_weights
from paramlens.runs.layout import RunPaths
from paramlens.runs.manifest import read_manifest
from paramlens.runs.tensor_files import load_tensors
from paramlens.train.run import with_overrides
from paramlens.train.setup import build_decomposition, resolve_device
from paramlens.train.threads import threads_for


@dataclass(frozen=True)
class RunEvaluation:
    run_id: str
    step: int
    weights: str  # the file evaluated, relative to the run directory
    metrics: dict[str, Any]


def evaluate_run(run_dir: Path, device: str | None = None, progress: bool = False) -> RunEvaluation:
    manifest = read_manifest(run_dir)
    paths = RunPaths(run_dir)
    if paths.components.is_file():
        weights = paths.components
    else:
        steps = paths.checkpoint_steps()
        if not steps:
            raise FileNotFoundError(f"{run_dir} has no components.safetensors and no checkpoint")
        weights = paths.checkpoint(steps[-1])
    config = DecompositionConfig.model_validate(manifest.config)
    if device is not None:
        config = with_overrides(config, device=device)
    resolved = resolve_device(config.training.device)
    with threads_for(config, resolved):
        d = build_decomposition(config, Path(manifest.base_dir), resolved, progress)
        tensors, metadata = load_tensors(weights)
        restore_weights(d.model, d.ci_fn, tensors, weights)
        step = int(metadata["step"])
        metrics = evaluate(d, step)
    return RunEvaluation(manifest.run_id, step, str(weights.relative_to(run_dir)), metrics)
