"""Optional wall-clock timing of the phases of a training step, for benchmarks.

train_step takes a PhaseTimer or None; with None each phase costs one `nullcontext`.
"""

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import torch

# The named phases of a step, in the order they run. Whatever else the step spends (the
# schedules, summing the loss terms, Python between phases) is "other".
PHASES = (
    "clean_forward",  # the target with components off, caching module inputs
    "ci_function",  # CI logits and the leaky clamps
    "regularisers",  # faithfulness and importance minimality
    "reconstruction",  # masked forwards whose losses enter the total
    "adversary_warmup",  # the persistent adversary's ascent steps on the new batch
    "backward",  # the adversary's source gradients and the main backward pass
    "optimiser",  # the adversary's update, gradient clipping and AdamW
)


class PhaseTimer:
    """Seconds spent per phase, summed over the steps it was passed to.

    On CUDA every phase boundary waits for the device, so that kernels are charged to the
    phase that queued them; that wait slows the step, so measure throughput untimed.
    """

    def __init__(self, device: torch.device) -> None:
        self.device = device
        self.seconds: dict[str, float] = dict.fromkeys(PHASES, 0.0)

    def _sync(self) -> None:
        if self.device.type == "cuda":
            torch.cuda.synchronize(self.device)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        self._sync()
        start = time.perf_counter()
        try:
            yield
        finally:
            self._sync()
            self.seconds[name] += time.perf_counter() - start


def phase(timer: PhaseTimer | None, name: str) -> AbstractContextManager[None]:
    """`timer.phase(name)`, or nothing when there is no timer."""
    return nullcontext() if timer is None else timer.phase(name)
