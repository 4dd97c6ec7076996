"""`harvest_run`: stream a run's training data through its decomposition and write
harvest.sqlite (docs/formats.md, "harvest.sqlite").

The state is saved every `commit_every` batches, so an interrupted harvest continues from
the last save and ends with the same file as an uninterrupted one (bit for bit on the CPU).
"""

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import torch
from tqdm import tqdm

from paramlens.analysis.harvest.accumulate import HarvestAccumulator
from paramlens.analysis.harvest.database import HarvestContents, write_database
from paramlens.analysis.harvest.measure import BatchMeasures, Measurer
from paramlens.analysis.harvest.options import HarvestOptions, HarvestSettings, resolve_settings
from paramlens.analysis.harvest.pmi import PmiTable, top_pmi
from paramlens.analysis.harvest.schema import DATABASE_FILE, FORMAT_VERSION
from paramlens.analysis.harvest.state import STATE_FILE, load_state, save_state
from paramlens.analysis.harvest.stream import (
    HarvestStream,
    harvest_stream,
    input_kind,
    sequence_length,
    training_sequences,
)
from paramlens.analysis.harvest.windows import example_rows
from paramlens.core.loaded_run import LoadedRun, load_run


@dataclass(frozen=True)
class HarvestResult:
    path: Path  # harvest.sqlite; written only when `done`
    done: bool  # False when stopped early by `stop_after_batches`
    batches: int  # batches read by this call
    positions: int  # tokens (samples for toy targets) read by this call
    stream_seconds: float  # time this call spent reading batches and updating statistics

    @property
    def positions_per_second(self) -> float:
        return self.positions / self.stream_seconds if self.stream_seconds > 0 else 0.0


def harvest_run(run_dir: Path, options: HarvestOptions | None = None) -> HarvestResult:
    """Harvest `run_dir` (continuing an interrupted harvest of it, unless `options.force`).

    Raises FileNotFoundError for a run without weights, FileExistsError when the run already
    has a harvest (and not `force`), ValueError for options or data that cannot work."""
    options = options or HarvestOptions()
    run = load_run(run_dir, options.device, options.progress)
    with run.threads():
        return _harvest(run, options)


def _harvest(run: LoadedRun, options: HarvestOptions) -> HarvestResult:
    d = run.decomposition
    db_path = run.paths.root / DATABASE_FILE
    state_path = run.paths.root / STATE_FILE
    kind = input_kind(d)
    if kind == "tokens" and run.tokenizer is None:
        raise ValueError(
            "the run's data has no tokenizer (data.tokens.tokenizer), which a harvest needs to "
            "show its tokens as text"
        )
    identity = {
        "run_id": run.manifest.run_id,
        "weights": run.weights.name,
        "weights_step": str(run.step),
    }
    if options.force:
        state_path.unlink(missing_ok=True)
    saved = load_state(state_path, identity, d.device)
    if saved is None and db_path.exists() and not options.force:
        raise FileExistsError(f"{db_path} exists already; harvest again with --force")
    settings = resolve_settings(
        options,
        kind,
        sequence_length(d),
        training_sequences(d),
        saved.settings if saved is not None else None,
    )
    stream = harvest_stream(d, settings.batch_size)
    measure = Measurer(d, kind)
    accumulator = saved.accumulator if saved is not None else None
    step = first_step = saved.step if saved is not None else 0

    def save() -> None:
        if accumulator is not None:
            save_state(state_path, identity, settings, step, accumulator)

    per_batch = settings.batch_size * stream.positions
    bar = tqdm(
        total=settings.n_batches * per_batch,
        initial=step * per_batch,
        desc="harvest",
        unit="tok" if kind == "tokens" else "sample",
        unit_scale=True,
        file=sys.stderr,
        dynamic_ncols=True,
        disable=not options.progress,
    )
    started = time.perf_counter()
    with bar:
        while step < settings.n_batches and step != options.stop_after_batches:
            cpu_batch = stream.batch_at(step)
            batch = d.to_device(cpu_batch)
            measures = measure(batch)
            if accumulator is None:
                accumulator = HarvestAccumulator.empty(
                    kind,
                    settings.ci_threshold,
                    settings.top_k,
                    measure.c_total,
                    _vocab_size(batch, measures),
                    d.device,
                )
            _check_tokens(cpu_batch, accumulator)
            accumulator.add(batch, measures, step * settings.batch_size)
            step += 1
            bar.update(per_batch)
            if step % options.commit_every == 0 and step < settings.n_batches:
                save()
    if d.device.type == "cuda":
        torch.cuda.synchronize(d.device)
    seconds = time.perf_counter() - started
    if step > first_step:
        save()  # what is left (finding the examples' contexts) can restart from here
    done = step == settings.n_batches
    if done:
        assert accumulator is not None, "a harvest reads at least one batch"
        _finish(run, settings, stream, measure, accumulator, db_path)
        state_path.unlink(missing_ok=True)
    read = step - first_step
    return HarvestResult(db_path, done, read, read * per_batch, seconds)


def _vocab_size(batch: torch.Tensor, measures: BatchMeasures) -> int:
    """The target's output vocabulary, or a toy's number of features."""
    return measures.predictions.vocab_size if measures.predictions is not None else batch.shape[1]


def _check_tokens(batch: torch.Tensor, accumulator: HarvestAccumulator) -> None:
    vocab_size = accumulator.inputs.base.shape[0]
    if accumulator.input_kind == "tokens" and int(batch.max()) >= vocab_size:
        raise ValueError(
            f"the data holds token id {int(batch.max())}, but the target's vocabulary has "
            f"{vocab_size} tokens"
        )


def _finish(
    run: LoadedRun,
    settings: HarvestSettings,
    stream: HarvestStream,
    measure: Measurer,
    accumulator: HarvestAccumulator,
    db_path: Path,
) -> None:
    stats = accumulator.stats
    n_positions = int(stats.n_positions)
    inputs = accumulator.inputs
    input_pmi = top_pmi(inputs.joint, inputs.joint, inputs.base, stats.fire_count, n_positions)
    output_pmi = None
    if accumulator.outputs is not None:
        outputs = accumulator.outputs
        output_pmi = top_pmi(
            outputs.joint, outputs.count, outputs.base, stats.fire_count, n_positions
        )
    meta = {
        "format_version": FORMAT_VERSION,
        "run_id": run.manifest.run_id,
        "weights_step": str(run.step),
        "ci_threshold": repr(settings.ci_threshold),
        "top_k": str(settings.top_k),
        "context": str(settings.context),
        "input_kind": settings.input_kind,
        "n_tokens": str(n_positions),
        "status": "done",
    }
    contents = HarvestContents(
        meta=meta,
        modules=list(run.decomposition.model.module_C.items()),
        density=stats.density().cpu().numpy(),
        mean_ci=stats.mean_ci().cpu().numpy(),
        alive=stats.alive().cpu().numpy(),
        examples=example_rows(accumulator.top, stream, measure, settings.context),
        vocab=_vocab(run, settings, inputs.base.shape[0]),
        input_pmi=_on_cpu(input_pmi),
        output_pmi=None if output_pmi is None else _on_cpu(output_pmi),
    )
    write_database(db_path, contents)


def _vocab(run: LoadedRun, settings: HarvestSettings, size: int) -> list[str]:
    """Each token decoded on its own (ids the tokenizer lacks give ''), or 'feature i'."""
    if settings.input_kind == "features" or run.tokenizer is None:
        return [f"feature {i}" for i in range(size)]
    tokenizer = run.tokenizer
    return [tokenizer.decode([i], skip_special_tokens=False) for i in range(size)]


def _on_cpu(table: PmiTable) -> PmiTable:
    return PmiTable(table.token_id.cpu(), table.pmi.cpu(), table.count.cpu())
