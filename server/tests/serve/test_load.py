"""Many requests at once on a real server: concurrent cards, and graph jobs on one run queued
per device."""

import asyncio
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from paramlens.analysis.harvest.cards import read_card
from paramlens.analysis.harvest.schema import DATABASE_FILE
from paramlens.cli import main
from paramlens.devices import single_thread
from server_process import ServerProcess, start_server, stop_server

from .runs_api import auth, read_events, request

RUN_ID = "llama"
PROMPTS = [
    "Once upon a time there was a little",
    "The cat sat on the",
    "She went to the park with her",
    "One day, a big dog",
]
CPU_JOBS = 2
JOBS_DEADLINE_S = 600  # four graph jobs, two at a time, on a busy 2-core machine
N_CARDS = 50

# About two minutes on two busy CPU cores: a harvest, then two rounds of two graph workers.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory: pytest.TempPathFactory, short_llama_run: Path) -> Path:
    """A copy of the short tiny-Llama run, harvested with `paramlens harvest --batches 2`."""
    root = tmp_path_factory.mktemp("load") / "runs"
    shutil.copytree(short_llama_run, root / RUN_ID)
    with single_thread():
        assert main(["harvest", str(root / RUN_ID), "--batches", "2"]) == 0
    return root


@pytest.fixture(scope="module")
def server(runs_root: Path) -> Iterator[ServerProcess]:
    limit = f"cpu={CPU_JOBS}"
    with (runs_root.parent / "stderr.log").open("w") as stderr:
        running = start_server(
            "--runs-root",
            str(runs_root),
            "--max-jobs-per-device",
            limit,
            stderr=stderr,
            cwd=runs_root.parent,
        )
        yield running
        stop_server(running)


def _components(db_path: Path, count: int) -> list[tuple[str, int]]:
    """`count` subcomponents, alive ones first, spread over the modules."""
    with closing(sqlite3.connect(db_path)) as db:
        rows = db.execute(
            "SELECT module, component FROM components ORDER BY alive DESC, component, module"
        ).fetchmany(count)
    return [(str(module), int(component)) for module, component in rows]


async def _get_all(server: ServerProcess, paths: list[str]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=server.url, headers=auth(server), timeout=120) as client:
        return await asyncio.gather(*(client.get(path) for path in paths))


async def _post_all(server: ServerProcess, posts: list[tuple[str, object]]) -> list[httpx.Response]:
    async with httpx.AsyncClient(base_url=server.url, headers=auth(server), timeout=120) as client:
        return await asyncio.gather(*(client.post(path, json=body) for path, body in posts))


def test_concurrent_card_requests_all_get_their_own_card(
    server: ServerProcess, runs_root: Path
) -> None:
    db_path = runs_root / RUN_ID / DATABASE_FILE
    components = _components(db_path, N_CARDS)
    assert len(components) == N_CARDS
    paths = [f"/runs/{RUN_ID}/components/{m}/{c}?limit=5" for m, c in components]

    responses = asyncio.run(_get_all(server, paths))

    for (module, component), response in zip(components, responses, strict=True):
        assert response.status_code == 200, response.text
        expected = read_card(db_path, module, component, limit=5)
        assert response.json() == expected.model_dump(mode="json")


def test_concurrent_graph_jobs_on_one_run_queue_per_device_and_all_complete(
    server: ServerProcess, runs_root: Path
) -> None:
    before = request(server, "GET", f"/runs/{RUN_ID}").json()["last_event_id"]
    graph_ids = [f"load-{i}" for i in range(len(PROMPTS))]
    posts = [
        (f"/runs/{RUN_ID}/jobs", {"kind": "graph", "params": {"prompt": prompt, "id": graph_id}})
        for graph_id, prompt in zip(graph_ids, PROMPTS, strict=True)
    ]

    answers = asyncio.run(_post_all(server, posts))

    assert [answer.status_code for answer in answers] == [202] * len(PROMPTS)
    # The requests are handled one after another: the first two start, the others wait.
    last = max((answer.json()["jobs"] for answer in answers), key=len)
    states = [job["state"] for job in last]
    assert sorted(states) == ["queued"] * (len(PROMPTS) - CPU_JOBS) + ["running"] * CPU_JOBS
    deadline = time.monotonic() + JOBS_DEADLINE_S
    while jobs := request(server, "GET", f"/runs/{RUN_ID}").json()["jobs"]:
        assert sum(job["state"] == "running" for job in jobs) <= CPU_JOBS
        assert time.monotonic() < deadline, f"jobs still queued or running: {jobs}"
        time.sleep(0.2)
    events = read_events(server, RUN_ID, last_event_id=before)
    jobs = [event.data for event in events if event.event == "job"]
    ended = [job for job in jobs if job["state"] == "ended"]
    assert [job["state"] for job in jobs].count("started") == len(PROMPTS)
    assert [(job["kind"], job["exit_code"]) for job in ended] == [("graph", 0)] * len(PROMPTS)
    listed = request(server, "GET", f"/runs/{RUN_ID}/graphs").json()["graphs"]
    assert sorted((graph["id"], graph["prompt"]) for graph in listed) == list(
        zip(graph_ids, PROMPTS, strict=True)
    )
    for graph_id in graph_ids:
        assert (runs_root / RUN_ID / "graphs" / f"{graph_id}.graph.json").is_file()
