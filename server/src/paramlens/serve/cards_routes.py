"""A run's subcomponents from its harvest: a module's listing, densest first, and one card."""

from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request

from paramlens.analysis.harvest.cards import (
    CardNotFound,
    ComponentCard,
    ComponentList,
    list_components,
    read_card,
)
from paramlens.analysis.harvest.schema import DATABASE_FILE
from paramlens.serve.models import ErrorResponse
from paramlens.serve.run_params import RunId, run_dir

router = APIRouter(tags=["runs"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorResponse, "description": "No such run, harvest or component"},
    409: {"model": ErrorResponse, "description": "The harvest is unfinished or unreadable"},
}


@router.get(
    "/runs/{run_id}/components/{module}",
    summary="A module's subcomponents, densest first, with their statistics and labels",
    responses=_ERRORS,
)
def module_components(
    request: Request,
    run_id: RunId,
    module: Annotated[
        str, Path(max_length=512, description="Module path, e.g. `h.1.mlp.down_proj`.")
    ],
    limit: Annotated[int, Query(ge=1, le=100_000, description="Most subcomponents.")] = 100,
) -> ComponentList:
    db_path = _harvest(request, run_id)
    try:
        return list_components(db_path, module, limit)
    except CardNotFound as error:
        raise HTTPException(404, f"run {run_id!r}: {error}") from None
    except ValueError as error:  # not a harvest, another format version, or still running
        raise HTTPException(409, str(error)) from None


@router.get(
    "/runs/{run_id}/components/{module}/{index}",
    summary="A component's statistics and top-activating examples",
    responses=_ERRORS,
)
def component_card(
    request: Request,
    run_id: RunId,
    module: Annotated[
        str, Path(max_length=512, description="Module path, e.g. `h.1.mlp.down_proj`.")
    ],
    index: Annotated[int, Path(ge=0, lt=2**31, description="Index on the module's C axis.")],
    limit: Annotated[int, Query(ge=0, le=200, description="Most examples to return.")] = 20,
) -> ComponentCard:
    db_path = _harvest(request, run_id)
    try:
        return read_card(db_path, module, index, limit)
    except CardNotFound as error:
        raise HTTPException(404, f"run {run_id!r}: {error}") from None
    except ValueError as error:  # not a harvest, another format version, or still running
        raise HTTPException(409, str(error)) from None


def _harvest(request: Request, run_id: str) -> FilePath:
    db_path = run_dir(request, run_id) / DATABASE_FILE
    if not db_path.is_file():
        raise HTTPException(
            404, f"run {run_id!r} has no {DATABASE_FILE}; run `paramlens harvest` on it first"
        )
    return db_path
