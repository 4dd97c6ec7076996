"""Where work runs: the device a config names, and how many CPU threads it gets (one for work
too small to share: toy targets, one prompt; else torch's default)."""

import functools
import warnings
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path

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


# The NVIDIA kernel driver's files: there on a machine with an NVIDIA GPU, whatever PyTorch it has.
_NVIDIA_DRIVER_FILES = (Path("/proc/driver/nvidia/version"), Path("/dev/nvidiactl"))


@functools.cache
def cuda_problem() -> str | None:
    """Why this machine's NVIDIA GPU cannot be used by the installed PyTorch, or None when it can
    (or there is none): a CPU-only build, a driver older than the build needs, or a GPU that the
    build has no kernels for. PyTorch itself only warns, then quietly runs on the CPU."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        available = torch.cuda.is_available()
    build = f"PyTorch {torch.__version__}"
    if not available:
        if caught:
            return (
                f"{build} cannot use this machine's GPU: {str(caught[0].message).splitlines()[0]}"
            )
        if torch.version.cuda is None and any(path.exists() for path in _NVIDIA_DRIVER_FILES):
            return f"this machine has an NVIDIA GPU, but {build} is a CPU-only build"
        return None
    built_for = torch.cuda.get_arch_list()
    for index in range(torch.cuda.device_count()):
        major, minor = torch.cuda.get_device_capability(index)
        # PTX (`compute_XY`) compiles on load for any GPU at least that new.
        ptx = [arch for arch in built_for if arch.startswith("compute_")]
        runs_ptx = any(int(arch.removeprefix("compute_")) <= major * 10 + minor for arch in ptx)
        if built_for and f"sm_{major}{minor}" not in built_for and not runs_ptx:
            name = torch.cuda.get_device_name(index)
            return (
                f"{build} has no kernels for cuda:{index} ({name}, sm_{major}{minor}); "
                f"it was built for {' '.join(built_for)}"
            )
    return None


def resolve_device(name: str) -> torch.device:
    """`auto` is CUDA when available, else the CPU; a named CUDA device must exist."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    device = torch.device(name)
    if device.type == "cuda":
        if not torch.cuda.is_available():
            problem = cuda_problem()
            reason = f": {problem}" if problem else ""
            raise RuntimeError(f"device {name!r} requested but CUDA is not available{reason}")
        index = device.index or 0
        if index >= torch.cuda.device_count():
            raise RuntimeError(
                f"device {name!r} requested but only {torch.cuda.device_count()} CUDA device(s)"
            )
    return device
