from collections.abc import Iterator
from pathlib import Path

import pytest

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
def tiny_llama_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`examples/tiny_llama.decomp.yaml` as shipped, through the real `decompose` command
    (minutes): only for tests marked slow."""
    run_dir = tmp_path_factory.mktemp("tiny-llama") / "run"
    with single_thread():
        assert main(["decompose", str(TINY_LLAMA), "--out", str(run_dir), "--device", "cpu"]) == 0
    return run_dir


# The first test that needs the shipped run decomposes it in its setup, which pytest-timeout
# counts: on a slow, shared 2-core machine that alone can take most of the default 600 s.
SHIPPED_RUN_TIMEOUT_S = 1800


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook reads the groups
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`--dist loadgroup`) the tests that share the shipped tiny-Llama run
    go to one worker, so that it is decomposed once and no worker sits waiting for another's;
    their deadline covers that decomposition."""
    for item in items:
        if "tiny_llama_run_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("tiny_llama"))
            item.add_marker(pytest.mark.timeout(SHIPPED_RUN_TIMEOUT_S))
