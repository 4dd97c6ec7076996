"""The committed OpenAPI document matches the app, and describes every field it serves."""

from typing import Any

from paramlens.serve.openapi import openapi_document


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
