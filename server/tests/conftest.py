from collections.abc import Iterator
from pathlib import Path

import pytest
import torch

from lm_runs import SHORT, TINY_LLAMA, tiny_llama_run
from paramlens.cli import main
from server_process import ServerProcess, start_server, stop_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real `paramlens serve` process shared by the tests that only make requests."""
    directory = tmp_path_factory.mktemp("server")
    with (directory / "stderr.log").open("w") as stderr:
        running = start_server("--runs-root", str(directory / "runs"), stderr=stderr, cwd=directory)
        yield running
        stop_server(running)


@pytest.fixture(scope="session")
def short_llama_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny Llama example trained for a few steps: real run files for analysis mechanics."""
    return tiny_llama_run(tmp_path_factory.mktemp("short-llama") / "run", SHORT)


@pytest.fixture(scope="session")
def tiny_llama_run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`examples/tiny_llama.decomp.yaml` as shipped, through the real `decompose` command
    (minutes): only for tests marked slow."""
    run_dir = tmp_path_factory.mktemp("tiny-llama") / "run"
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert main(["decompose", str(TINY_LLAMA), "--out", str(run_dir), "--device", "cpu"]) == 0
    finally:
        torch.set_num_threads(threads)
    return run_dir
