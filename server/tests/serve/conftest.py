"""A server whose runs take seconds: a quickly trained target and one shared server."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from paramlens.targets import train_target
from paramlens.targets.cache import builtin_dir
from server_process import ServerProcess

from .runs_api import running_server

CANCEL_GRACE_S = 4


@pytest.fixture(scope="session")
def server_cache_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A target cache holding TMS 5-2 trained for 300 steps, for PARAMLENS_CACHE."""
    root = tmp_path_factory.mktemp("cache")
    train_target("tms_5-2", out_dir=builtin_dir("tms_5-2", 0, root), progress=False, steps=300)
    return root


@pytest.fixture(scope="session")
def runs_server_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The runs root of `runs_server`; configs are written beside it."""
    root = tmp_path_factory.mktemp("runs-api") / "runs"
    root.mkdir()
    return root


@pytest.fixture(scope="session")
def runs_server(runs_server_root: Path, server_cache_root: Path) -> Iterator[ServerProcess]:
    """One `paramlens serve` for the tests that start runs and leave no job behind. A job
    that ignores SIGTERM is killed after CANCEL_GRACE_S."""
    with running_server(
        runs_server_root, server_cache_root, "--cancel-grace", str(CANCEL_GRACE_S)
    ) as running:
        yield running
