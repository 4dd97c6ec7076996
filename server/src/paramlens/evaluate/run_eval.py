"""Evaluate the weights saved in a run directory: its components.safetensors when the run is
done, else its latest checkpoint."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from paramlens.core.loaded_run import load_run
from paramlens.evaluate.metrics import evaluate


@dataclass(frozen=True)
class RunEvaluation:
    run_id: str
    step: int
    weights: str  # the file evaluated, relative to the run directory
    metrics: dict[str, Any]


def evaluate_run(run_dir: Path, device: str | None = None, progress: bool = False) -> RunEvaluation:
    run = load_run(run_dir, device, progress)
    with run.threads():
        metrics = evaluate(run.decomposition, run.step)
    return RunEvaluation(
        run.manifest.run_id, run.step, str(run.weights.relative_to(run_dir)), metrics
    )
