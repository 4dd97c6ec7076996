"""The JSON Schema of `DecompositionConfig`, as the editor uses it for files on disk.

Pydantic's schema describes the config after presets are applied; a file may leave out
every key a preset fills. So those keys are made optional here, and their descriptions say
what each method puts there (hover shows it).
"""

import json
from collections.abc import Mapping, Sequence
from typing import Any

from paramlens.config.model import DecompositionConfig
from paramlens.config.presets import PRESETS

JsonObject = dict[str, Any]
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
PRESET_MARK = "Preset — "


def config_schema() -> JsonObject:
    schema = DecompositionConfig.model_json_schema(by_alias=True, mode="validation")
    definitions = schema.get("$defs", {})
    _apply_presets(schema, list(PRESETS.items()), definitions)
    _make_optional(schema, "output_loss")
    _strip_titles(schema)
    return {"$schema": SCHEMA_DIALECT, **schema}


def schema_text() -> str:
    """The schema as committed: indented, one key order, ending in a newline."""
    return json.dumps(config_schema(), indent=2, ensure_ascii=False) + "\n"


def _objects(node: JsonObject, definitions: JsonObject) -> list[JsonObject]:
    """The object schemas a property may hold: through $ref and each alternative of a union."""
    if "$ref" in node:
        return _objects(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
    alternatives = node.get("anyOf") or node.get("oneOf")
    if alternatives:
        return [found for option in alternatives for found in _objects(option, definitions)]
    return [node] if "properties" in node else []


def _apply_presets(
    node: JsonObject, presets: Sequence[tuple[str, object]], definitions: JsonObject
) -> None:
    if "oneOf" in node:
        # With `type` left to the preset, a mapping may fit several variants.
        node["anyOf"] = node.pop("oneOf")
        node.pop("discriminator", None)
    for target in _objects(node, definitions):
        properties = target["properties"]
        keys = {k for _, preset in presets if isinstance(preset, Mapping) for k in preset}
        for key in sorted(keys & properties.keys()):
            _make_optional(target, key)
            prop = properties[key]
            prop.pop("default", None)  # The model's default never applies: a preset fills it.
            values = [(name, p[key]) for name, p in presets if isinstance(p, Mapping) and key in p]
            nested = [(name, v) for name, v in values if isinstance(v, Mapping)]
            if len(nested) < len(values) or _nullable(prop):
                _describe(prop, values)
            if nested:
                _apply_presets(prop, nested, definitions)


def _nullable(prop: JsonObject) -> bool:
    return any(option.get("type") == "null" for option in prop.get("anyOf", []))


def _describe(prop: JsonObject, values: list[tuple[str, object]]) -> None:
    text = "; ".join(f"{name}: {_shown(value)}" for name, value in values)
    description = prop.get("description", "")
    if PRESET_MARK not in description:
        prop["description"] = f"{description} {PRESET_MARK}{text}.".strip()


def _shown(value: object) -> str:
    if isinstance(value, Mapping):
        return "on"
    return "off" if value is None else json.dumps(value)


def _make_optional(target: JsonObject, key: str) -> None:
    required = target.get("required")
    if required and key in required:
        required.remove(key)
        if not required:
            del target["required"]


def _strip_titles(node: object, in_properties: bool = False) -> None:
    """Drop pydantic's generated property titles ("Lr Schedule"); keys name themselves."""
    if isinstance(node, dict):
        if in_properties:
            for prop in node.values():
                if isinstance(prop, dict):
                    prop.pop("title", None)
        for key, value in node.items():
            _strip_titles(value, in_properties=key == "properties" and not in_properties)
    elif isinstance(node, list):
        for item in node:
            _strip_titles(item)
