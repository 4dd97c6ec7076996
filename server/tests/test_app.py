"""The FastAPI app in-process: the auth guard on every route, and the error bodies."""

import logging
import re
import uuid
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from paramlens.serve.app import create_app

TOKEN = "test-token"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(tmp_path: Path) -> FastAPI:
    return create_app(TOKEN, tmp_path)


def test_every_route_rejects_requests_without_token(app: FastAPI) -> None:
    client = TestClient(app)
    operations = [
        (method, path)
        for path, path_item in app.openapi()["paths"].items()
        for method, operation in path_item.items()
        # The guard shows in the document as this security requirement on each operation.
        if operation.get("security") == [{"HTTPBearer": []}]
    ]
    assert ("get", "/health") in operations
    assert len(operations) == sum(len(item) for item in app.openapi()["paths"].values())

    for method, path in [*operations, ("get", "/openapi.json")]:
        response = client.request(method, re.sub(r"\{[^}]+\}", "x", path))
        assert response.status_code == 401, f"{method} {path}"


def test_unhandled_exception_answers_500_with_error_id_only(
    app: FastAPI, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail")

    client = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="paramlens"):
        response = client.get("/boom", headers=AUTHORIZED)

    assert response.status_code == 500
    body = response.json()
    assert set(body) == {"error", "error_id"}
    assert body["error"] == "internal"
    assert uuid.UUID(body["error_id"])
    assert "secret detail" not in response.text
    assert body["error_id"] in caplog.text
    assert "secret detail" in caplog.text


def test_invalid_request_names_the_bad_field(app: FastAPI) -> None:
    @app.get("/square")
    def square(n: int) -> int:
        return n * n

    response = TestClient(app).get("/square?n=two", headers=AUTHORIZED)

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request"
    assert body["message"].startswith("query.n: ")


def test_unknown_path_is_not_found(app: FastAPI) -> None:
    response = TestClient(app).get("/no-such-route", headers=AUTHORIZED)

    assert response.status_code == 404
    assert response.json() == {"error": "not_found", "message": "Not Found"}
