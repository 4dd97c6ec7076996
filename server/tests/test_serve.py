"""`paramlens serve` as the extension runs it: a real subprocess spoken to over HTTP."""

import subprocess
from importlib.metadata import version
from pathlib import Path

import httpx
import pytest

import paramlens
from paramlens.devices import cuda_problem
from server_process import (
    HANDSHAKE_TIMEOUT_S,
    ServerProcess,
    environment_without_token,
    serve_command,
    start_server,
)


def get(server: ServerProcess, path: str, token: str | None) -> httpx.Response:
    headers = {} if token is None else {"Authorization": f"Bearer {token}"}
    return httpx.get(server.url + path, headers=headers, timeout=10)


def assert_unauthorized(response: httpx.Response) -> None:
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert response.json() == {
        "error": "unauthorized",
        "message": "missing or invalid bearer token",
    }


def test_handshake_names_a_live_loopback_url_and_a_random_token(server: ServerProcess) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert int(server.url.rsplit(":", 1)[1]) > 0
    assert len(server.token) >= 40  # token_urlsafe(32) gives 43 characters
    assert server.version == paramlens.__version__


def test_request_without_token_is_unauthorized(server: ServerProcess) -> None:
    assert_unauthorized(get(server, "/health", token=None))


def test_request_with_wrong_token_is_unauthorized(server: ServerProcess) -> None:
    assert_unauthorized(get(server, "/health", token=server.token[:-1]))


def test_request_with_other_scheme_is_unauthorized(server: ServerProcess) -> None:
    response = httpx.get(
        server.url + "/health", headers={"Authorization": f"Basic {server.token}"}, timeout=10
    )
    assert_unauthorized(response)


def test_health_reports_versions_and_devices(server: ServerProcess) -> None:
    response = get(server, "/health", server.token)

    assert response.status_code == 200
    health = response.json()
    assert set(health) == {"status", "version", "torch_version", "devices", "cuda_problem"}
    assert health["status"] == "ok"
    assert health["cuda_problem"] == cuda_problem()  # the same torch and machine as this test
    assert health["version"] == paramlens.__version__
    assert health["torch_version"] == version("torch")
    cpu, *accelerators = health["devices"]
    assert cpu["name"] == "cpu" and cpu["kind"] == "cpu" and cpu["memory_total_mb"] is None
    assert "CPU" in cpu["description"]
    for index, device in enumerate(accelerators):
        assert set(device) == {"name", "kind", "description", "memory_total_mb"}
        assert device["name"] == f"cuda:{index}" and device["kind"] == "cuda"
        assert device["memory_total_mb"] > 0


def test_openapi_document_requires_token(server: ServerProcess) -> None:
    assert_unauthorized(get(server, "/openapi.json", token=None))

    document = get(server, "/openapi.json", server.token).json()
    assert "/health" in document["paths"]
    assert document["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_interactive_docs_are_off(server: ServerProcess, path: str) -> None:
    assert get(server, path, server.token).status_code == 404


def test_non_loopback_host_without_token_is_refused(tmp_path: Path) -> None:
    result = subprocess.run(
        serve_command("--host", "0.0.0.0", "--port", "0"),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=environment_without_token(),
        timeout=HANDSHAKE_TIMEOUT_S,
    )

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "paramlens serve: refusing to listen on 0.0.0.0 without --token; "
        "pass --token (or set PARAMLENS_TOKEN) or listen on 127.0.0.1\n"
    )


def test_server_exits_when_stdin_closes_and_logs_only_to_stderr(tmp_path: Path) -> None:
    stderr_path = tmp_path / "stderr.log"
    with stderr_path.open("w") as stderr:
        server = start_server("--exit-on-stdin-close", stderr=stderr, cwd=tmp_path)
        assert get(server, "/health", server.token).status_code == 200

        assert server.process.stdin is not None
        server.process.stdin.close()
        exit_code = server.process.wait(timeout=HANDSHAKE_TIMEOUT_S)

    assert exit_code == 0
    assert server.process.stdout is not None
    assert server.process.stdout.read() == ""  # the handshake was the only line
    log = stderr_path.read_text()
    assert '"GET /health HTTP/1.1" 200' in log
    assert "stdin closed; shutting down" in log
