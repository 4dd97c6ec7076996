"""`GET /runs/{run_id}/graphs` and `GET /runs/{run_id}/graphs/{graph_id}`: a run's
attribution-graph files."""

import json
from datetime import datetime, timezone
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import FileResponse

from paramlens.analysis.graphs.graph_file import GRAPH_SUFFIX, GRAPHS_DIR, graph_path
from paramlens.ids import GRAPH_ID_PATTERN
from paramlens.serve.models import ErrorResponse, GraphsResponse, GraphSummary
from paramlens.serve.run_params import RunId, run_dir

router = APIRouter(tags=["runs"])
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such run or graph"}
}


@router.get("/runs/{run_id}/graphs", summary="The run's attribution graphs", responses=_NOT_FOUND)
def list_graphs(request: Request, run_id: RunId) -> GraphsResponse:
    graphs_dir = run_dir(request, run_id) / GRAPHS_DIR
    files = sorted(graphs_dir.glob(f"*{GRAPH_SUFFIX}")) if graphs_dir.is_dir() else []
    summaries = [_summary(path) for path in files if not path.name.startswith(".")]
    return GraphsResponse(graphs=sorted(summaries, key=lambda s: s.created, reverse=True))


@router.get(
    "/runs/{run_id}/graphs/{graph_id}",
    summary="One attribution-graph file, as written (protocol/graph.ts)",
    response_class=FileResponse,
    responses={200: {"content": {"application/json": {}}}, **_NOT_FOUND},
)
def get_graph(
    request: Request,
    run_id: RunId,
    graph_id: Annotated[str, Path(pattern=GRAPH_ID_PATTERN, description="The graph's ID.")],
) -> FileResponse:
    path = graph_path(run_dir(request, run_id), graph_id)
    if not path.is_file():
        raise HTTPException(404, f"run {run_id!r} has no graph {graph_id!r}")
    return FileResponse(path, media_type="application/json")


def _summary(path: FilePath) -> GraphSummary:
    graph_id = path.name.removesuffix(GRAPH_SUFFIX)
    created = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat()
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        prompt, nodes, edges = document["prompt"], document["nodes"], document["edges"]
        if not (isinstance(prompt, str) and isinstance(nodes, list) and isinstance(edges, list)):
            raise TypeError("prompt, nodes or edges has the wrong type")
    except (OSError, ValueError, KeyError, TypeError) as error:
        return GraphSummary(
            id=graph_id, prompt=None, n_nodes=None, n_edges=None, created=created, error=str(error)
        )
    return GraphSummary(
        id=graph_id,
        prompt=prompt,
        n_nodes=len(nodes),
        n_edges=len(edges),
        created=created,
        error=None,
    )
