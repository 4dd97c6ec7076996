"""One entry point for every kind of target: `load_target(spec)`.

A spec names a built-in (trained on first use and cached), a local Hugging Face model
directory, or the user's own module class with safetensors weights. The result is the
frozen model plus what a decomposition needs around it: how to run it, which loss compares
outputs, and where its data comes from.
"""

import dataclasses
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import torch
from filelock import FileLock
from torch import Tensor, nn

from paramlens import __version__
from paramlens.data.bundled import bundled_text_config
from paramlens.data.sparse_features import SparseFeatureTask
from paramlens.data.text import TextDataConfig
from paramlens.targets import resid_mlp, tms
from paramlens.targets.builtins import get_builtin, seeded_model, train_builtin, with_steps
from paramlens.targets.cache import MODEL_FILE, builtin_dir, load_weights, read_record, save_target
from paramlens.targets.custom import load_custom_model, select_output
from paramlens.targets.llama import Llama
from paramlens.targets.mechanisms import FeatureMechanisms
from paramlens.targets.resid_mlp import ResidMLP
from paramlens.targets.tms import TMS

log = logging.getLogger(__name__)

TargetKind = Literal["toy", "lm"]
OutputLoss = Literal["mse", "kl"]
TargetData = SparseFeatureTask | TextDataConfig


@dataclass(frozen=True)
class BuiltinTarget:
    name: str  # e.g. "tms_5-2", "resid_mlp_1", "tiny_llama"
    seed: int = 0
    cache_root: Path | None = None  # default: $PARAMLENS_CACHE or ~/.cache/paramlens


@dataclass(frozen=True)
class HFTarget:
    model_dir: Path  # a directory written by `save_pretrained`; never a Hub model id
    data: TextDataConfig | None = None


@dataclass(frozen=True)
class CustomTarget:
    class_path: str  # "package.module:ClassName"
    weights: Path  # .safetensors
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    kind: TargetKind = "lm"
    output_attr: str | None = None  # None, "idx_N" or an attribute name such as "logits"
    data: TargetData | None = None
    search_path: tuple[Path, ...] = ()  # directories to import the class from


TargetSpec = BuiltinTarget | HFTarget | CustomTarget


@dataclass(frozen=True)
class LoadedTarget:
    model: nn.Module  # eval mode, requires_grad off; its named_modules() are the decomposable paths
    kind: TargetKind
    output_loss: OutputLoss  # how decomposed and target outputs are compared
    forward: Callable[[Tensor], Tensor]  # inputs -> output tensor (toy outputs or logits [B, T, V])
    data: TargetData | None  # the input distribution, when the target defines one
    ground_truth: Mapping[str, FeatureMechanisms] | None  # known per-feature pieces (toys)
    description: Mapping[str, Any]  # JSON-ready, for the run manifest


@dataclass(frozen=True)
class TrainedTarget:
    directory: Path
    metrics: Mapping[str, float]  # final losses (MSE for toys, nats/token for LMs)
    seconds: float


def load_target(spec: TargetSpec, progress: bool = True) -> LoadedTarget:
    """Load the target `spec` describes, training and caching a built-in on first use."""
    if isinstance(spec, BuiltinTarget):
        target = _load_builtin(spec, progress)
    elif isinstance(spec, HFTarget):
        target = _load_hf(spec)
    else:
        target = _load_custom(spec)
    target.model.eval()
    target.model.requires_grad_(False)
    return target


def train_target(
    name: str,
    out_dir: Path | None = None,
    seed: int = 0,
    progress: bool = True,
    steps: int | None = None,
) -> TrainedTarget:
    """Train built-in `name` and save it to `out_dir` (default: its cache directory).

    `steps` overrides the recipe's step count; the directory's `target.json` records it.
    """
    builtin = get_builtin(name)
    if steps is not None:
        builtin = with_steps(builtin, steps)
    directory = builtin_dir(name, seed) if out_dir is None else out_dir
    start = time.perf_counter()
    model, metrics = train_builtin(builtin, seed, progress)
    seconds = time.perf_counter() - start
    record = {
        "name": name,
        "seed": seed,
        "arch": dataclasses.asdict(builtin.arch),
        "recipe": dataclasses.asdict(builtin.recipe),
        "metrics": metrics,
        "train_seconds": round(seconds, 2),
        "paramlens_version": __version__,
        "torch_version": torch.__version__,
    }
    save_target(directory, model, record)
    return TrainedTarget(directory=directory, metrics=metrics, seconds=seconds)


def _load_builtin(spec: BuiltinTarget, progress: bool) -> LoadedTarget:
    builtin = get_builtin(spec.name)
    directory = builtin_dir(spec.name, spec.seed, spec.cache_root)
    arch = dataclasses.asdict(builtin.arch)
    record = read_record(directory)
    if record is None or record.get("arch") != arch or record.get("seed") != spec.seed:
        # One process trains it; another that needs it meanwhile (a second run, a parallel test
        # worker) waits for that and reads the result instead of training it again.
        directory.mkdir(parents=True, exist_ok=True)
        with FileLock(directory.parent / f".{directory.name}.lock"):
            record = read_record(directory)
            if record is None or record.get("arch") != arch or record.get("seed") != spec.seed:
                log.info("training built-in %s (seed %d) into %s", spec.name, spec.seed, directory)
                train_target(spec.name, directory, spec.seed, progress)
                record = read_record(directory)
        assert record is not None, "train_target wrote no target.json"
    model = seeded_model(builtin.arch, spec.seed)
    load_weights(model, directory / MODEL_FILE)
    description = {
        "source": "builtin",
        "name": spec.name,
        "seed": spec.seed,
        "path": str(directory),
        "arch": arch,
        "recipe": record["recipe"],
        "metrics": record["metrics"],
    }
    if isinstance(model, Llama):
        data = bundled_text_config(model.config.max_seq_len)
        return LoadedTarget(model, "lm", "kl", model, data, None, description)
    if isinstance(model, TMS):
        task, truth = tms.task(model.config), tms.mechanisms(model)
    else:
        assert isinstance(model, ResidMLP)
        task, truth = resid_mlp.task(model.config), resid_mlp.mechanisms(model)
    return LoadedTarget(model, "toy", "mse", model, task, truth, description)


def _load_hf(spec: HFTarget) -> LoadedTarget:
    # transformers takes seconds to import; only Hugging Face targets pay for it.
    from paramlens.targets.hf import load_hf_model, logits_fn

    model = load_hf_model(spec.model_dir)
    description = {
        "source": "hf",
        "model_dir": str(spec.model_dir),
        "model_type": model.config.model_type,
    }
    return LoadedTarget(model, "lm", "kl", logits_fn(model), spec.data, None, description)


def _load_custom(spec: CustomTarget) -> LoadedTarget:
    model = load_custom_model(spec.class_path, spec.weights, spec.kwargs, spec.search_path)

    def forward(inputs: Tensor) -> Tensor:
        return select_output(model(inputs), spec.output_attr)

    description = {"source": "custom", "class_path": spec.class_path, "weights": str(spec.weights)}
    output_loss: OutputLoss = "kl" if spec.kind == "lm" else "mse"
    return LoadedTarget(model, spec.kind, output_loss, forward, spec.data, None, description)
