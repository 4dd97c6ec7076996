"""Target models to decompose: built-in toys and LM, Hugging Face models, user modules."""

from paramlens.targets.builtins import BUILTINS
from paramlens.targets.mechanisms import FeatureMechanisms
from paramlens.targets.registry import (
    BuiltinTarget,
    CustomTarget,
    HFTarget,
    LoadedTarget,
    TargetSpec,
    TrainedTarget,
    load_target,
    train_target,
)

__all__ = [
    "BUILTINS",
    "BuiltinTarget",
    "CustomTarget",
    "FeatureMechanisms",
    "HFTarget",
    "LoadedTarget",
    "TargetSpec",
    "TrainedTarget",
    "load_target",
    "train_target",
]
