"""Where work runs: the device a config names, and how many CPU threads it gets (one for work
too small to share: toy targets, one prompt; else torch's default)."""

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

import torch

from paramlens.config import DecompositionConfig


@contextmanager
def single_thread() -> Iterator[None]:
    """One torch intra-op thread inside the block; the previous count again after it."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)


def threads_for(config: DecompositionConfig, device: torch.device) -> AbstractContextManager[None]:
    """Toy matrices are tiny: thread synchronisation costs more than it saves (over ten
    times more on a busy CPU), and a fixed count gives the same floats on any machine."""
    if device.type != "cpu" or config.data.kind != "synthetic":
        return nullcontext()
    return single_thread()


def resolve_device(name: str) -> torch.device:
    """`auto` is CUDA when available, else the CPU; a named CUDA device must exist."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError(f"device {name!r} requested but CUDA is not available")
        index = device.index or 0
        if index >= torch.cuda.device_count():
            raise RuntimeError(
                f"device {name!r} requested but only {torch.cuda.device_count()} CUDA device(s)"
            )
    return device
