"""Which jobs may run on one run at once: those whose written files do not overlap."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from paramlens.serve.jobs.kinds import JOB_KINDS
from paramlens.serve.jobs.resources import Resource, first_overlap
from server_process import ServerProcess, start_server, stop_server

from .runs_api import read_events, request

RUN_ID = "llama"


def _conflict(first: tuple[str, dict[str, Any]], second: tuple[str, dict[str, Any]]) -> bool:
    writes = []
    for name, params in (first, second):
        kind = JOB_KINDS[name]
        writes.append(kind.writes(kind.params.model_validate(params)))
    return first_overlap(*writes) is not None


def test_resources_overlap_when_one_covers_the_other() -> None:
    graph = Resource("graphs/a.graph.json")
    assert graph.overlaps(Resource("graphs/a.graph.json"))
    assert not graph.overlaps(Resource("graphs/b.graph.json"))
    assert graph.overlaps(Resource("graphs/", prefix=True))
    assert Resource("graphs/", prefix=True).overlaps(graph)
    assert not graph.overlaps(Resource("graphs/circuit-", prefix=True))
    assert Resource("graphs/c-", prefix=True).overlaps(Resource("graphs/c-x-", prefix=True))
    assert not Resource("graphs/c-", prefix=True).overlaps(Resource("graphs/d-", prefix=True))
    assert Resource("", prefix=True).overlaps(Resource("harvest.sqlite"))


GRAPH_CAT = ("graph", {"prompt": "The cat sat"})
GRAPH_DOG = ("graph", {"prompt": "One day, a big dog"})
CIRCUIT_CAT = ("optimize-circuit", {"prompt": "The cat sat", "target": " on"})
HARVEST = ("harvest", {"batches": 2})
EXPORT = ("export-onnx", {})
DECOMPOSE = ("decompose", {})


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (GRAPH_CAT, GRAPH_DOG),
        (GRAPH_CAT, ("graph", {"prompt": "The cat sat", "id": "cat-2"})),
        (GRAPH_CAT, CIRCUIT_CAT),
        (CIRCUIT_CAT, ("optimize-circuit", {"prompt": "One day", "target": " a"})),
        (CIRCUIT_CAT, ("graph", {"prompt": "x", "id": "circuit-the-dog-3-7"})),
        (HARVEST, GRAPH_CAT),
        (HARVEST, EXPORT),
        (EXPORT, CIRCUIT_CAT),
    ],
)
def test_jobs_writing_different_files_run_together(
    first: tuple[str, dict[str, Any]], second: tuple[str, dict[str, Any]]
) -> None:
    assert not _conflict(first, second)
    assert not _conflict(second, first)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (GRAPH_CAT, GRAPH_CAT),
        # The id a prompt's graph gets by default is the slug of the prompt.
        (GRAPH_CAT, ("graph", {"prompt": "another prompt", "id": "the-cat-sat"})),
        (GRAPH_CAT, ("optimize-circuit", {"prompt": "x", "target": " y", "id": "the-cat-sat"})),
        # Without a prompt, graph writes one graph per prompt of the config: any name.
        (("graph", {}), GRAPH_DOG),
        (("graph", {}), CIRCUIT_CAT),
        # The circuit's id ends in the target's position and token id, known only later.
        (CIRCUIT_CAT, ("graph", {"prompt": "x", "id": "circuit-the-cat-sat-3-7"})),
        (CIRCUIT_CAT, CIRCUIT_CAT),
        (HARVEST, ("harvest", {"tokens": 100, "force": True})),
        (EXPORT, ("export-onnx", {"opset": 18})),
    ],
)
def test_jobs_writing_the_same_file_conflict(
    first: tuple[str, dict[str, Any]], second: tuple[str, dict[str, Any]]
) -> None:
    assert _conflict(first, second)
    assert _conflict(second, first)


@pytest.mark.parametrize("other", [GRAPH_CAT, CIRCUIT_CAT, HARVEST, EXPORT, DECOMPOSE])
def test_training_runs_alone(other: tuple[str, dict[str, Any]]) -> None:
    assert _conflict(DECOMPOSE, other)
    assert _conflict(other, DECOMPOSE)


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, short_llama_run: Path
) -> Iterator[ServerProcess]:
    """A server over a copy of the short tiny-Llama run, running up to two CPU jobs at once."""
    root = tmp_path_factory.mktemp("conflicts") / "runs"
    shutil.copytree(short_llama_run, root / RUN_ID)
    with (root.parent / "stderr.log").open("w") as stderr:
        running = start_server(
            "--runs-root",
            str(root),
            "--max-jobs-per-device",
            "cpu=2",
            stderr=stderr,
            cwd=root.parent,
        )
        yield running
        stop_server(running)


def _post_job(server: ServerProcess, kind: str, params: dict[str, Any]) -> Any:
    return request(server, "POST", f"/runs/{RUN_ID}/jobs", json={"kind": kind, "params": params})


def test_graph_jobs_share_a_run_while_a_second_harvest_is_refused(
    server: ServerProcess,
) -> None:
    before = request(server, "GET", f"/runs/{RUN_ID}").json()["last_event_id"]
    prompts = {"cat": "The cat sat on the", "dog": "One day, a big dog"}

    first = _post_job(server, "graph", {"prompt": prompts["cat"], "id": "cat"})
    second = _post_job(server, "graph", {"prompt": prompts["dog"], "id": "dog"})
    same_id = _post_job(server, "graph", {"prompt": "Another prompt", "id": "cat"})
    harvest = _post_job(server, "harvest", {"batches": 1, "batch_size": 4})
    second_harvest = _post_job(server, "harvest", {"batches": 1})

    assert (first.status_code, second.status_code, harvest.status_code) == (202, 202, 202)
    jobs = second.json()["jobs"]
    # Two CPU slots: both graph workers start at once, on the same run.
    assert [(job["kind"], job["state"]) for job in jobs] == [("graph", "running")] * 2
    assert same_id.status_code == 409
    assert (
        f"graph job (job {jobs[0]['id']}) that writes graphs/cat.graph.json"
        in (same_id.json()["message"])
    )
    harvest_id = harvest.json()["jobs"][-1]["id"]
    assert second_harvest.status_code == 409
    assert f"harvest job (job {harvest_id})" in second_harvest.json()["message"]

    events = read_events(server, RUN_ID, last_event_id=before)
    ended = {
        e.data["job"]: e.data for e in events if e.event == "job" and e.data["state"] == "ended"
    }
    started = [job["id"] for job in jobs] + [harvest_id]
    assert sorted(ended) == sorted(started)
    assert [ended[job_id]["exit_code"] for job_id in started] == [0, 0, 0]
    run = request(server, "GET", f"/runs/{RUN_ID}").json()
    assert (run["status"], run["jobs"], run["job"]) == ("done", [], None)
    listed = request(server, "GET", f"/runs/{RUN_ID}/graphs").json()["graphs"]
    assert sorted((graph["id"], graph["prompt"]) for graph in listed) == sorted(prompts.items())


def test_cancel_stops_every_job_of_the_run(server: ServerProcess) -> None:
    before = request(server, "GET", f"/runs/{RUN_ID}").json()["last_event_id"]
    for graph_id in ("stopped-1", "stopped-2"):
        assert _post_job(server, "graph", {"prompt": "The cat", "id": graph_id}).status_code == 202

    assert request(server, "POST", f"/runs/{RUN_ID}/cancel").status_code == 200

    events = read_events(server, RUN_ID, last_event_id=before)
    ended = [e.data for e in events if e.event == "job" and e.data["state"] == "ended"]
    assert [(job["kind"], job["cancelled"]) for job in ended] == [("graph", True)] * 2
    assert request(server, "POST", f"/runs/{RUN_ID}/cancel").status_code == 409
