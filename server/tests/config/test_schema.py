import json
from typing import Any

import jsonschema
import yaml
from pydantic import BaseModel

from paramlens.config import DecompositionConfig
from paramlens.config.json_schema import SCHEMA_DIALECT, config_schema
from paramlens.generated_files import repository_root


def test_schema_header() -> None:
    schema = config_schema()
    assert schema["$schema"] == SCHEMA_DIALECT
    assert schema["title"] == "ParamLens decomposition config"
    assert schema["additionalProperties"] is False
    # A file may leave out everything a preset fills.
    assert set(schema["required"]) == {"method", "target", "data", "modules"}


def _properties(node: Any) -> list[tuple[str, dict[str, Any]]]:
    found: list[tuple[str, dict[str, Any]]] = []
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            found.append((key, value))
        for value in node.values():
            found.extend(_properties(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_properties(value))
    return found


def test_every_property_has_a_description() -> None:
    missing = [key for key, prop in _properties(config_schema()) if not prop.get("description")]
    assert not missing


def _models(model: type[BaseModel], seen: set[type[BaseModel]]) -> None:
    if model in seen:
        return
    seen.add(model)
    for info in model.model_fields.values():
        for candidate in _types_in(info.annotation):
            _models(candidate, seen)


def _types_in(annotation: object) -> list[type[BaseModel]]:
    from typing import get_args

    found = []
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        found.append(annotation)
    for arg in get_args(annotation):
        found.extend(_types_in(arg))
    return found


def test_every_model_field_has_a_description() -> None:
    seen: set[type[BaseModel]] = set()
    _models(DecompositionConfig, seen)
    assert len(seen) > 15
    undocumented = [
        f"{model.__name__}.{name}"
        for model in seen
        for name, info in model.model_fields.items()
        if not info.description
    ]
    assert not undocumented


def test_preset_defaults_are_described() -> None:
    training = config_schema()["$defs"]["Training"]["properties"]
    assert "Preset — spd: 10000; vpd: 400000." in training["steps"]["description"]


def test_schema_accepts_the_examples() -> None:
    schema = json.loads((repository_root() / "protocol" / "config.schema.json").read_text())
    for path in sorted((repository_root() / "examples").glob("*.decomp.yaml")):
        jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), schema)
