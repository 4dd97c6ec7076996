"""`cuda_problem`: a GPU that the installed PyTorch cannot use is named, with why."""

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from paramlens import devices


@pytest.fixture(autouse=True)
def _fresh_answer() -> Iterator[None]:
    """Each test computes its own answer, and leaves none cached for the tests after it."""
    devices.cuda_problem.cache_clear()
    yield
    devices.cuda_problem.cache_clear()


def test_a_driver_warning_becomes_the_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable() -> bool:
        warnings.warn(
            "CUDA initialization: The NVIDIA driver on your system is too old.\nMore",
            stacklevel=1,
        )
        return False

    monkeypatch.setattr(torch.cuda, "is_available", unavailable)
    problem = devices.cuda_problem()
    assert problem is not None
    assert problem.startswith(
        f"PyTorch {torch.__version__} cannot use this machine's GPU: CUDA initialization"
    )
    assert "More" not in problem
    with pytest.raises(
        RuntimeError, match="CUDA is not available: PyTorch .* driver on your system is too old"
    ):
        devices.resolve_device("cuda:0")


def test_a_cpu_build_on_a_gpu_machine(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    driver = tmp_path / "version"
    driver.write_text("NVRM version: 550.54\n")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.version, "cuda", None)
    monkeypatch.setattr(devices, "_NVIDIA_DRIVER_FILES", (driver,))
    assert (
        devices.cuda_problem()
        == f"this machine has an NVIDIA GPU, but PyTorch {torch.__version__} is a CPU-only build"
    )


def test_no_gpu_is_no_problem(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(devices, "_NVIDIA_DRIVER_FILES", (tmp_path / "absent",))
    assert devices.cuda_problem() is None


@pytest.mark.parametrize(
    ("built_for", "capability", "problem"),
    [
        (["sm_80", "sm_90"], (9, 0), False),
        (["sm_50", "sm_60"], (9, 0), True),
        (["sm_80", "compute_80"], (9, 0), False),  # PTX for an older GPU compiles for a newer one
        (["sm_90", "compute_90"], (8, 0), True),
    ],
)
def test_a_gpu_the_build_has_no_kernels_for(
    monkeypatch: pytest.MonkeyPatch,
    built_for: list[str],
    capability: tuple[int, int],
    problem: bool,
) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)
    monkeypatch.setattr(torch.cuda, "get_arch_list", lambda: built_for)
    monkeypatch.setattr(torch.cuda, "get_device_capability", lambda index: capability)
    monkeypatch.setattr(torch.cuda, "get_device_name", lambda index: "NVIDIA H100")
    answer = devices.cuda_problem()
    if problem:
        assert answer is not None
        assert f"sm_{capability[0]}{capability[1]}" in answer and "NVIDIA H100" in answer
    else:
        assert answer is None
