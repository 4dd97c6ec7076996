"""What an exported model takes: the shape facts of a run, and random inputs of any size."""

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from paramlens.analysis.export.masked_forward import ModuleSlice, module_slices
from paramlens.analysis.inputs import InputKind
from paramlens.core.loaded_run import LoadedRun

# Attributes that hold a target's longest sequence: the built-in Llama's config, then GPT-2's
# and Llama's Hugging Face configs.
_SEQUENCE_LIMITS = ("max_seq_len", "n_positions", "max_position_embeddings")


@dataclass(frozen=True)
class Feeds:
    """One batch for MaskedForward / model.onnx, as NumPy arrays."""

    inputs: npt.NDArray[np.generic]  # int64 ids (B, T) or float32 features (B, n_features)
    component_mask: npt.NDArray[np.float32]  # (B, T, C_total) or (B, C_total)
    delta_mask: npt.NDArray[np.float32]  # (B, T, n_modules) or (B, n_modules)


@dataclass(frozen=True)
class ModelShape:
    input_kind: InputKind
    n_inputs: int  # vocabulary size (token runs) or n_features (toys)
    max_seq_len: int | None  # None for toys, and for targets that do not say
    modules: list[ModuleSlice]

    @property
    def C_total(self) -> int:
        return sum(module.C for module in self.modules)

    def leading(self, batch: int, length: int) -> tuple[int, ...]:
        """The leading axes of the masks: (B, T) for tokens, (B,) for features."""
        return (batch, length) if self.input_kind == "tokens" else (batch,)


def model_shape(run: LoadedRun) -> ModelShape:
    d = run.decomposition
    modules = module_slices(d.model)
    if d.target.kind == "toy":
        n_features = int(d.batches.eval[0].shape[-1])
        return ModelShape("features", n_features, None, modules)
    # Token 0 exists in every vocabulary; the logits' width is the vocabulary the model reads.
    with torch.no_grad():
        logits = d.target.forward(torch.zeros((1, 1), dtype=torch.long, device=d.device))
    return ModelShape("tokens", int(logits.shape[-1]), sequence_limit(d.target.model), modules)


def sequence_limit(model: nn.Module) -> int | None:
    """The longest sequence the target takes, when its config says so."""
    config = getattr(model, "config", None)
    for name in _SEQUENCE_LIMITS:
        value = getattr(config, name, None)
        if isinstance(value, int) and value > 0:
            return value
    return None


def random_feeds(shape: ModelShape, batch: int, length: int, seed: int) -> Feeds:
    """Random inputs (uniform ids, sparse uniform features) and masks uniform in [0, 1].

    `length` is the number of tokens; ignored for features."""
    rng = np.random.default_rng(seed)
    leading = shape.leading(batch, length)
    inputs: npt.NDArray[np.generic]
    if shape.input_kind == "tokens":
        inputs = rng.integers(0, shape.n_inputs, size=(batch, length), dtype=np.int64)
    else:
        active = rng.random((batch, shape.n_inputs)) < 0.3
        inputs = (rng.random((batch, shape.n_inputs)) * active).astype(np.float32)
    return Feeds(
        inputs,
        rng.random((*leading, shape.C_total), dtype=np.float32),
        rng.random((*leading, len(shape.modules)), dtype=np.float32),
    )


def runner_inputs(feeds: Feeds, names: tuple[str, str, str]) -> dict[str, dict[str, object]]:
    """The feeds as the JSON that test/support/onnxRun.ts (onnxruntime-node) reads."""
    arrays = (feeds.inputs, feeds.component_mask, feeds.delta_mask)
    return {
        name: {
            "type": "int64" if array.dtype == np.int64 else "float32",
            "dims": list(array.shape),
            "data": array.ravel().tolist(),
        }
        for name, array in zip(names, arrays, strict=True)
    }
