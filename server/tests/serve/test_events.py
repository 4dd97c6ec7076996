"""The event stream: a client that reconnects with Last-Event-ID misses nothing and sees
nothing twice."""

import json
from pathlib import Path

import httpx
from pydantic import TypeAdapter

from paramlens.serve.events import EVENTS_FILE, RunEvent
from server_process import ServerProcess

from .runs_api import auth, create_run, metrics_from, read_events, request, run_config

RUN_EVENTS = TypeAdapter(list[RunEvent])


def test_reconnecting_with_last_event_id_continues_without_gaps_or_repeats(
    runs_server: ServerProcess, runs_server_root: Path
) -> None:
    config_path = runs_server_root.parent / "events.decomp.yaml"
    run_id = create_run(runs_server, run_config(steps=400), config_path)["run_id"]

    first = read_events(runs_server, run_id, until=metrics_from(20))  # then the client drops
    rest = read_events(runs_server, run_id, last_event_id=first[-1].id)
    replay = read_events(runs_server, run_id)

    assert rest and rest[-1].event == "job" and rest[-1].data["state"] == "ended"
    assert first + rest == replay
    assert [event.id for event in replay] == list(range(1, len(replay) + 1))
    steps = [event.data["step"] for event in replay if event.event == "metrics"]
    assert steps == [1, *range(10, 401, 10)]
    # After the last event of a finished run the stream has nothing more and ends.
    assert read_events(runs_server, run_id, last_event_id=replay[-1].id) == []
    assert request(runs_server, "GET", f"/runs/{run_id}").json()["last_event_id"] == len(replay)
    # Every line of the log is what the OpenAPI document (and so the editor's types) describes.
    stored = RUN_EVENTS.validate_python(
        [
            json.loads(line)
            for line in (runs_server_root / run_id / EVENTS_FILE).read_text().splitlines()
        ]
    )
    assert [(event.id, event.event) for event in stored] == [(e.id, e.event) for e in replay]
    assert {event.event for event in stored} == {"job", "state", "metrics", "log"}


def test_a_malformed_last_event_id_is_refused(runs_server: ServerProcess) -> None:
    headers = {**auth(runs_server), "Last-Event-ID": "soon"}
    response = httpx.get(f"{runs_server.url}/runs/any-run/events", headers=headers, timeout=10)
    assert response.status_code == 422
