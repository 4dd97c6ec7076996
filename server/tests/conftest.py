from collections.abc import Iterator

import pytest

from server_process import ServerProcess, start_server, stop_server


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One real `paramlens serve` process shared by the tests that only make requests."""
    directory = tmp_path_factory.mktemp("server")
    with (directory / "stderr.log").open("w") as stderr:
        running = start_server("--runs-root", str(directory / "runs"), stderr=stderr, cwd=directory)
        yield running
        stop_server(running)
