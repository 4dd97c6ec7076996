"""From a config's `target` section to what `paramlens.targets.load_target` takes."""

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from torch import Tensor

from paramlens.config import DecompositionConfig
from paramlens.targets import BuiltinTarget, CustomTarget, HFTarget, TargetSpec
from paramlens.targets.custom import select_output


def target_spec(config: DecompositionConfig, base_dir: Path) -> TargetSpec:
    """The target `config` names; its relative paths start at `base_dir` (the config's folder).

    Built-ins are the ones trained with seed 0 (the config's seed drives the decomposition,
    not the target). A custom target reading synthetic data is a toy, else a language model.
    """
    target = config.target
    if target.builtin is not None:
        return BuiltinTarget(target.builtin)
    if target.huggingface is not None:
        return HFTarget(base_dir / target.huggingface.path)
    custom = target.custom
    assert custom is not None, "a validated Target has exactly one source"
    return CustomTarget(
        class_path=custom.class_path,
        weights=base_dir / custom.weights,
        kwargs=custom.kwargs,
        kind="toy" if config.data.kind == "synthetic" else "lm",
        output_attr=custom.output_attr,
        search_path=(base_dir,),
    )


def output_selector(config: DecompositionConfig) -> Callable[[Any], Tensor] | None:
    """How to get the output tensor from the target's raw output; None when it is one."""
    target = config.target
    if target.huggingface is not None:
        return partial(select_output, output_attr=target.huggingface.output_attr)
    if target.custom is not None:
        return partial(select_output, output_attr=target.custom.output_attr)
    return None
