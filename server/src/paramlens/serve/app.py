"""The FastAPI application of the decomposition server."""

from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI

from paramlens import __version__
from paramlens.serve import (
    cards_routes,
    config_routes,
    graphs_routes,
    health,
    info_routes,
    intervene_routes,
    runs_routes,
)
from paramlens.serve.auth import TokenGate, bearer_token_guard
from paramlens.serve.errors import install_error_handlers
from paramlens.serve.jobs.settings import JobSettings
from paramlens.serve.request_limits import DEFAULT_MAX_BODY_BYTES, BodySizeLimit
from paramlens.serve.run_files import add_run_file_schemas


def create_app(
    token: str,
    runs_root: Path,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    job_settings: JobSettings | None = None,
) -> FastAPI:
    """The app, with every request behind the bearer `token`.

    `TokenGate` checks the token before routing or reading the body; the app-wide dependency
    checks it again per route and documents it. The built-in OpenAPI and docs routes would
    skip the dependency, so they are replaced or turned off. No CORS middleware is added, ever:
    browsers must not be able to read the API from a web page.
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
    app.state.runs_root = runs_root.resolve()
    app.state.job_settings = job_settings or JobSettings()
    install_error_handlers(app)
    # The last middleware added runs first: the token is checked before the body size.
    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    app.add_middleware(TokenGate, token=token)
    app.include_router(health.router)
    app.include_router(info_routes.router)
    app.include_router(config_routes.router)
    app.include_router(cards_routes.router)
    app.include_router(graphs_routes.router)
    app.include_router(intervene_routes.router)
    app.include_router(runs_routes.router)

    # The document FastAPI derives from the routes, with the run directory's files beside them.
    routes_document = app.openapi

    def openapi() -> dict[str, Any]:
        document = routes_document()
        add_run_file_schemas(document)
        return document

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_document() -> dict[str, Any]:
        return app.openapi()

    return app
