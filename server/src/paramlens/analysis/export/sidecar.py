"""`model.onnx.json`: what the C axis of an exported model holds, and how to feed it
(docs/formats.md)."""

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from paramlens.analysis.inputs import InputKind
from paramlens.runs.atomic import atomic_write_json

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"


class SidecarModule(BaseModel):
    path: str
    C: int
    offset: int  # first column of this module on the C_total axis


class OnnxSidecar(BaseModel):
    format_version: Literal[1] = 1
    run_id: str
    weights_step: int
    input_kind: InputKind
    modules: list[SidecarModule]  # sorted module-path order, as on the C_total axis
    C_total: int
    vocab_size: int | None = None  # language models only
    n_features: int | None = None  # toy targets only
    max_seq_len: int | None = None  # longest sequence the target takes; None: not known
    opset: int
    tokenizer: str | None  # tokenizer.json relative to the model's folder; None for toys

    def to_json(self) -> dict[str, Any]:
        """The file's object: `vocab_size` for language models, `n_features` for toys."""
        data = self.model_dump()
        data.pop("n_features" if self.input_kind == "tokens" else "vocab_size")
        return data


def sidecar_path(model_path: Path) -> Path:
    """`model.onnx` -> `model.onnx.json`."""
    return model_path.with_name(model_path.name + ".json")


def write_sidecar(model_path: Path, sidecar: OnnxSidecar) -> Path:
    path = sidecar_path(model_path)
    atomic_write_json(path, sidecar.to_json())
    return path


def read_sidecar(model_path: Path) -> OnnxSidecar:
    """The sidecar of `model_path`; ValueError saying what is missing or malformed."""
    path = sidecar_path(model_path)
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: run `paramlens export-onnx` on the run first")
    try:
        return OnnxSidecar.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, ValidationError) as error:
        raise ValueError(f"{path} is not a valid model.onnx sidecar: {error}") from None
