"""Crash recovery: a worker killed mid-run, and a server restarted over its runs root.

The run is left `interrupted`; resumed through the API it ends bitwise equal to a run that
was never interrupted, with every step in metrics.jsonl exactly once, and the event stream
continues across both servers without gaps or repeats.
"""

import dataclasses
import os
import signal
from pathlib import Path
from typing import Any

import pytest
import torch
import yaml

from paramlens.config import load_config
from paramlens.runs import RunPaths, read_manifest, read_metrics, write_manifest
from paramlens.runs.tensor_files import load_tensors
from paramlens.targets.cache import CACHE_ENV
from paramlens.train.run import RunOptions, create_run, execute_run

from . import runs_api
from .runs_api import metrics_from, read_events, request, run_config, running_server

STEPS = 600
CONFIG = run_config(steps=STEPS, checkpoint_every=50)
TIMING = {"it_per_s", "elapsed_s"}


def _write_config(directory: Path, name: str) -> Path:
    path = directory / f"{name}.decomp.yaml"
    path.write_text(yaml.safe_dump(CONFIG, sort_keys=False))
    return path


def _run_in_process(config_path: Path, run_dir: Path, stop_after_step: int | None = None) -> None:
    create_run(config_path, load_config(config_path), run_dir)
    execute_run(run_dir, RunOptions(progress=False, stop_after_step=stop_after_step))


def _without_timing(run_dir: Path) -> list[dict[str, Any]]:
    records = read_metrics(run_dir / "metrics.jsonl")
    return [{key: value for key, value in r.items() if key not in TIMING} for r in records]


def test_a_killed_worker_resumes_after_a_server_restart_bitwise_equal(
    tmp_path: Path, server_cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs_root = tmp_path / "runs"
    runs_root.mkdir()
    config_path = _write_config(tmp_path, "crash")

    with running_server(runs_root, server_cache_root) as server:
        run_id = runs_api.create_run(server, CONFIG, config_path)["run_id"]
        events = read_events(server, run_id, until=metrics_from(100))  # checkpoint 50 is on disk
        job = request(server, "GET", f"/runs/{run_id}").json()["job"]
        os.kill(job["pid"], signal.SIGKILL)
        events += read_events(server, run_id, last_event_id=events[-1].id)

    assert events[-2].event == "state" and events[-2].data["status"] == "interrupted"
    assert events[-1].data == {
        "kind": "decompose",
        "job": job["id"],
        "state": "ended",
        "exit_code": -signal.SIGKILL,
        "exit": "was killed by SIGKILL",
    }
    run_dir = runs_root / run_id
    assert 100 <= read_manifest(run_dir).step < STEPS

    # A run whose process died while no server watched: still marked running.
    monkeypatch.setenv(CACHE_ENV, str(server_cache_root))
    ghost = runs_root / "ghost"
    _run_in_process(_write_config(tmp_path, "ghost"), ghost, stop_after_step=40)
    write_manifest(ghost, dataclasses.replace(read_manifest(ghost), status="running"))

    with running_server(runs_root, server_cache_root) as server:
        run = request(server, "GET", f"/runs/{run_id}").json()
        assert run["status"] == "interrupted" and run["job"] is None
        assert run["error"].startswith("the worker process was killed by SIGKILL; resumes from")
        ghost_run = request(server, "GET", "/runs/ghost").json()
        assert ghost_run["status"] == "interrupted"
        assert ghost_run["error"].endswith("resumes from the checkpoint of step 40")

        assert request(server, "POST", f"/runs/{run_id}/resume").status_code == 202
        events += read_events(server, run_id, last_event_id=events[-1].id)

    assert [event.id for event in events] == list(range(1, len(events) + 1))
    states = [event.data["status"] for event in events if event.event == "state"]
    assert states == ["queued", "running", "interrupted", "running", "done"]
    logged = [event.data["step"] for event in events if event.event == "metrics"]
    expected_steps = [1, *range(10, STEPS + 1, 10)]
    assert logged == expected_steps
    assert [record["step"] for record in read_metrics(run_dir / "metrics.jsonl")] == expected_steps

    whole = tmp_path / "whole"
    _run_in_process(_write_config(tmp_path, "whole"), whole)
    crashed, _ = load_tensors(RunPaths(run_dir).components)
    uninterrupted, _ = load_tensors(RunPaths(whole).components)
    assert crashed.keys() == uninterrupted.keys()
    for name in crashed:
        assert torch.equal(crashed[name], uninterrupted[name]), name
    assert _without_timing(run_dir) == _without_timing(whole)
