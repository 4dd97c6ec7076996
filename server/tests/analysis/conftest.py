"""A seconds-long run on a toy target, for the analysis commands on `features` input."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from paramlens.config import load_config
from paramlens.devices import single_thread
from paramlens.targets.cache import CACHE_ENV
from paramlens.train.run import RunOptions, create_run, execute_run
from train.conftest import SPD_SMALL, write_config


@pytest.fixture(scope="module")
def toy_run(quick_cache_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """SPD on the briefly trained TMS 5-2, one per test module; while it is in use the target
    cache points at it and torch runs one thread."""
    root = tmp_path_factory.mktemp("toy-run")
    with single_thread(), pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_ENV, str(quick_cache_root))
        config = write_config(root, SPD_SMALL)
        run_dir = create_run(config, load_config(config), root / "run")
        execute_run(run_dir, RunOptions(progress=False))
        yield run_dir
