"""A decomposition run from start to finish, recorded in its run directory.

`create_run` makes the directory (status queued), `execute_run` trains it (running, then
done, cancelled or failed), and `resume_run` continues an interrupted, cancelled or failed
run from its last checkpoint.
"""

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import torch

from paramlens import __version__
from paramlens.config import DecompositionConfig, LoadedConfig
from paramlens.config.overrides import with_overrides
from paramlens.core.decomposition import Decomposition, build_decomposition
from paramlens.devices import resolve_device, threads_for
from paramlens.runs.atomic import atomic_write_bytes
from paramlens.runs.components_file import save_components
from paramlens.runs.layout import RunPaths, default_run_dir
from paramlens.runs.manifest import (
    RESUMABLE,
    Manifest,
    Status,
    read_manifest,
    utc_now,
    write_manifest,
)
from paramlens.runs.metrics_log import MetricsLog
from paramlens.runs.run_lock import run_lock
from paramlens.targets.module_listing import write_module_listing
from paramlens.train.loop import LoopOptions, train_loop
from paramlens.train.recorder import MetricsCallback, RunRecorder
from paramlens.train.state import TrainState, load_checkpoint, make_train_state
from paramlens.train.stop import StopFlag, stop_on_signals
from paramlens.train.warmup import faithfulness_warmup


@dataclass(frozen=True)
class RunOptions:
    progress: bool = True
    stop_after_step: int | None = None  # stop once this step is done, as if cancelled
    on_metrics: MetricsCallback | None = None  # sees every metric line
    stop: StopFlag | None = None  # a caller's own flag, e.g. set when its supervisor goes away


class RunNotResumable(Exception):
    """The run's status does not allow (re)starting it."""


def create_run(
    config_path: Path,
    loaded: LoadedConfig,
    run_dir: Path | None = None,
    steps: int | None = None,
    device: str | None = None,
    config_text: str | None = None,
) -> Path:
    """Make the run directory (default `runs/<run-id>/` beside the config): config.yaml as
    submitted (`config_text` when given, e.g. an editor's unsaved text, else the file), and
    run.json with status `queued`. Nothing is loaded or trained yet."""
    config = with_overrides(loaded.config, steps, device)
    run_dir = run_dir or default_run_dir(config_path)
    if run_dir.exists() and (not run_dir.is_dir() or any(run_dir.iterdir())):
        raise FileExistsError(
            f"{run_dir} already exists and is not empty; choose another --out, "
            "or continue that run with --resume"
        )
    run_dir.mkdir(parents=True, exist_ok=True)
    paths = RunPaths(run_dir)
    submitted = config_path.read_bytes() if config_text is None else config_text.encode("utf-8")
    atomic_write_bytes(paths.config, submitted)
    now = utc_now()
    manifest = Manifest(
        run_id=run_dir.name,
        created=now,
        updated=now,
        status="queued",
        step=0,
        total_steps=config.training.steps,
        config=config.model_dump(mode="json", by_alias=True),
        config_file=str(config_path.resolve()),
        base_dir=str(loaded.base_dir.resolve()),
        device=config.training.device,
        paramlens_version=__version__,
        torch_version=torch.__version__,
    )
    write_manifest(run_dir, manifest)
    return run_dir


def resume_run(
    run_dir: Path, options: RunOptions | None = None, device: str | None = None
) -> Manifest:
    """Continue an interrupted, cancelled or failed run from its latest checkpoint."""
    status = read_manifest(run_dir).status
    if status not in RESUMABLE:
        raise RunNotResumable(
            f"{run_dir} has status {status!r}; only {', '.join(sorted(RESUMABLE))} runs resume"
        )
    return execute_run(run_dir, options, device, allowed=RESUMABLE)


def execute_run(
    run_dir: Path,
    options: RunOptions | None = None,
    device: str | None = None,
    allowed: frozenset[str] = frozenset({"queued"}),
) -> Manifest:
    """Train the run in `run_dir`, starting from its latest checkpoint if it has one.

    Ends with status `done` (final checkpoint and components.safetensors written),
    `cancelled` (on SIGTERM, Ctrl-C or `stop_after_step`: a checkpoint of the last finished
    step; `options.stop` may ask for another status, such as `interrupted`) or `failed` (the
    error is recorded in run.json and raised again). The run's lock is
    held throughout, so a supervisor can tell a live run from one whose process died;
    `RunLocked` when another process holds it.
    """
    with run_lock(run_dir):
        return _execute_locked(run_dir, options or RunOptions(), device, allowed)


def _execute_locked(
    run_dir: Path, options: RunOptions, device: str | None, allowed: frozenset[str]
) -> Manifest:
    manifest = read_manifest(run_dir)
    if manifest.status not in allowed:
        raise RunNotResumable(f"{run_dir} has status {manifest.status!r}")
    config = DecompositionConfig.model_validate(manifest.config)
    if device is not None:
        config = with_overrides(config, device=device)
    manifest = write_manifest(
        run_dir,
        dataclasses.replace(
            manifest,
            status="running",
            error=None,
            config=config.model_dump(mode="json", by_alias=True),
        ),
    )
    stop = options.stop or StopFlag()
    try:
        with stop_on_signals(stop):
            return _train(run_dir, manifest, config, options, stop)
    except KeyboardInterrupt:
        # Raised mid-step: the weights may be half updated, so no checkpoint is taken.
        _finish(
            run_dir, "cancelled", error="interrupted mid-step; resumes from the last checkpoint"
        )
        raise
    except BaseException as error:
        _finish(run_dir, "failed", error=f"{type(error).__name__}: {error}")
        raise


def _train(
    run_dir: Path,
    manifest: Manifest,
    config: DecompositionConfig,
    options: RunOptions,
    stop: StopFlag,
) -> Manifest:
    device = resolve_device(config.training.device)
    with threads_for(config, device):
        return _train_on(run_dir, manifest, config, device, options, stop)


def _train_on(
    run_dir: Path,
    manifest: Manifest,
    config: DecompositionConfig,
    device: torch.device,
    options: RunOptions,
    stop: StopFlag,
) -> Manifest:
    paths = RunPaths(run_dir)
    d = build_decomposition(config, Path(manifest.base_dir), device, options.progress)
    patterns = [(module.pattern, module.C) for module in config.modules]
    write_module_listing(run_dir, d.target.model, patterns, d.target.description)
    state = make_train_state(d)
    summary = dict(manifest.summary)
    checkpoints = paths.checkpoint_steps()
    if checkpoints:
        load_checkpoint(paths.checkpoint(checkpoints[-1]), d, state)
    else:
        warmup_loss = faithfulness_warmup(d)
        if warmup_loss is not None:
            summary["faithfulness_warmup_loss"] = float(warmup_loss)
    manifest = dataclasses.replace(
        manifest,
        target=dict(d.target.description),
        modules=d.modules,
        device=str(device),
        step=state.step,
        summary=summary,
    )
    with MetricsLog(paths.metrics) as metrics:
        recorder = RunRecorder(run_dir, manifest, d, metrics, options.on_metrics)
        recorder.update()
        loop_options = LoopOptions(options.progress, options.stop_after_step)
        finished = train_loop(d, state, recorder, loop_options, stop)
    if not paths.checkpoint(state.step).is_file():
        recorder.checkpoint(state)
    if not finished:
        return recorder.update(status=stop.status, error=stop.error)
    _save_components(run_dir, recorder.manifest, d, state)
    return recorder.update(status="done")


def _save_components(
    run_dir: Path, manifest: Manifest, d: Decomposition, state: TrainState
) -> None:
    save_components(
        RunPaths(run_dir).components,
        d.model,
        d.ci_fn,
        manifest.modules,
        d.config.ci_function.model_dump(mode="json"),
        manifest.run_id,
        state.step,
    )


def _finish(run_dir: Path, status: Status, error: str) -> None:
    manifest = read_manifest(run_dir)
    write_manifest(run_dir, dataclasses.replace(manifest, status=status, error=error))
