from collections.abc import Iterator
from pathlib import Path

import pytest
from filelock import FileLock

from lm_runs import SHORT, TINY_LLAMA, tiny_llama_run
from paramlens.cli import main
from paramlens.devices import single_thread
from paramlens.targets import train_target
from paramlens.targets.cache import CACHE_ENV, builtin_dir
from server_process import ServerProcess, start_server, stop_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real `paramlens serve` process shared by the tests that only make requests."""
    directory = tmp_path_factory.mktemp("server")
    with (directory / "stderr.log").open("w") as stderr:
        running = start_server("--runs-root", str(directory / "runs"), stderr=stderr, cwd=directory)
        yield running
        stop_server(running)


@pytest.fixture
def one_thread() -> Iterator[None]:
    """One intra-op thread: the matrices are small, a fixed count gives the same floats on any
    machine, and on a busy CPU extra threads only wait for each other."""
    with single_thread():
        yield


@pytest.fixture(scope="session")
def quick_cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cache")
    train_target("tms_5-2", out_dir=builtin_dir("tms_5-2", 0, root), progress=False, steps=300)
    return root


@pytest.fixture
def quick_cache(quick_cache_root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A target cache holding TMS 5-2 trained for 300 steps; PARAMLENS_CACHE points at it."""
    monkeypatch.setenv(CACHE_ENV, str(quick_cache_root))
    return quick_cache_root


@pytest.fixture(scope="session")
def short_llama_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny Llama example trained for a few steps: real run files for analysis mechanics."""
    return tiny_llama_run(tmp_path_factory.mktemp("short-llama") / "run", SHORT)


@pytest.fixture(scope="session")
def tiny_llama_run_dir(tmp_path_factory: pytest.TempPathFactory, worker_id: str) -> Path:
    """`examples/tiny_llama.decomp.yaml` as shipped, through the real `decompose` command
    (minutes): only for tests marked slow. Under pytest-xdist the workers share one run: the
    first to need it decomposes it while the others wait for it."""
    base = tmp_path_factory.getbasetemp()
    shared = base if worker_id == "master" else base.parent  # this session's, for every worker
    run_dir = shared / "tiny-llama" / "run"
    with FileLock(shared / "tiny-llama.lock"):
        if not (run_dir / "components.safetensors").is_file():
            with single_thread():
                args = ["decompose", str(TINY_LLAMA), "--out", str(run_dir), "--device", "cpu"]
                assert main(args) == 0
    return run_dir
