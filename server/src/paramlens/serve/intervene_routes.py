"""`POST /runs/{run_id}/intervene`: a prompt's predictions with subcomponents kept or ablated.

An intervention takes milliseconds once its run is loaded, so it is answered at once rather
than as a job. The route is a plain function, which FastAPI runs in its thread pool: the
forward pass never blocks the event loop. Loaded runs are kept in a `LoadedRunCache` that
lives as long as the app.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, cast

from fastapi import APIRouter, FastAPI, HTTPException, Request

from paramlens.analysis.intervene import InterventionResult, InterventionSpec, intervene
from paramlens.serve.loaded_runs import LoadedRunCache
from paramlens.serve.models import ErrorResponse
from paramlens.serve.run_params import RunId, run_dir


@asynccontextmanager
async def _loaded_runs_lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.loaded_runs = LoadedRunCache()
    yield


router = APIRouter(tags=["runs"], lifespan=_loaded_runs_lifespan)

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such run"},
    409: {"model": ErrorResponse, "description": "The run has no weights or cannot be loaded"},
    422: {"model": ErrorResponse, "description": "A bad prompt, subcomponent ID or target"},
}


@router.post(
    "/runs/{run_id}/intervene",
    summary="Next-token predictions with subcomponents kept or ablated",
    responses=_ERRORS,
)
def intervene_on_run(request: Request, run_id: RunId, spec: InterventionSpec) -> InterventionResult:
    """Run the prompt through the run's decomposed model with only `keep` kept (every other
    subcomponent masked) or with `ablate` masked, Δ off, beside the unmasked model. IDs are
    subcomponents (`h.1.mlp.down_proj:12`, or short names such as `1.mlp.down:12`), applied
    at every position, or nodes (`h.1.mlp.down_proj:3:12`), applied at that position only."""
    directory = run_dir(request, run_id)
    cache = cast(LoadedRunCache, request.app.state.loaded_runs)
    try:
        with cache.use(directory) as run:
            try:
                return intervene(run, spec)
            except ValueError as error:
                raise HTTPException(422, f"run {run_id!r}: {error}") from None
    except FileNotFoundError as error:
        raise HTTPException(409, f"run {run_id!r} has no trained weights yet: {error}") from None
    except (OSError, ValueError, RuntimeError) as error:  # RuntimeError: its CUDA device is gone
        raise HTTPException(409, f"run {run_id!r} cannot be loaded: {error}") from None
