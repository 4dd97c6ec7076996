"""Card and graph endpoints over a run directory, on a real server with its own runs root."""

import json
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import httpx
import pytest

from paramlens.analysis.harvest.schema import DDL
from paramlens.config import load_config
from paramlens.train.run import create_run
from server_process import ServerProcess, start_server, stop_server

REPO = Path(__file__).resolve().parents[3]
TMS_CONFIG = REPO / "examples" / "tms_5-2.decomp.yaml"
GRAPH = REPO / "examples" / "tiny.graph.json"
RUN_ID = "tms-run"


def write_harvest(path: Path, status: str = "done") -> None:
    """A harvest.sqlite in the documented format with one component and two examples."""
    meta = {
        "format_version": "1",
        "run_id": RUN_ID,
        "weights_step": "60",
        "ci_threshold": "0.1",
        "top_k": "2",
        "context": "1",
        "input_kind": "features",
        "n_tokens": "1000",
        "status": status,
    }
    window = json.dumps([0, 3])
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(DDL)
        db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
        db.execute("INSERT INTO modules VALUES ('linear1', 0, 20)")
        db.execute("INSERT INTO components VALUES ('linear1', 7, 0.05, 0.04, 1, 2, 'feature 3')")
        db.execute("INSERT INTO components VALUES ('linear1', 2, 0.2, 0.1, 1, 0, NULL)")
        db.execute("INSERT INTO components VALUES ('linear1', 9, 0.0, 0.0, 0, 0, NULL)")
        db.executemany(
            "INSERT INTO examples VALUES ('linear1', 7, ?, ?, ?, ?, 1, 1, ?, ?, ?)",
            [
                (0, 0.9, 1.5, 12, window, "[0.0, 0.9]", "[0.1, 1.5]"),
                (1, 0.8, 1.2, 40, window, "[0.2, 0.8]", "[0.0, 1.2]"),
            ],
        )
        db.executemany("INSERT INTO vocab VALUES (?, ?)", [(0, "feature 0"), (3, "feature 3")])


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("api-runs") / "runs"
    run_dir = create_run(TMS_CONFIG, load_config(TMS_CONFIG), root / RUN_ID)
    write_harvest(run_dir / "harvest.sqlite")
    (run_dir / "graphs").mkdir()
    shutil.copy(GRAPH, run_dir / "graphs" / "first.graph.json")
    (run_dir / "graphs" / "broken.graph.json").write_text("{not json")
    unfinished = create_run(TMS_CONFIG, load_config(TMS_CONFIG), root / "unfinished")
    write_harvest(unfinished / "harvest.sqlite", status="running")
    create_run(TMS_CONFIG, load_config(TMS_CONFIG), root / "bare")
    return root


@pytest.fixture(scope="module")
def files_server(runs_root: Path) -> Iterator[ServerProcess]:
    with (runs_root.parent / "stderr.log").open("w") as stderr:
        running = start_server("--runs-root", str(runs_root), stderr=stderr, cwd=runs_root.parent)
        yield running
        stop_server(running)


def get(server: ServerProcess, path: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.token}"}
    return httpx.get(server.url + path, headers=headers, timeout=30)


def test_card_has_statistics_and_decoded_examples(files_server: ServerProcess) -> None:
    response = get(files_server, f"/runs/{RUN_ID}/components/linear1/7?limit=1")

    assert response.status_code == 200
    card = response.json()
    assert (card["module"], card["component"], card["label"]) == ("linear1", 7, "feature 3")
    assert (card["density"], card["mean_ci"], card["alive"]) == (0.05, 0.04, True)
    assert card["n_examples"] == 2
    [example] = card["examples"]
    assert example["rank"] == 0 and example["ci"] == 0.9
    assert example["tokens"] == ["feature 0", "feature 3"]
    assert example["ci_values"] == [0.0, 0.9]


def test_a_modules_listing_is_densest_first(files_server: ServerProcess) -> None:
    response = get(files_server, f"/runs/{RUN_ID}/components/linear1?limit=2")

    assert response.status_code == 200
    listing = response.json()
    assert (listing["module"], listing["C"]) == ("linear1", 20)
    assert [(c["component"], c["density"], c["label"]) for c in listing["components"]] == [
        (2, 0.2, None),
        (7, 0.05, "feature 3"),
    ]
    assert get(files_server, f"/runs/{RUN_ID}/components/linear9").status_code == 404
    assert get(files_server, "/runs/unfinished/components/linear1").status_code == 409


def test_a_run_lists_its_modules_once_training_started(files_server: ServerProcess) -> None:
    assert get(files_server, f"/runs/{RUN_ID}").json()["modules"] == []  # created, never trained


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (f"/runs/{RUN_ID}/components/linear1/8", "linear1 has components 0..19"),
        (f"/runs/{RUN_ID}/components/linear9/0", "no module 'linear9'"),
        ("/runs/bare/components/linear1/0", "has no harvest.sqlite"),
        ("/runs/missing/components/linear1/0", "no run 'missing'"),
    ],
)
def test_missing_card_is_404_with_a_reason(
    files_server: ServerProcess, path: str, message: str
) -> None:
    response = get(files_server, path)

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert message in response.json()["message"]


def test_card_of_an_unfinished_harvest_is_409(files_server: ServerProcess) -> None:
    response = get(files_server, "/runs/unfinished/components/linear1/7")

    assert response.status_code == 409
    assert "not a finished harvest" in response.json()["message"]


def test_graph_list_summarises_each_file(files_server: ServerProcess) -> None:
    response = get(files_server, f"/runs/{RUN_ID}/graphs")

    assert response.status_code == 200
    graphs = {graph["id"]: graph for graph in response.json()["graphs"]}
    assert set(graphs) == {"first", "broken"}
    document = json.loads(GRAPH.read_text())
    first = graphs["first"]
    assert first["prompt"] == document["prompt"]
    assert (first["n_nodes"], first["n_edges"]) == (len(document["nodes"]), len(document["edges"]))
    assert first["created"].endswith("+00:00") and first["error"] is None
    assert graphs["broken"]["prompt"] is None and graphs["broken"]["error"]
    assert get(files_server, "/runs/bare/graphs").json() == {"graphs": []}


def test_graph_file_is_served_as_written(files_server: ServerProcess) -> None:
    response = get(files_server, f"/runs/{RUN_ID}/graphs/first")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == GRAPH.read_bytes()
    assert get(files_server, f"/runs/{RUN_ID}/graphs/second").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/runs/..%2F..%2Fetc/graphs",
        "/runs/.hidden/graphs",
        f"/runs/{RUN_ID}/graphs/..%2Frun",
        f"/runs/{RUN_ID}/graphs/.secret",
        "/runs/%2Fetc/graphs",
    ],
)
def test_paths_outside_the_runs_root_are_refused(files_server: ServerProcess, path: str) -> None:
    response = get(files_server, path)

    assert response.status_code in (404, 422)
    assert response.json()["error"] in ("not_found", "invalid_request")


def test_a_symbolic_link_out_of_the_runs_root_is_not_a_run(
    files_server: ServerProcess, runs_root: Path
) -> None:
    outside = runs_root.parent / "outside"
    shutil.copytree(runs_root / RUN_ID, outside)
    (runs_root / "linked").symlink_to(outside)

    assert get(files_server, "/runs/linked/graphs").status_code == 404
