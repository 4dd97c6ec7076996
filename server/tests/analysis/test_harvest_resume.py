"""An interrupted harvest continues from its last saved batch and ends with the same file as an
uninterrupted one."""

import dataclasses
import shutil
import sqlite3
from pathlib import Path

import pytest

from paramlens.analysis.harvest import HarvestOptions, harvest_run

OPTIONS = HarvestOptions(batches=5, batch_size=4, top_k=4, context=3, commit_every=2)
TABLES = (
    "meta",
    "modules",
    "components",
    "examples",
    "vocab",
    "input_token_pmi",
    "output_token_pmi",
)
STATE = ".harvest-state.safetensors"


pytestmark = pytest.mark.usefixtures("one_thread")


def _copy(run_dir: Path, to: Path) -> Path:
    shutil.copytree(run_dir, to)
    return to


def _contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as connection:
        tables = {t: connection.execute(f"SELECT * FROM {t}").fetchall() for t in TABLES}
    return {table: sorted(rows, key=repr) for table, rows in tables.items()}


def test_a_stopped_harvest_resumes_to_the_same_file(short_llama_run: Path, tmp_path: Path) -> None:
    whole = _copy(short_llama_run, tmp_path / "whole")
    parts = _copy(short_llama_run, tmp_path / "parts")
    assert harvest_run(whole, OPTIONS).done

    stopped = harvest_run(parts, dataclasses.replace(OPTIONS, stop_after_batches=3))
    assert (stopped.done, stopped.batches, stopped.positions) == (False, 3, 3 * 4 * 64)
    assert not stopped.path.exists() and (parts / STATE).exists()

    with pytest.raises(ValueError, match=r"used top_k 4 \(now 7\)"):
        harvest_run(parts, HarvestOptions(top_k=7))
    # No options: the unfinished harvest's own settings.
    resumed = harvest_run(parts)
    assert (resumed.done, resumed.batches) == (True, 2)
    assert not (parts / STATE).exists()

    first, second = _contents(whole / "harvest.sqlite"), _contents(parts / "harvest.sqlite")
    assert first["examples"] and first["output_token_pmi"]
    for table in TABLES:
        assert first[table] == second[table], table


def test_force_starts_over_and_replaces_the_file(short_llama_run: Path, tmp_path: Path) -> None:
    run_dir = _copy(short_llama_run, tmp_path / "run")
    assert harvest_run(run_dir, HarvestOptions(batches=1, batch_size=4, top_k=2)).done
    with pytest.raises(FileExistsError, match="--force"):
        harvest_run(run_dir, HarvestOptions(batches=1, batch_size=4))

    stopped = harvest_run(
        run_dir, HarvestOptions(batches=2, batch_size=4, top_k=3, force=True, stop_after_batches=1)
    )
    assert not stopped.done
    # The finished file stays readable while the new harvest is under way.
    assert dict(_contents(run_dir / "harvest.sqlite")["meta"])["top_k"] == "2"
    assert harvest_run(run_dir).done
    meta = dict(_contents(run_dir / "harvest.sqlite")["meta"])
    assert (meta["top_k"], meta["n_tokens"]) == ("3", str(2 * 4 * 64))
