"""Talk to a real `paramlens serve` about runs: start it, send requests, read event streams."""

import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from paramlens.targets.cache import CACHE_ENV
from server_process import ServerProcess, start_server, stop_server

# Generous: a worker imports torch (seconds on a busy machine) before its first step.
STREAM_TIMEOUT_S = 120
# How long one read of a run's event stream may take in all (keep-alive comments every 15 s
# would otherwise keep a stream that never sends the awaited event open for ever).
STREAM_DEADLINE_S = 300


@dataclass(frozen=True)
class Event:
    id: int
    event: str
    data: dict[str, Any]


@contextmanager
def running_server(runs_root: Path, cache_root: Path, *args: str) -> Iterator[ServerProcess]:
    """`paramlens serve --runs-root runs_root` with PARAMLENS_CACHE=cache_root.

    The variable is set only while the server starts (it and its workers keep it): the tests
    that run beside a session-long server read targets from the usual cache."""
    log = runs_root.parent / f"{runs_root.name}-server.log"
    with log.open("a") as stderr:
        previous = os.environ.get(CACHE_ENV)
        os.environ[CACHE_ENV] = str(cache_root)
        try:
            server = start_server(
                "--runs-root", str(runs_root), *args, stderr=stderr, cwd=runs_root.parent
            )
        finally:
            if previous is None:
                os.environ.pop(CACHE_ENV, None)
            else:
                os.environ[CACHE_ENV] = previous
        try:
            yield server
        finally:
            stop_server(server)


def auth(server: ServerProcess) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"}


def request(server: ServerProcess, method: str, path: str, **kwargs: Any) -> httpx.Response:
    return httpx.request(method, server.url + path, headers=auth(server), timeout=60, **kwargs)


def run_config(steps: int, checkpoint_every: int = 50, log_every: int = 10) -> dict[str, Any]:
    """A TMS 5-2 SPD config that trains in seconds (a few ms per step)."""
    return {
        "method": "spd",
        "seed": 3,
        "target": {"builtin": "tms_5-2"},
        "data": {"synthetic": {"feature_probability": 0.05}},
        "modules": [{"pattern": "linear1", "C": 8}, {"pattern": "linear2", "C": 8}],
        "ci_function": {"type": "mlp", "hidden_dims": [8]},
        "training": {
            "steps": steps,
            "batch_size": 64,
            "lr": 1e-3,
            "device": "cpu",
            "faithfulness_warmup": {"steps": 5},
        },
        "logging": {
            "log_every": log_every,
            "eval_every": steps // 2,
            "eval_batch_size": 128,
            "checkpoint_every": checkpoint_every,
            "ci_alive_threshold": 0.1,
        },
    }


def create_run(server: ServerProcess, config: dict[str, Any], config_path: Path) -> dict[str, Any]:
    body = {"config": yaml.safe_dump(config, sort_keys=False), "config_path": str(config_path)}
    response = request(server, "POST", "/runs", json=body)
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def parse_sse(lines: Iterator[str]) -> Iterator[Event]:
    fields: dict[str, str] = {}
    for line in lines:
        if line == "":
            if "data" in fields:
                yield Event(int(fields["id"]), fields["event"], json.loads(fields["data"]))
            fields = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            fields[name] = value.removeprefix(" ")


def read_events(
    server: ServerProcess,
    run_id: str,
    last_event_id: int | None = None,
    until: Callable[[Event], bool] | None = None,
    deadline_s: float = STREAM_DEADLINE_S,
) -> list[Event]:
    """The run's events after `last_event_id`: up to the first that `until` accepts, or to the
    end of the stream. TimeoutError, with the events seen, once `deadline_s` has passed."""
    headers = auth(server)
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    events: list[Event] = []
    timeout = httpx.Timeout(10, read=STREAM_TIMEOUT_S)
    url = f"{server.url}/runs/{run_id}/events"
    deadline = time.monotonic() + deadline_s
    with httpx.stream("GET", url, headers=headers, timeout=timeout) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for event in parse_sse(_until_deadline(response.iter_lines(), deadline)):
            events.append(event)
            if until is not None and until(event):
                break
        else:
            if time.monotonic() >= deadline:
                seen = [(event.event, event.data) for event in events[-5:]]
                raise TimeoutError(
                    f"run {run_id}: the awaited event did not come within {deadline_s} s; "
                    f"the last events were {seen}"
                )
    return events


def _until_deadline(lines: Iterator[str], deadline: float) -> Iterator[str]:
    """`lines` until the deadline passes (checked as each line, keep-alives included, comes)."""
    for line in lines:
        if time.monotonic() >= deadline:
            return
        yield line


def is_state(status: str) -> Callable[[Event], bool]:
    return lambda event: event.event == "state" and event.data["status"] == status


def metrics_from(step: int) -> Callable[[Event], bool]:
    return lambda event: event.event == "metrics" and event.data["step"] >= step
