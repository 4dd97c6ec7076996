"""load_target for built-ins: first use trains and caches, later uses read the cache."""

import dataclasses
import json
from pathlib import Path
from typing import get_args

import pytest
import torch

from paramlens.config.sections.target import BuiltinTargetName
from paramlens.data.text import TextDataConfig
from paramlens.targets import BUILTINS, BuiltinTarget, load_target, registry, train_target
from paramlens.targets.builtins import seeded_model
from paramlens.targets.cache import builtin_dir, save_target
from paramlens.targets.llama import Llama
from paramlens.targets.tms import TMS


@pytest.fixture
def short_training(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make training on first use quick, and record which built-ins were trained."""
    trained: list[str] = []
    real = registry.train_target

    def quick(name: str, out_dir: Path | None, seed: int, progress: bool) -> registry.TrainedTarget:
        trained.append(name)
        return real(name, out_dir, seed, progress=False, steps=30)

    monkeypatch.setattr(registry, "train_target", quick)
    return trained


def test_first_use_trains_then_the_cache_is_used(tmp_path: Path, short_training: list[str]) -> None:
    spec = BuiltinTarget("tms_5-2", seed=3, cache_root=tmp_path)

    first = load_target(spec)
    second = load_target(spec)

    assert short_training == ["tms_5-2"]
    directory = builtin_dir("tms_5-2", 3, tmp_path)
    record = json.loads((directory / "target.json").read_text())
    assert (record["name"], record["seed"], record["recipe"]["steps"]) == ("tms_5-2", 3, 30)
    assert set(record["metrics"]) == {"final_loss"}
    assert isinstance(first.model, TMS) and isinstance(second.model, TMS)
    assert torch.equal(first.model.linear1.weight, second.model.linear1.weight)
    assert (second.kind, second.output_loss) == ("toy", "mse")
    assert not second.model.training
    assert not any(p.requires_grad for p in second.model.parameters())
    assert second.ground_truth is not None and set(second.ground_truth) == {"linear1", "linear2"}
    assert second.description["path"] == str(directory)


def test_a_cache_for_another_architecture_is_retrained(
    tmp_path: Path, short_training: list[str]
) -> None:
    directory = builtin_dir("tms_5-2", 0, tmp_path)
    train_target("tms_5-2-id", out_dir=directory, progress=False, steps=5)

    target = load_target(BuiltinTarget("tms_5-2", cache_root=tmp_path))

    assert short_training == ["tms_5-2"]
    assert isinstance(target.model, TMS) and len(target.model.hidden_layers) == 0


def test_training_is_deterministic_given_the_seed(tmp_path: Path) -> None:
    a = train_target("resid_mlp_2", out_dir=tmp_path / "a", seed=1, progress=False, steps=3)
    b = train_target("resid_mlp_2", out_dir=tmp_path / "b", seed=1, progress=False, steps=3)
    c = train_target("resid_mlp_2", out_dir=tmp_path / "c", seed=2, progress=False, steps=3)

    model_bytes = [(t.directory / "model.safetensors").read_bytes() for t in (a, b, c)]
    assert model_bytes[0] == model_bytes[1]
    assert model_bytes[0] != model_bytes[2]
    assert a.metrics == b.metrics


def test_tiny_llama_is_an_lm_on_the_bundled_corpus(tmp_path: Path) -> None:
    # An untrained model in the cache: loading, not training, is under test here.
    builtin = BUILTINS["tiny_llama"]
    record = {
        "name": "tiny_llama",
        "seed": 0,
        "arch": dataclasses.asdict(builtin.arch),
        "recipe": dataclasses.asdict(builtin.recipe),
        "metrics": {},
    }
    save_target(builtin_dir("tiny_llama", 0, tmp_path), seeded_model(builtin.arch, 0), record)

    target = load_target(BuiltinTarget("tiny_llama", cache_root=tmp_path))

    assert isinstance(target.model, Llama)
    assert (target.kind, target.output_loss, target.ground_truth) == ("lm", "kl", None)
    assert isinstance(target.data, TextDataConfig)
    assert [f.name for f in target.data.files] == ["kjv.txt", "devils_dictionary.txt"]
    assert target.forward(torch.zeros(1, 8, dtype=torch.long)).shape == (1, 8, 4096)
    assert target.model.lm_head.weight is target.model.wte.weight, "the tie survives loading"


def test_every_builtin_builds_and_unknown_names_fail() -> None:
    # The config's list of names and the registry must agree, both ways.
    assert set(BUILTINS) == set(get_args(BuiltinTargetName))
    with pytest.raises(KeyError, match="unknown built-in target 'tms_3-1'"):
        load_target(BuiltinTarget("tms_3-1"))
