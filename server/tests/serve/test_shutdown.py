"""A server stopped while it trains a run leaves the run `interrupted`, resumable by the next."""

import signal
from pathlib import Path

import pytest
import yaml

from paramlens.runs import RunPaths, read_manifest, read_metrics
from paramlens.serve.jobs.decompose_worker import SERVER_GONE
from server_process import HANDSHAKE_TIMEOUT_S

from .runs_api import create_run, metrics_from, read_events, request, run_config, running_server

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
