"""The run directory as the training loop's recorder: metric lines, checkpoints, run.json."""

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from paramlens.core.decomposition import Decomposition
from paramlens.runs.layout import RunPaths
from paramlens.runs.manifest import Manifest, write_manifest
from paramlens.runs.metrics_log import MetricsLog
from paramlens.train.state import TrainState, save_checkpoint

MetricsCallback = Callable[[dict[str, Any]], None]


class RunRecorder:
    """Appends metric lines, writes checkpoints, and keeps run.json's step and summary current.

    `summary` in run.json holds the latest train metrics (`train`) and evaluation (`eval`),
    each with its step. `on_metrics` sees every metric line, including lines of steps
    already logged before a resume (which are not written again).
    """

    def __init__(
        self,
        run_dir: Path,
        manifest: Manifest,
        d: Decomposition,
        metrics: MetricsLog,
        on_metrics: MetricsCallback | None = None,
    ) -> None:
        self.run_dir = run_dir
        self.paths = RunPaths(run_dir)
        self.manifest = manifest
        self.d = d
        self.metrics = metrics
        self.on_metrics = on_metrics

    def log(self, record: dict[str, Any]) -> None:
        self.metrics.append(record)
        step = record["step"]
        summary = dict(self.manifest.summary)
        if "loss" in record:
            summary["train"] = {key: value for key, value in record.items() if key != "eval"}
        if "eval" in record:
            summary["eval"] = {"step": step, **record["eval"]}
        self.update(step=step, summary=summary)
        if self.on_metrics is not None:
            self.on_metrics(record)

    def checkpoint(self, state: TrainState) -> None:
        save_checkpoint(self.paths.checkpoint(state.step), self.d, state, self.manifest.run_id)
        self.update(step=state.step)

    def update(self, **changes: Any) -> Manifest:
        """Rewrite run.json with `changes` applied."""
        self.manifest = write_manifest(self.run_dir, dataclasses.replace(self.manifest, **changes))
        return self.manifest
