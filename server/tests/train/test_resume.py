"""Exact resume: a run stopped or crashed and resumed ends where an uninterrupted one does."""

import dataclasses
import os
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import torch

from paramlens.config import load_config
from paramlens.runs import RunPaths, read_manifest, read_metrics, write_manifest
from paramlens.runs import manifest as manifest_module
from paramlens.runs.tensor_files import load_tensors
from paramlens.serve.jobs import decompose_worker
from paramlens.train.run import RunNotResumable, RunOptions, create_run, execute_run, resume_run

from .conftest import SPD_SMALL, VPD_SMALL, write_config

QUIET = RunOptions(progress=False)


def _new_run(tmp_path: Path, config: dict[str, object], name: str) -> Path:
    config_path = write_config(tmp_path, config)
    return create_run(config_path, load_config(config_path), tmp_path / name)


def _assert_same_components(a: Path, b: Path) -> None:
    first, _ = load_tensors(RunPaths(a).components)
    second, _ = load_tensors(RunPaths(b).components)
    assert first.keys() == second.keys()
    for name in first:
        assert torch.equal(first[name], second[name]), name


def _values(run_dir: Path) -> dict[int, Any]:
    """Metric lines by step, without the timing fields that differ between runs."""
    timing = {"it_per_s", "elapsed_s"}
    return {
        r["step"]: {k: v for k, v in r.items() if k not in timing}
        for r in read_metrics(run_dir / "metrics.jsonl")
    }


@pytest.mark.parametrize("config", [SPD_SMALL, VPD_SMALL], ids=["spd", "vpd"])
def test_stop_and_resume_is_bitwise_equal_to_an_uninterrupted_run(
    tmp_path: Path, quick_cache: Path, config: dict[str, object]
) -> None:
    whole = _new_run(tmp_path, config, "whole")
    execute_run(whole, QUIET)
    parts = _new_run(tmp_path, config, "parts")

    stopped = execute_run(parts, RunOptions(progress=False, stop_after_step=40))
    assert (stopped.status, stopped.step) == ("cancelled", 40)
    assert RunPaths(parts).checkpoint_steps() == [30, 40]
    assert not RunPaths(parts).components.exists()
    resumed = resume_run(parts, QUIET)

    assert (resumed.status, resumed.step) == ("done", 60)
    _assert_same_components(whole, parts)
    assert _values(whole) == _values(parts)


def test_a_crash_after_a_checkpoint_logs_every_step_once(tmp_path: Path, quick_cache: Path) -> None:
    run_dir = _new_run(tmp_path, SPD_SMALL, "crashed")

    def crash(record: dict[str, Any]) -> None:
        if record["step"] == 50:
            raise RuntimeError("simulated crash")

    with pytest.raises(RuntimeError, match="simulated crash"):
        execute_run(run_dir, RunOptions(progress=False, on_metrics=crash))
    failed = read_manifest(run_dir)
    assert failed.status == "failed" and failed.error == "RuntimeError: simulated crash"
    assert RunPaths(run_dir).checkpoint_steps() == [30]
    before = (run_dir / "metrics.jsonl").read_bytes()
    resume_run(run_dir, QUIET)

    after = (run_dir / "metrics.jsonl").read_bytes()
    assert after.startswith(before)  # appended to, never rewritten
    steps = [r["step"] for r in read_metrics(run_dir / "metrics.jsonl")]
    assert steps == [1, 10, 20, 30, 40, 50, 60]
    assert read_manifest(run_dir).status == "done"
    whole = _new_run(tmp_path, SPD_SMALL, "whole")
    execute_run(whole, QUIET)
    _assert_same_components(whole, run_dir)


def test_sigterm_checkpoints_the_last_step_and_cancels(tmp_path: Path, quick_cache: Path) -> None:
    run_dir = _new_run(tmp_path, SPD_SMALL, "terminated")

    def terminate(record: dict[str, Any]) -> None:
        if record["step"] == 20:
            os.kill(os.getpid(), signal.SIGTERM)

    manifest = execute_run(run_dir, RunOptions(progress=False, on_metrics=terminate))

    assert (manifest.status, manifest.step) == ("cancelled", 20)
    assert RunPaths(run_dir).checkpoint_steps() == [20]
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_only_stopped_runs_resume(tmp_path: Path, quick_cache: Path) -> None:
    run_dir = _new_run(tmp_path, SPD_SMALL, "run")
    with pytest.raises(RunNotResumable, match="'queued'"):
        resume_run(run_dir, QUIET)

    # What a supervisor does when the process running a run dies.
    write_manifest(run_dir, dataclasses.replace(read_manifest(run_dir), status="interrupted"))
    assert resume_run(run_dir, QUIET).status == "done"

    with pytest.raises(RunNotResumable, match="'done'"):
        resume_run(run_dir, QUIET)


def test_a_worker_whose_server_goes_away_records_interrupted_in_one_write(
    tmp_path: Path, quick_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status goes straight from running to interrupted: a server polling run.json must
    never see a `cancelled` that is rewritten a moment later (its event log would keep it)."""
    run_dir = _new_run(tmp_path, SPD_SMALL, "orphaned")
    written: list[str] = []
    server_gone: list[Callable[[], None]] = []
    write_json = manifest_module.atomic_write_json

    def record_status(path: Path, value: Any) -> None:
        written.append(value["status"])
        write_json(path, value)
        if value["status"] == "running" and value["step"] == 30:
            server_gone[0]()  # the server's end of the worker's stdin closes here

    monkeypatch.setattr(manifest_module, "atomic_write_json", record_status)
    monkeypatch.setattr(decompose_worker, "call_on_stdin_eof", server_gone.append)

    assert decompose_worker.main([str(run_dir)]) == 0

    manifest = read_manifest(run_dir)
    assert (manifest.status, manifest.error) == ("interrupted", decompose_worker.SERVER_GONE)
    assert written[-1] == "interrupted" and "cancelled" not in written, written
    assert RunPaths(run_dir).checkpoint_steps()[-1] == manifest.step
