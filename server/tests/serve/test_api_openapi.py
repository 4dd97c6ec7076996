"""The committed OpenAPI document matches the app, and describes every field it serves."""

from pathlib import Path
from typing import Any

from paramlens.serve.openapi import is_stale, main, openapi_document, repository_root


def test_committed_document_is_up_to_date() -> None:
    assert not is_stale(repository_root()), "stale; run: npm run gen:api"


def test_check_command_fails_on_a_stale_document(tmp_path: Path) -> None:
    assert main(["--write", "--root", str(tmp_path)]) == 0
    assert main(["--check", "--root", str(tmp_path)]) == 0
    (tmp_path / "protocol" / "serverApi.openapi.json").write_text("{}\n", encoding="utf-8")
    assert main(["--check", "--root", str(tmp_path)]) == 1


def _schema(name: str) -> dict[str, Any]:
    schema: dict[str, Any] = openapi_document()["components"]["schemas"][name]
    return schema


def test_response_models_describe_their_fields() -> None:
    for name in ("VersionResponse", "DevicesResponse", "ValidateResponse", "ModuleListing"):
        properties = _schema(name)["properties"]
        assert all(field.get("description") for field in properties.values()), name


def test_every_operation_is_behind_the_bearer_token() -> None:
    for path, item in openapi_document()["paths"].items():
        for method, operation in item.items():
            assert operation["security"] == [{"HTTPBearer": []}], f"{method} {path}"
