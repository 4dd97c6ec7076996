"""A user's own `torch.nn.Module`, named as "package.module:ClassName", with safetensors weights."""

import importlib
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from torch import Tensor, nn

from paramlens.targets.cache import load_weights

CLASS_PATH = re.compile(r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")
INDEX_ATTR = re.compile(r"^idx_(\d+)$")


def import_class(class_path: str, search_path: Sequence[Path] = ()) -> type[nn.Module]:
    """Import the class named by "package.module:ClassName".

    Directories in `search_path` are put at the front of `sys.path` first, so code next to
    a config file can be imported without installing it.
    """
    if not CLASS_PATH.match(class_path):
        raise ValueError(f"class path {class_path!r} must look like 'package.module:ClassName'")
    for directory in reversed(search_path):
        entry = str(directory.resolve())
        if entry not in sys.path:
            sys.path.insert(0, entry)
    module_name, class_name = class_path.split(":")
    module = importlib.import_module(module_name)
    cls = getattr(module, class_name, None)
    if not (isinstance(cls, type) and issubclass(cls, nn.Module)):
        raise TypeError(f"{class_path} is not a torch.nn.Module subclass")
    return cls


def load_custom_model(
    class_path: str, weights: Path, kwargs: Mapping[str, Any], search_path: Sequence[Path] = ()
) -> nn.Module:
    """Instantiate the class with `kwargs` and load `weights` (safetensors) into it."""
    if weights.suffix != ".safetensors":
        raise ValueError(
            f"{weights}: weights must be a .safetensors file (pickled checkpoints are not loaded)"
        )
    model = import_class(class_path, search_path)(**kwargs)
    load_weights(model, weights)
    return model


def select_output(output: Any, output_attr: str | None) -> Tensor:
    """The tensor to decompose against from a model's output.

    `output_attr` follows the reference's `pretrained_model_output_attr`: None when the model
    returns a tensor, "idx_N" for element N of a tuple, or an attribute name (e.g. "logits").
    """
    if output_attr is not None:
        index = INDEX_ATTR.match(output_attr)
        output = output[int(index.group(1))] if index else getattr(output, output_attr)
    if not isinstance(output, Tensor):
        where = "model output" if output_attr is None else f"model output {output_attr!r}"
        raise TypeError(
            f"{where} is a {type(output).__name__}, not a tensor; "
            "set the output attribute (e.g. 'logits' or 'idx_0')"
        )
    return output
