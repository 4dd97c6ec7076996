"""The target module types that can be decomposed, and their weights in one convention.

Every supported module is a linear map y = x Wᵀ + b with W: [d_out, d_in] (nn.Linear convention):
- nn.Linear stores W as is;
- Hugging Face Conv1D stores Wᵀ ([d_in, d_out]);
- nn.Embedding is the linear map of a one-hot token vector, W = weightᵀ ([d_model, vocab]), no bias.
"""

import sys
from dataclasses import dataclass
from typing import Literal

from torch import Tensor, nn

ModuleKind = Literal["linear", "conv1d", "embedding"]


def _hf_conv1d_class() -> type[nn.Module] | None:
    # A model that contains a Conv1D has already imported transformers, so looking it up in
    # sys.modules finds it without making transformers a dependency of this package's import.
    pytorch_utils = sys.modules.get("transformers.pytorch_utils")
    conv1d = getattr(pytorch_utils, "Conv1D", None)
    return conv1d if isinstance(conv1d, type) and issubclass(conv1d, nn.Module) else None


def module_kind(module: nn.Module) -> ModuleKind | None:
    """The kind of a decomposable module, or None when its type is not supported."""
    if isinstance(module, nn.Linear):
        return "linear"
    if isinstance(module, nn.Embedding):
        return "embedding"
    conv1d = _hf_conv1d_class()
    if conv1d is not None and isinstance(module, conv1d):
        return "conv1d"
    return None


def _require_kind(module: nn.Module) -> ModuleKind:
    kind = module_kind(module)
    if kind is None:
        raise TypeError(
            f"cannot decompose a {type(module).__module__}.{type(module).__qualname__}; "
            "supported: torch.nn.Linear, torch.nn.Embedding, transformers Conv1D"
        )
    return kind


def linear_weight(module: nn.Module) -> Tensor:
    """The module's weight as W: [d_out, d_in] in nn.Linear convention (a view, not a copy)."""
    kind = _require_kind(module)
    weight = module.weight
    assert isinstance(weight, Tensor)
    return weight if kind == "linear" else weight.T


def linear_bias(module: nn.Module) -> Tensor | None:
    """The module's bias [d_out], or None (embeddings and bias-free layers)."""
    if _require_kind(module) == "embedding":
        return None
    bias = module.bias
    assert bias is None or isinstance(bias, Tensor)
    return bias


def check_decomposable(module: nn.Module, path: str) -> ModuleKind:
    """The module's kind; raises when the module cannot be decomposed as a frozen linear map."""
    try:
        kind = _require_kind(module)
    except TypeError as error:
        raise TypeError(f"module {path!r}: {error}") from None
    if isinstance(module, nn.Embedding) and module.max_norm is not None:
        # max_norm renormalises the weight in place during forward, so W is not fixed.
        raise ValueError(f"module {path!r}: nn.Embedding with max_norm is not supported")
    return kind


@dataclass(frozen=True)
class DecomposedModule:
    """Shape facts about one decomposed module; for an embedding, d_in is the vocabulary size."""

    path: str
    kind: ModuleKind
    d_in: int
    d_out: int
    C: int


def describe_module(path: str, module: nn.Module, C: int) -> DecomposedModule:
    """The decomposed-module description of `module` (checked to be decomposable)."""
    kind = check_decomposable(module, path)
    d_out, d_in = linear_weight(module).shape
    return DecomposedModule(path=path, kind=kind, d_in=d_in, d_out=d_out, C=C)


def module_dict_key(path: str) -> str:
    """The key of a module path in an nn.ModuleDict, whose keys cannot contain '.'."""
    return path.replace(".", "-")
