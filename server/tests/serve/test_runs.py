"""Runs through a real `paramlens serve`: auth, config errors, the lifecycle, cancel, resume."""

import os
import signal
from pathlib import Path

import httpx
import pytest
import yaml

from paramlens.runs import RunPaths, read_manifest, read_metrics
from paramlens.runs.tensor_files import load_tensors
from server_process import ServerProcess

from .conftest import CANCEL_GRACE_S
from .runs_api import (
    Event,
    create_run,
    is_state,
    metrics_from,
    read_events,
    request,
    run_config,
)


@pytest.fixture
def server(runs_server: ServerProcess) -> ServerProcess:
    return runs_server


@pytest.fixture
def runs_root(runs_server_root: Path) -> Path:
    return runs_server_root


def _config_path(runs_root: Path, name: str = "toy") -> Path:
    return runs_root.parent / f"{name}.decomp.yaml"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/runs"),
        ("GET", "/runs"),
        ("GET", "/runs/some-run"),
        ("POST", "/runs/some-run/cancel"),
        ("POST", "/runs/some-run/resume"),
        ("DELETE", "/runs/some-run"),
        ("GET", "/runs/some-run/events"),
    ],
)
def test_run_routes_and_the_event_stream_need_the_token(
    server: ServerProcess, method: str, path: str
) -> None:
    response = httpx.request(method, server.url + path, json={}, timeout=10)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_a_bad_config_is_422_with_key_path_and_line(server: ServerProcess, runs_root: Path) -> None:
    config = run_config(steps=10)
    config["training"]["lr"] = "fast"
    text = yaml.safe_dump(config, sort_keys=False)
    lr_line = text.split("\n").index("  lr: fast") + 1
    body = {"config": text, "config_path": str(_config_path(runs_root))}
    before = sorted(runs_root.iterdir())

    response = request(server, "POST", "/runs", json=body)

    assert response.status_code == 422
    answer = response.json()
    assert answer["error"] == "invalid_config"
    assert answer["problems"] == [
        {
            "path": ["training", "lr"],
            "line": lr_line,
            "column": 7,
            "message": "must be a number, got 'fast'",
        }
    ]
    assert sorted(runs_root.iterdir()) == before


def test_a_config_naming_a_missing_file_is_422_and_creates_nothing(
    server: ServerProcess, runs_root: Path
) -> None:
    config = run_config(steps=10)
    config["target"] = {"custom": {"class": "torch.nn:Linear", "weights": "missing.safetensors"}}
    config["output_loss"] = "mse"
    text = yaml.safe_dump(config, sort_keys=False)
    body = {"config": text, "config_path": str(_config_path(runs_root))}
    before = sorted(runs_root.iterdir())

    response = request(server, "POST", "/runs", json=body)

    assert response.status_code == 422
    answer = response.json()
    assert answer["error"] == "invalid_config"
    assert [problem["path"] for problem in answer["problems"]] == [["target", "custom", "weights"]]
    assert sorted(runs_root.iterdir()) == before


def test_a_relative_config_path_is_refused(server: ServerProcess) -> None:
    body = {"config": yaml.safe_dump(run_config(steps=10)), "config_path": "toy.decomp.yaml"}
    response = request(server, "POST", "/runs", json=body)
    assert response.status_code == 422
    assert "must be an absolute path" in response.json()["message"]


@pytest.mark.parametrize("run_id", ["no-such-run", "..", ".hidden", "a%2F..%2F..%2Fetc"])
def test_unknown_or_malformed_run_ids_are_not_found(server: ServerProcess, run_id: str) -> None:
    for method, suffix in [("GET", ""), ("GET", "/events"), ("POST", "/cancel")]:
        response = request(server, method, f"/runs/{run_id}{suffix}")
        assert response.status_code in (404, 422), (method, suffix, response.text)
        assert "Traceback" not in response.text


def test_full_lifecycle_create_events_done_list_get_delete(
    server: ServerProcess, runs_root: Path
) -> None:
    created = create_run(server, run_config(steps=60, checkpoint_every=30), _config_path(runs_root))
    run_id = created["run_id"]
    assert run_id.startswith("toy-") and created["status"] == "queued"
    assert created["job"]["kind"] == "decompose" and created["job"]["device"] == "cpu"

    events = read_events(server, run_id)

    assert [event.id for event in events] == list(range(1, len(events) + 1))
    states = [event.data["status"] for event in events if event.event == "state"]
    assert states == ["queued", "running", "done"]
    jobs = [event.data["state"] for event in events if event.event == "job"]
    assert jobs == ["queued", "started", "ended"]
    assert events[-1].data["exit_code"] == 0
    steps = [event.data["step"] for event in events if event.event == "metrics"]
    assert steps == [1, 10, 20, 30, 40, 50, 60]
    metrics = [event.data for event in events if event.event == "metrics"]
    assert metrics[-1]["eta_s"] == 0 and "eval" in metrics[-1]["metrics"]
    assert metrics[0]["metrics"] == read_metrics(runs_root / run_id / "metrics.jsonl")[0]
    done_at = next(i for i, event in enumerate(events) if is_state("done")(event))
    assert all(event.event != "metrics" for event in events[done_at:])

    run = request(server, "GET", f"/runs/{run_id}").json()
    assert (run["status"], run["step"], run["job"]) == ("done", 60, None)
    assert "components.safetensors" in run["files"]
    assert run["last_event_id"] == len(events)
    listed = request(server, "GET", "/runs").json()["runs"]
    assert run_id in [entry["run_id"] for entry in listed]

    assert request(server, "DELETE", f"/runs/{run_id}").status_code == 204
    assert request(server, "GET", f"/runs/{run_id}").status_code == 404
    assert not (runs_root / run_id).exists()


def test_cancel_stops_within_two_seconds_and_resume_finishes(
    server: ServerProcess, runs_root: Path
) -> None:
    created = create_run(server, run_config(steps=1000), _config_path(runs_root, "long"))
    run_id = created["run_id"]
    run_dir = runs_root / run_id
    seen = read_events(server, run_id, until=metrics_from(10))

    # The server answers once the worker has stopped, waiting at most 2 s for it.
    cancelled = request(server, "POST", f"/runs/{run_id}/cancel").json()

    assert cancelled["status"] == "cancelled" and cancelled["job"] is None
    manifest = read_manifest(run_dir)
    assert manifest.status == "cancelled" and 10 <= manifest.step < 1000
    # Consistent: a checkpoint of the last finished step, every logged step once, no result.
    assert RunPaths(run_dir).checkpoint_steps()[-1] == manifest.step
    load_tensors(RunPaths(run_dir).checkpoint(manifest.step))
    steps = [record["step"] for record in read_metrics(run_dir / "metrics.jsonl")]
    assert steps == sorted(set(steps)) and steps[-1] <= manifest.step
    assert not RunPaths(run_dir).components.exists()
    assert request(server, "POST", f"/runs/{run_id}/cancel").status_code == 409

    resumed = request(server, "POST", f"/runs/{run_id}/resume")
    assert resumed.status_code == 202 and resumed.json()["job"]["kind"] == "decompose"
    assert request(server, "POST", f"/runs/{run_id}/resume").status_code == 409
    rest = read_events(server, run_id, last_event_id=seen[-1].id)

    events = seen + rest
    assert [event.id for event in events] == list(range(1, len(events) + 1))
    states = [event.data["status"] for event in events if event.event == "state"]
    assert states == ["queued", "running", "cancelled", "running", "done"]
    logged = [event.data["step"] for event in events if event.event == "metrics"]
    assert logged == [1, *range(10, 1001, 10)]
    assert [record["step"] for record in read_metrics(run_dir / "metrics.jsonl")] == logged
    assert read_manifest(run_dir).status == "done"
    assert RunPaths(run_dir).components.is_file()
    assert request(server, "POST", f"/runs/{run_id}/resume").status_code == 409


def test_a_job_that_ignores_sigterm_is_killed_after_the_grace_period(
    server: ServerProcess, runs_root: Path
) -> None:
    run_id = create_run(server, run_config(steps=1000), _config_path(runs_root, "stuck"))["run_id"]
    read_events(server, run_id, until=metrics_from(10))
    pid = request(server, "GET", f"/runs/{run_id}").json()["job"]["pid"]
    os.kill(pid, signal.SIGSTOP)  # a worker stuck where it cannot handle SIGTERM

    answer = request(server, "POST", f"/runs/{run_id}/cancel").json()
    assert answer["status"] == "running" and answer["job"]["state"] == "stopping"
    events = read_events(server, run_id)  # ends once the job has ended

    assert events[-1].event == "job" and events[-1].data["exit"] == "was killed by SIGKILL"
    run = request(server, "GET", f"/runs/{run_id}").json()
    assert run["status"] == "cancelled" and run["job"] is None
    assert run["error"].startswith(f"killed {CANCEL_GRACE_S} s after SIGTERM; resumes from")
    run_dir = runs_root / run_id
    steps = [record["step"] for record in read_metrics(run_dir / "metrics.jsonl")]
    assert steps == sorted(set(steps))
    for step in RunPaths(run_dir).checkpoint_steps():
        load_tensors(RunPaths(run_dir).checkpoint(step))


def job_ended(event: Event) -> bool:
    return event.event == "job" and event.data["state"] == "ended"


def test_analysis_commands_run_as_jobs_on_a_finished_run(
    server: ServerProcess, runs_root: Path
) -> None:
    config = run_config(steps=20, checkpoint_every=10)
    run_id = create_run(server, config, _config_path(runs_root, "analysed"))["run_id"]
    busy = request(server, "POST", f"/runs/{run_id}/jobs", json={"kind": "harvest"})
    assert busy.status_code == 409
    done = read_events(server, run_id)
    unknown = {"kind": "train-target"}
    assert request(server, "POST", f"/runs/{run_id}/jobs", json=unknown).status_code == 422
    bad = {"kind": "harvest", "params": {"batches": 0, "out": "/tmp"}}
    answer = request(server, "POST", f"/runs/{run_id}/jobs", json=bad)
    assert answer.status_code == 422
    assert "params.batches" in answer.json()["message"] and "params.out" in answer.json()["message"]

    harvest = {"kind": "harvest", "params": {"batches": 2, "batch_size": 64}}
    started = request(server, "POST", f"/runs/{run_id}/jobs", json=harvest)
    assert started.status_code == 202 and started.json()["job"]["kind"] == "harvest"
    events = read_events(server, run_id, last_event_id=done[-1].id)

    assert events[0].data == {
        "kind": "harvest",
        "state": "queued",
        "device": "cpu",
        "params": {"batches": 2, "batch_size": 64, "force": False},
    }
    assert events[-1].event == "job" and events[-1].data["exit_code"] == 0
    assert any(event.event == "log" for event in events)
    assert (runs_root / run_id / "harvest.sqlite").is_file()
    run = request(server, "GET", f"/runs/{run_id}").json()
    assert run["status"] == "done"
    assert [(m["path"], m["C"]) for m in run["modules"]] == [("linear1", 8), ("linear2", 8)]
    listing = request(server, "GET", f"/runs/{run_id}/components/linear1?limit=3").json()
    densities = [c["density"] for c in listing["components"]]
    assert len(densities) == 3 and densities == sorted(densities, reverse=True)

    # A toy's graph and circuit jobs take the input's active features.
    for kind, params in (
        ("graph", {"features": {"1": 1.0, "3": 0.5}}),
        ("optimize-circuit", {"features": {"1": 1.0}, "target": "1", "steps": 2}),
    ):
        last = read_events(server, run_id)[-1].id
        job = {"kind": kind, "params": params}
        assert request(server, "POST", f"/runs/{run_id}/jobs", json=job).status_code == 202
        ended = read_events(server, run_id, last_event_id=last, until=job_ended)[-1]
        assert ended.data["exit_code"] == 0, kind
    listed = request(server, "GET", f"/runs/{run_id}/graphs").json()["graphs"]
    assert {graph["id"] for graph in listed} == {"features-1-3", "circuit-features-1-output-1"}
