"""The FastAPI application of the decomposition server."""

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI

from paramlens import __version__
from paramlens.serve import health
from paramlens.serve.auth import bearer_token_guard
from paramlens.serve.errors import install_error_handlers


def create_app(token: str, runs_root: Path) -> FastAPI:
    """The app, with every route behind the bearer `token`.

    The guard is an app-wide dependency, so each route added with `app.get`/`include_router`
    gets it; the built-in OpenAPI and docs routes do not, so they are replaced or turned off.
    """
    app = FastAPI(
        title="ParamLens server",
        version=__version__,
        dependencies=[Depends(bearer_token_guard(token))],
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
    )
    # Job and run routes resolve every path inside this directory.
    app.state.runs_root = runs_root
    install_error_handlers(app)
    app.include_router(health.router)

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_document() -> dict[str, Any]:
        return app.openapi()

    return app
