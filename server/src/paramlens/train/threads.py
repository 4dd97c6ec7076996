"""CPU threads for a run: one for the toy targets, torch's default otherwise."""

from collections.abc import Iterator
from contextlib import contextmanager

import torch

from paramlens.config import DecompositionConfig


@contextmanager
def threads_for(config: DecompositionConfig, device: torch.device) -> Iterator[None]:
    """Toy matrices are tiny: thread synchronisation costs more than it saves (over ten
    times more on a busy CPU), and a fixed count gives the same floats on any machine."""
    if device.type != "cpu" or config.data.kind != "synthetic":
        yield
        return
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
