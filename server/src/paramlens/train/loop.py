"""The main training loop: steps, and the metric lines, evaluations and checkpoints between.

Step n (1-based) is the n-th optimisation step. A metric line for step n holds the losses of
that step (`log_every`, and steps 1 and last) and/or an evaluation of the weights after it
(`eval_every`, and the last step). The host waits for the device only at those steps.
"""

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol

import torch
from tqdm import tqdm

from paramlens.core.decomposition import Decomposition
from paramlens.evaluate import evaluate
from paramlens.train.state import TrainState
from paramlens.train.step import StepResult, train_step
from paramlens.train.stop import StopFlag


class Recorder(Protocol):
    """Where the loop puts what it produces (the run directory, in practice)."""

    def log(self, record: dict[str, Any]) -> None:
        """One metric line: `step` and train metrics and/or `eval`."""

    def checkpoint(self, state: TrainState) -> None:
        """Save everything needed to continue after `state.step` steps."""


@dataclass(frozen=True)
class LoopOptions:
    progress: bool = True  # a progress bar on stderr
    stop_after_step: int | None = None  # stop (as if asked to) once this step is done


def train_loop(
    d: Decomposition, state: TrainState, recorder: Recorder, options: LoopOptions, stop: StopFlag
) -> bool:
    """Train from step `state.step` to the config's last step, or until a stop is requested.

    Returns True when every step is done. Periodic checkpoints are taken here; the final one,
    and the one on stopping, are the caller's.
    """
    total = d.config.training.steps
    logging = d.config.logging
    bar = tqdm(
        total=total,
        initial=state.step,
        desc="decompose",
        unit="step",
        file=sys.stderr,
        dynamic_ncols=True,
        disable=not options.progress,
    )
    timer = _StepTimer(state.step)
    with bar:
        while state.step < total:
            if stop.requested or state.step == options.stop_after_step:
                return False
            n = state.step + 1
            log_now = n == 1 or n % logging.log_every == 0 or n == total
            eval_now = n % logging.eval_every == 0 or n == total
            batch = d.to_device(d.batches.train.batch_at(state.step))
            result = train_step(d, state, batch, measure_l0=log_now)
            bar.update(1)
            record: dict[str, Any] = {"step": n}
            if log_now:
                record |= _train_metrics(result) | timer.lap(n)
                bar.set_postfix(_postfix(record), refresh=False)
            if eval_now:
                with timer.paused():
                    record["eval"] = evaluate(d, n)
            if log_now or eval_now:
                with timer.paused():
                    recorder.log(record)
            every = logging.checkpoint_every
            if every is not None and n % every == 0 and n < total:
                with timer.paused():
                    recorder.checkpoint(state)
    return True


def _train_metrics(result: StepResult) -> dict[str, Any]:
    names = list(result.losses)
    l0 = result.l0 or {}
    values = torch.stack([*result.losses.values(), *l0.values()]).tolist()  # one host sync
    losses = dict(zip(names, values[: len(names)], strict=True))
    l0_values = dict(zip(l0, values[len(names) :], strict=True))
    return {
        "lr": result.lr,
        "p": result.p,
        "loss": losses,
        "l0": l0_values,
        "l0_total": sum(l0_values.values()),
    }


def _postfix(record: dict[str, Any]) -> dict[str, str]:
    shown = {"loss": f"{record['loss']['total']:.3g}", "L0": f"{record['l0_total']:.3g}"}
    for name in ("stochastic_recon", "ppgd_recon"):
        if name in record["loss"]:
            shown[name.split("_")[0]] = f"{record['loss'][name]:.3g}"
    return shown


class _StepTimer:
    """Training speed between metric lines, leaving out evaluations and checkpoints."""

    def __init__(self, step: int) -> None:
        self.start = self.window_start = time.perf_counter()
        self.window_step = step
        self.paused_seconds = 0.0

    def lap(self, step: int) -> dict[str, float]:
        now = time.perf_counter()
        seconds = now - self.window_start - self.paused_seconds
        speed = (step - self.window_step) / seconds if seconds > 0 else 0.0
        self.window_start, self.window_step, self.paused_seconds = now, step, 0.0
        return {"it_per_s": speed, "elapsed_s": now - self.start}

    @contextmanager
    def paused(self) -> Iterator[None]:
        began = time.perf_counter()
        try:
            yield
        finally:
            self.paused_seconds += time.perf_counter() - began
