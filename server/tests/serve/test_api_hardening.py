"""Request limits, authentication order, CORS and internal errors of the server."""

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

import paramlens
from paramlens.serve.app import create_app
from server_process import ServerProcess

LIMIT = 1024 * 1024
TOO_LARGE = {
    "error": "too_large",
    "message": f"request body is larger than the server's limit of {LIMIT} bytes",
}
UNAUTHORIZED = {"error": "unauthorized", "message": "missing or invalid bearer token"}


def auth(server: ServerProcess) -> dict[str, str]:
    return {"Authorization": f"Bearer {server.token}"}


def chunks(total: int, size: int = 64 * 1024) -> Iterator[bytes]:
    """A body streamed without Content-Length (chunked transfer encoding)."""
    for start in range(0, total, size):
        yield b" " * min(size, total - start)


def test_version_and_devices(server: ServerProcess) -> None:
    version = httpx.get(server.url + "/version", headers=auth(server), timeout=10).json()
    assert version["version"] == paramlens.__version__
    assert set(version) == {"version", "torch_version", "python_version"}

    devices = httpx.get(server.url + "/devices", headers=auth(server), timeout=10).json()
    cpu, *accelerators = devices["devices"]
    assert cpu["name"] == "cpu" and cpu["memory_free_mb"] is None
    for device in accelerators:
        assert 0 <= device["memory_free_mb"] <= device["memory_total_mb"]


def test_body_over_the_limit_is_413(server: ServerProcess) -> None:
    body = b'{"text": "' + b"x" * LIMIT + b'"}'
    response = httpx.post(server.url + "/validate", content=body, headers=auth(server), timeout=30)

    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_oversized_body_gets_its_413_on_a_connection_that_stays_usable(
    server: ServerProcess,
) -> None:
    # The body is read and dropped before the answer, so a client still sending it sees the 413
    # rather than a reset connection, and its next request can reuse the connection.
    with httpx.Client(base_url=server.url, headers=auth(server), timeout=60) as client:
        too_large = client.post("/validate", content=b"x" * (6 * LIMIT))
        after = client.get("/version")

    assert too_large.status_code == 413
    assert too_large.json() == TOO_LARGE
    assert after.status_code == 200


def test_streamed_body_over_the_limit_is_413(server: ServerProcess) -> None:
    response = httpx.post(
        server.url + "/validate",
        content=chunks(LIMIT + 64 * 1024),
        headers={**auth(server), "Content-Type": "application/json"},
        timeout=30,
    )

    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json() == TOO_LARGE


def test_body_at_the_limit_is_read(server: ServerProcess) -> None:
    response = httpx.post(
        server.url + "/validate",
        content=b" " * (LIMIT - 1) + b"{",
        headers={**auth(server), "Content-Type": "application/json"},
        timeout=30,
    )

    assert response.status_code == 422  # read, then found to be bad JSON
    assert response.json()["error"] == "invalid_request"


def test_token_is_checked_before_the_body(server: ServerProcess) -> None:
    bad_json = httpx.post(server.url + "/validate", content=b"{", timeout=10)
    too_large = httpx.post(server.url + "/validate", content=b"x" * (2 * LIMIT), timeout=30)
    unknown_path = httpx.get(server.url + "/no/such/route", timeout=10)

    for response in (bad_json, too_large, unknown_path):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
        assert response.json() == UNAUTHORIZED


@pytest.mark.parametrize("method", ["OPTIONS", "GET"])
def test_no_cors_headers_even_for_a_cross_origin_request(
    server: ServerProcess, method: str
) -> None:
    headers = {
        "Origin": "https://example.com",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization",
    }
    for extra in ({}, auth(server)):
        response = httpx.request(
            method, server.url + "/version", headers={**headers, **extra}, timeout=10
        )
        assert not [name for name in response.headers if name.startswith("access-control-")]


def test_the_limit_is_configurable(tmp_path: Path) -> None:
    client = TestClient(create_app("t", tmp_path, max_body_bytes=100))
    headers = {"Authorization": "Bearer t"}

    small = client.post("/validate", json={"text": "method: spd"}, headers=headers)
    large = client.post("/validate", json={"text": "x" * 100}, headers=headers)

    assert small.status_code == 200
    assert large.status_code == 413
    assert large.json()["message"].endswith("limit of 100 bytes")


def test_internal_error_is_logged_and_answered_with_an_id(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app("t", tmp_path)

    @app.get("/fail")
    def fail() -> None:
        raise RuntimeError("internal detail")

    client = TestClient(app, raise_server_exceptions=False)
    with caplog.at_level(logging.ERROR, logger="paramlens"):
        response = client.get("/fail", headers={"Authorization": "Bearer t"})

    assert response.status_code == 500
    body = response.json()
    assert body["error"] == "internal" and set(body) == {"error", "error_id"}
    assert "internal detail" not in response.text
    assert f"internal error {uuid.UUID(body['error_id'])}" in caplog.text
    assert "RuntimeError: internal detail" in caplog.text
