"""`POST /validate` and `POST /modules`: check a config, and list its target's modules.

`/validate` answers 200 whatever the config holds, because reporting its problems is its job.
Every other endpoint that takes a config answers 422 `invalid_config` with the same problem
objects when the config is invalid.
"""

from fastapi import APIRouter, HTTPException

from paramlens.config import ConfigValidationError
from paramlens.core.target_spec import target_spec
from paramlens.serve.config_request import load_request, problems, require_valid
from paramlens.serve.models import (
    ConfigRequest,
    ErrorResponse,
    ValidateResponse,
)
from paramlens.targets.module_listing import ModuleListing, listing_for

router = APIRouter(tags=["configs"])


@router.post("/validate", summary="Check a config and report every problem at its key and line")
def validate(request: ConfigRequest) -> ValidateResponse:
    try:
        loaded = load_request(request)
    except ConfigValidationError as error:
        return ValidateResponse(
            ok=False, format=None, errors=problems(error.errors), warnings=[], notes=[]
        )
    return ValidateResponse(
        ok=True,
        format=loaded.source_format,
        errors=[],
        warnings=problems(loaded.warnings),
        notes=list(loaded.notes),
    )


@router.post(
    "/modules",
    summary="List the modules of a config's target, with shapes and source lines",
    responses={422: {"model": ErrorResponse, "description": "Invalid config or target"}},
)
def modules(request: ConfigRequest) -> ModuleListing:
    loaded = require_valid(request)
    config = loaded.config
    spec = target_spec(config, loaded.base_dir)
    try:
        return listing_for(spec, [(module.pattern, module.C) for module in config.modules])
    except (OSError, ImportError, ValueError, TypeError) as error:
        # The target's files or code are the user's: a failure to load them is their error.
        raise HTTPException(422, f"cannot load the target: {error}") from None
