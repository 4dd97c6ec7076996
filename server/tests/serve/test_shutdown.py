"""A server stopped while it trains a run leaves the run `interrupted`, resumable by the next,
and its event log never disagrees with its run.json, wherever in the run's life it stops."""

import signal
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from paramlens.runs import RunPaths, read_manifest, read_metrics
from paramlens.serve.events import EVENTS_FILE
from paramlens.serve.events import Event as StoredEvent
from paramlens.serve.jobs.decompose_worker import SERVER_GONE
from server_process import HANDSHAKE_TIMEOUT_S

from .runs_api import (
    Event,
    create_run,
    is_state,
    metrics_from,
    read_events,
    request,
    run_config,
    running_server,
)

STEPS = 2000  # seconds of training: far from done when the server is stopped
CONFIG = run_config(steps=STEPS, checkpoint_every=50)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_server_leaves_its_run_interrupted_and_resumable(
    tmp_path: Path, server_cache_root: Path, stop_signal: signal.Signals
) -> None:
    runs_root = tmp_path / "runs"
    runs_root.mkdir()
    config_path = tmp_path / "stopped.decomp.yaml"
    config_path.write_text(yaml.safe_dump(CONFIG, sort_keys=False))

    with running_server(runs_root, server_cache_root) as server:
        run_id = create_run(server, CONFIG, config_path)["run_id"]
        events = read_events(server, run_id, until=metrics_from(20))
        server.process.send_signal(stop_signal)
        server.process.communicate(timeout=HANDSHAKE_TIMEOUT_S)

    run_dir = runs_root / run_id
    manifest = read_manifest(run_dir)
    assert manifest.status == "interrupted", manifest
    assert 20 <= manifest.step < STEPS
    assert manifest.error == SERVER_GONE
    assert RunPaths(run_dir).checkpoint_steps()[-1] == manifest.step  # checkpointed as it stopped

    with running_server(runs_root, server_cache_root) as server:
        assert request(server, "GET", f"/runs/{run_id}").json()["status"] == "interrupted"
        assert request(server, "POST", f"/runs/{run_id}/resume").status_code == 202
        events += read_events(server, run_id, last_event_id=events[-1].id)

    assert [event.id for event in events] == list(range(1, len(events) + 1))
    states = [event.data["status"] for event in events if event.event == "state"]
    assert states == ["queued", "running", "interrupted", "running", "done"]
    steps = [record["step"] for record in read_metrics(run_dir / "metrics.jsonl")]
    assert steps == [1, *range(10, STEPS + 1, 10)]
    assert read_manifest(run_dir).status == "done"


# Where in a run's life the server is stopped: right after the run is created (still queued,
# perhaps before its worker exists), as the worker starts, as training starts, after its first
# step, and mid-run. `None` stops it without waiting for any event.
STOP_POINTS: dict[str, Callable[[Event], bool] | None] = {
    "created": None,
    "worker started": lambda event: event.event == "job" and event.data["state"] == "started",
    "running": is_state("running"),
    "first step": metrics_from(1),
    "mid-run": metrics_from(150),
}
RACE_STEPS = 300


def test_a_server_stopped_anywhere_in_a_run_leaves_events_and_manifest_agreeing(
    tmp_path: Path, server_cache_root: Path
) -> None:
    runs_root = tmp_path / "runs"
    runs_root.mkdir()
    config = run_config(steps=RACE_STEPS, checkpoint_every=50)
    config_path = tmp_path / "race.decomp.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))

    run_ids: dict[str, str] = {}
    for point, until in STOP_POINTS.items():
        with running_server(runs_root, server_cache_root) as server:
            run_id = create_run(server, config, config_path)["run_id"]
            run_ids[point] = run_id
            if until is not None:
                read_events(server, run_id, until=until)
            server.process.send_signal(signal.SIGTERM)
            server.process.communicate(timeout=HANDSHAKE_TIMEOUT_S)
        manifest = read_manifest(runs_root / run_id)
        states = _logged_states(runs_root / run_id)
        assert "cancelled" not in [status for status, _ in states], (point, states)
        assert states[-1] == (manifest.status, manifest.error), (point, states, manifest)
        assert manifest.status in ("queued", "interrupted", "done"), (point, manifest)

    # The next server carries every run on to the end from wherever it stopped.
    with running_server(runs_root, server_cache_root) as server:
        for run_id in run_ids.values():
            if request(server, "GET", f"/runs/{run_id}").json()["status"] == "interrupted":
                assert request(server, "POST", f"/runs/{run_id}/resume").status_code == 202
        for run_id in run_ids.values():
            read_events(server, run_id, until=is_state("done"))
    for point, run_id in run_ids.items():
        run_dir = runs_root / run_id
        assert read_manifest(run_dir).status == "done", point
        statuses = [status for status, _ in _logged_states(run_dir)]
        assert statuses[0] == "queued" and statuses[-1] == "done", (point, statuses)
        assert "cancelled" not in statuses, (point, statuses)
        steps = [record["step"] for record in read_metrics(run_dir / "metrics.jsonl")]
        assert steps == [1, *range(10, RACE_STEPS + 1, 10)], point  # every line exactly once


def _logged_states(run_dir: Path) -> list[tuple[str, str | None]]:
    """(status, error) of every `state` event in the run's event log, in order."""
    lines = (run_dir / EVENTS_FILE).read_text().splitlines()
    events = [StoredEvent.from_json(line) for line in lines]
    return [(e.data["status"], e.data["error"]) for e in events if e.event == "state"]
