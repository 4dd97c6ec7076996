"""Turn every failure into an `ErrorResponse` body; never send a traceback to the client."""

import logging
import uuid
from collections.abc import Mapping

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from paramlens.serve.models import ConfigProblem, ErrorResponse
from paramlens.serve.run_paths import UnknownRun


class JobConflict(Exception):
    """The request does not fit the run's state (HTTP 409)."""


logger = logging.getLogger(__name__)

# Written out rather than derived from the reason phrase, which differs between Python versions.
_ERROR_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "invalid_request",
}


class ConfigRejected(Exception):
    """A config sent to an endpoint that needs a valid one; answered 422 `invalid_config`."""

    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the config")
        self.problems = problems


def error_response(
    status_code: int, body: ErrorResponse, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """A JSON error response; also used by the middleware that answers before any route."""
    return JSONResponse(
        body.model_dump(exclude_none=True), status_code=status_code, headers=headers
    )


def _describe_validation_error(exc: RequestValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        body = ErrorResponse(
            error=_ERROR_CODES.get(exc.status_code, "http_error"), message=str(exc.detail)
        )
        return error_response(exc.status_code, body, exc.headers)

    @app.exception_handler(RequestValidationError)
    def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        body = ErrorResponse(error="invalid_request", message=_describe_validation_error(exc))
        return error_response(422, body)

    @app.exception_handler(UnknownRun)
    def unknown_run(request: Request, exc: UnknownRun) -> JSONResponse:
        return error_response(404, ErrorResponse(error="not_found", message=str(exc)))

    @app.exception_handler(JobConflict)
    def job_conflict(request: Request, exc: JobConflict) -> JSONResponse:
        return error_response(409, ErrorResponse(error="conflict", message=str(exc)))

    @app.exception_handler(ConfigRejected)
    def config_rejected(request: Request, exc: ConfigRejected) -> JSONResponse:
        body = ErrorResponse(error="invalid_config", message=str(exc), problems=exc.problems)
        return error_response(422, body)

    @app.exception_handler(Exception)
    def internal_error(request: Request, exc: Exception) -> JSONResponse:
        # The id ties the client's report to the traceback, which stays in the server log.
        error_id = str(uuid.uuid4())
        logger.error(
            "internal error %s on %s %s", error_id, request.method, request.url.path, exc_info=exc
        )
        return error_response(500, ErrorResponse(error="internal", error_id=error_id))
