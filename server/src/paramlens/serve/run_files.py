"""The run directory's files, described beside the API in the server's OpenAPI document.

The editor reads these files (or gets them through the API), so their shapes are a contract
like the API's: each is described here by the model the Python side writes it with, and the
TypeScript types are generated from the document (`npm run gen:contracts`). Nothing else
describes them, on either side.
"""

from typing import Any

from pydantic import TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from paramlens.analysis.export.sidecar import OnnxSidecar
from paramlens.analysis.graphs.graph_file import AttributionGraph
from paramlens.runs.manifest import Manifest
from paramlens.runs.metrics_log import MetricsLine
from paramlens.serve.events import RunEvent

_REF = "#/components/schemas/{model}"


class _AbsentWhenNone(GenerateJsonSchema):
    """For files written with `exclude_none`: a field whose value is None is left out, never
    null, and every other field is always written (so a default does not make it optional)."""

    def nullable_schema(self, schema: core_schema.NullableSchema) -> JsonSchemaValue:
        return self.generate_inner(schema["schema"])

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        generated = super().model_schema(schema)
        properties = generated.get("properties", {})
        for field in properties.values():
            if field.get("default", ...) is None:
                del field["default"]
        generated["required"] = [
            name
            for name, info in schema["cls"].model_fields.items()
            if info.is_required() or info.default is not None
        ]
        return generated


def _manifest_schema() -> dict[str, Any]:
    """run.json: every field is written (a missing value as null), plus the derived total_C."""
    schema = TypeAdapter(Manifest).json_schema(ref_template=_REF, mode="serialization")
    schema["properties"]["total_C"] = {
        "type": "integer",
        "description": "Sum of C over `modules`.",
    }
    schema["required"] = list(schema["properties"])
    schema["description"] = "run.json: the manifest of a run directory (docs/formats.md)."
    return schema


def _sidecar_schema() -> dict[str, Any]:
    """model.onnx.json: every field is written, save the other input kind's size."""
    schema = _schema(TypeAdapter(OnnxSidecar), GenerateJsonSchema)
    optional = {"vocab_size", "n_features"}
    schema["required"] = [name for name in schema["properties"] if name not in optional]
    return schema


def _schema(adapter: TypeAdapter[Any], generator: type[GenerateJsonSchema]) -> dict[str, Any]:
    schema: dict[str, Any] = adapter.json_schema(
        ref_template=_REF, mode="serialization", schema_generator=generator
    )
    return schema


def run_file_schemas() -> dict[str, Any]:
    """Component schemas, by name, of every run-directory file the editor reads."""
    files: dict[str, dict[str, Any]] = {
        "RunManifest": _manifest_schema(),
        "MetricsLine": _schema(TypeAdapter(MetricsLine), GenerateJsonSchema),
        "RunEvent": _schema(TypeAdapter(RunEvent), GenerateJsonSchema),
        "OnnxSidecar": _sidecar_schema(),
        "AttributionGraph": _schema(TypeAdapter(AttributionGraph), _AbsentWhenNone),
    }
    schemas: dict[str, Any] = {}
    for name, schema in files.items():
        for nested, definition in schema.pop("$defs", {}).items():
            _add(schemas, nested, definition)
        _add(schemas, name, schema)
    return schemas


def _add(schemas: dict[str, Any], name: str, schema: dict[str, Any]) -> None:
    if name in schemas and schemas[name] != schema:
        raise ValueError(f"two run-file models are both named {name!r}; rename one")
    schemas[name] = schema


def add_run_file_schemas(document: dict[str, Any]) -> None:
    """Add the run-file schemas to an OpenAPI document's components (in place)."""
    components = document.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in run_file_schemas().items():
        if name in components and components[name] != schema:
            raise ValueError(f"run-file schema {name!r} clashes with an API schema of that name")
        components[name] = schema
