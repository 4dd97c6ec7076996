"""`POST /runs/{run_id}/intervene` on a real server, and the cache of loaded runs behind it."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from paramlens.analysis.intervene import InterventionSpec, intervene
from paramlens.config import load_config
from paramlens.core.loaded_run import load_run, weights_file
from paramlens.runs.layout import RunPaths
from paramlens.serve.loaded_runs import LoadedRunCache
from paramlens.train.run import create_run
from server_process import ServerProcess, start_server, stop_server

REPO = Path(__file__).resolve().parents[3]
TMS_CONFIG = REPO / "examples" / "tms_5-2.decomp.yaml"
RUN_ID = "llama"
PROMPT = "Once upon a time there was a little"
KEPT = ["h.0.mlp.down_proj:3", "h.1.attn.o_proj:7", "h.1.mlp.c_fc:2:5"]


@pytest.fixture(scope="module")
def runs_root(tmp_path_factory: pytest.TempPathFactory, short_llama_run: Path) -> Path:
    root = tmp_path_factory.mktemp("intervene") / "runs"
    shutil.copytree(short_llama_run, root / RUN_ID)
    create_run(TMS_CONFIG, load_config(TMS_CONFIG), root / "untrained")
    return root


@pytest.fixture(scope="module")
def server(runs_root: Path) -> Iterator[ServerProcess]:
    with (runs_root.parent / "stderr.log").open("w") as stderr:
        running = start_server("--runs-root", str(runs_root), stderr=stderr, cwd=runs_root.parent)
        yield running
        stop_server(running)


def post(server: ServerProcess, run_id: str, body: object) -> httpx.Response:
    headers = {"Authorization": f"Bearer {server.token}"}
    url = f"{server.url}/runs/{run_id}/intervene"
    return httpx.post(url, json=body, headers=headers, timeout=120)


def test_the_endpoint_answers_as_the_library_does(server: ServerProcess, runs_root: Path) -> None:
    spec = InterventionSpec(prompt=PROMPT, keep=KEPT, target=" a", top_k=5, all_positions=True)
    expected = intervene(load_run(runs_root / RUN_ID), spec).model_dump(mode="json")

    response = post(server, RUN_ID, spec.model_dump(exclude_none=True))

    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["mode"], answer["ids"], answer["engine"]) == ("keep", KEPT, "torch")
    assert answer["tokens"] == expected["tokens"] and answer["target"] == expected["target"]
    assert len(answer["positions"]) == len(expected["positions"]) == len(answer["tokens"])
    for got, want in zip(answer["positions"], expected["positions"], strict=True):
        # The server may use more CPU threads than the test: sums may differ in the last bits.
        assert [p["id"] for p in got["predictions"]] == [p["id"] for p in want["predictions"]]
        assert [p["id"] for p in got["baseline"]] == [p["id"] for p in want["baseline"]]
        assert got["target_probability"] == pytest.approx(want["target_probability"], rel=1e-4)
        assert got["kl_to_unmasked"] == pytest.approx(want["kl_to_unmasked"], rel=1e-4, abs=1e-7)
    ablated = post(server, RUN_ID, {"prompt": PROMPT, "ablate": KEPT[:1]})
    assert ablated.status_code == 200 and ablated.json()["mode"] == "ablate"


@pytest.mark.parametrize(
    ("run_id", "body", "status", "message"),
    [
        ("missing", {"prompt": PROMPT, "keep": KEPT}, 404, "no run 'missing'"),
        ("untrained", {"prompt": PROMPT, "keep": KEPT}, 409, "has no trained weights yet"),
        (RUN_ID, {"prompt": PROMPT, "keep": ["h.7.mlp.down_proj:0"]}, 422, "no decomposed module"),
        (RUN_ID, {"prompt": PROMPT, "keep": ["h.0.mlp.down_proj:256"]}, 422, "C = 256"),
        (RUN_ID, {"prompt": PROMPT, "keep": ["h.0.mlp.c_fc:99:1"]}, 422, "position 99"),
        (RUN_ID, {"prompt": PROMPT, "keep": ["down_proj"]}, 422, "is not a subcomponent ID"),
        (RUN_ID, {"prompt": PROMPT, "keep": KEPT, "target": " girl"}, 422, "not one"),
        (RUN_ID, {"prompt": PROMPT, "keep": KEPT, "ablate": KEPT}, 422, "exactly one of"),
        (RUN_ID, {"prompt": "", "keep": KEPT}, 422, "body.prompt"),
    ],
)
def test_bad_requests_get_a_clear_reason(
    server: ServerProcess, run_id: str, body: object, status: int, message: str
) -> None:
    response = post(server, run_id, body)

    assert response.status_code == status, response.text
    assert message in response.json()["message"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize("run_id", [".hidden", "..", "a b"])
def test_malformed_run_ids_are_refused(server: ServerProcess, run_id: str) -> None:
    response = post(server, run_id, {"prompt": PROMPT, "keep": KEPT})
    assert response.status_code in (404, 422)


def test_the_cache_keeps_a_run_loaded_until_its_weights_change(runs_root: Path) -> None:
    cache = LoadedRunCache(capacity=1)
    run_dir = (runs_root / RUN_ID).resolve()
    other = runs_root.parent / "other"
    shutil.copytree(run_dir, other)

    with cache.use(run_dir) as first:
        pass
    with cache.use(run_dir) as again:
        assert again is first
    weights = weights_file(RunPaths(run_dir))
    stat = weights.stat()
    os.utime(weights, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    with cache.use(run_dir) as reloaded:
        assert reloaded is not first and cache.loaded() == [run_dir]
    with cache.use(other):
        assert cache.loaded() == [other.resolve()]  # capacity 1: the first run was let go
