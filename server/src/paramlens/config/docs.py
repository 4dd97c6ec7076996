"""Render the configuration reference (docs/configuration.md) from the JSON Schema."""

import json
from collections.abc import Iterator
from typing import Any

from paramlens.config.json_schema import PRESET_MARK, JsonObject

_INTRO = """\
# Configuration reference

<!-- Generated from paramlens.config.DecompositionConfig by
     `python -m paramlens.contracts --write`; edit the model, not this file. -->

A decomposition is configured by a YAML file named `*.decomp.yaml` (or `.decomp.yml`).
The editor validates it against `protocol/config.schema.json`, and `paramlens validate
FILE` checks it fully, reporting every problem as `file:line:column: key: message`.

- **`method` presets.** `method: spd` or `method: vpd` fills every key the file leaves out
  with that method's paper settings (the *default* column shows both). Mappings merge key
  by key; any value the file gives wins, and `null` turns off a loss the preset turns on.
  Giving a different `type` (e.g. for `ci_function`) replaces the preset's whole mapping.
- **Paths** are relative to the config file's folder. Nothing is downloaded: models,
  tokenizers and data must be local files.
- **Unknown keys are errors**, with the closest known key suggested.
- **Reference configs.** Files in the format of the reference implementation
  (`goodfire-ai/spd`: `module_info`, `loss_metric_configs`, `ci_config`, …) are accepted
  and translated. Keys that only configure its logging are ignored with one note; a key
  that changes the method in a way ParamLens cannot honour is an error naming it; a W&B run,
  hub model, dataset or tokenizer is a warning saying which key needs a local copy.
- **Subcomponent IDs** in `analysis` are `<module_path>:<index>` (`h.2.mlp.down_proj:2359`)
  or short canonical names (`2.mlp.down:2359`).
"""


def render_markdown(schema: JsonObject) -> str:
    definitions = schema.get("$defs", {})
    lines = [_INTRO]
    for key, prop in schema["properties"].items():
        required = key in schema.get("required", [])
        lines.append(f"## `{key}`\n")
        lines.append("| key | type | default | description |")
        lines.append("|---|---|---|---|")
        lines.extend(_rows(key, prop, required, definitions, ""))
        lines.append("")
    return "\n".join(lines)


def _rows(
    path: str, prop: JsonObject, required: bool, definitions: JsonObject, variant: str
) -> Iterator[str]:
    yield (
        f"| `{path}` | {_cell(_type(prop, definitions))} | {_cell(_default(prop, required))} "
        f"| {_cell(variant + _description(prop))} |"
    )
    options = list(_object_options(prop, definitions))
    tags = [tag for _, tag in options if tag]
    if tags:
        # One row for the `type` that picks the variant; each variant's keys follow.
        first = options[0][0]["properties"]["type"]
        kinds = " | ".join(f"`{json.dumps(tag)}`" for tag in tags)
        yield (
            f"| `{path}.type` | {_cell(kinds)} | {_cell(_default(first, True))} "
            f"| {_cell(_description(first))} |"
        )
    for option, tag in options:
        note = f"*{tag}:* " if tag else variant
        for key, child in option.get("properties", {}).items():
            if key == "type" and tag:
                continue
            yield from _rows(
                f"{path}{_child_path(prop, definitions)}.{key}",
                child,
                key in option.get("required", []),
                definitions,
                note,
            )


def _resolve(node: JsonObject, definitions: JsonObject) -> JsonObject:
    if "$ref" in node:
        return _resolve(definitions[node["$ref"].rsplit("/", 1)[-1]], definitions)
    return node


def _alternatives(node: JsonObject, definitions: JsonObject) -> list[JsonObject]:
    node = _resolve(node, definitions)
    options = node.get("anyOf") or node.get("oneOf") or [node]
    return [_resolve(o, definitions) for o in options if o.get("type") != "null"]


def _object_options(prop: JsonObject, definitions: JsonObject) -> Iterator[tuple[JsonObject, str]]:
    """The object schemas under a key (through lists), each with its `type` tag if a union."""
    options = _alternatives(prop, definitions)
    if len(options) == 1 and options[0].get("type") == "array":
        options = _alternatives(options[0].get("items", {}), definitions)
    objects = [o for o in options if "properties" in o]
    for option in objects:
        tag = option["properties"].get("type", {}).get("const", "") if len(objects) > 1 else ""
        yield option, str(tag)


def _child_path(prop: JsonObject, definitions: JsonObject) -> str:
    options = _alternatives(prop, definitions)
    return "[]" if len(options) == 1 and options[0].get("type") == "array" else ""


def _type(prop: JsonObject, definitions: JsonObject) -> str:
    options = _alternatives(prop, definitions)
    if len(options) > 1 and all("properties" in o for o in options):
        return "mapping, by `type`"
    nullable = any(o.get("type") == "null" for o in _resolve(prop, definitions).get("anyOf", []))
    text = " or ".join(_one_type(o, definitions) for o in options)
    return f"{text} or null" if nullable else text


def _one_type(node: JsonObject, definitions: JsonObject) -> str:
    if "enum" in node:
        return " | ".join(f"`{json.dumps(v)}`" for v in node["enum"])
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    kind = node.get("type")
    if kind == "array":
        return f"list of {_type(node.get('items', {}), definitions)}"
    if kind == "object" or "properties" in node:
        return "mapping"
    if kind in ("integer", "number"):
        return _bounded(str(kind), node)
    return str(kind or "any")


def _bounded(kind: str, node: JsonObject) -> str:
    low, low_open = _bound(node, "minimum", "exclusiveMinimum")
    high, high_open = _bound(node, "maximum", "exclusiveMaximum")
    if low is not None and high is not None:
        return f"{kind} in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    if low is not None:
        return f"{kind} {'>' if low_open else '≥'} {low}"
    if high is not None:
        return f"{kind} {'<' if high_open else '≤'} {high}"
    return kind


def _bound(node: JsonObject, closed: str, open_: str) -> tuple[object, bool]:
    if closed in node:
        return node[closed], False
    return node.get(open_), open_ in node


def _default(prop: JsonObject, required: bool) -> str:
    description = str(prop.get("description", ""))
    if PRESET_MARK in description:
        return description.split(PRESET_MARK, 1)[1].rstrip(".").replace("; ", " · ")
    if "default" in prop:
        return f"`{json.dumps(prop['default'])}`"
    return "required" if required else ""


def _description(prop: JsonObject) -> str:
    return str(prop.get("description", "")).split(PRESET_MARK, 1)[0].strip()


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")
