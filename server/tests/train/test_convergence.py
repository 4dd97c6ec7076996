"""The SPD paper's toy models decompose into their known mechanisms (minutes on a CPU).

Each test trains from an example config (with the overrides shown, to fit a CPU budget) and
uses the built-in target from the user's cache, training it there first if needed.
"""

from pathlib import Path
from typing import Any

import pytest
import yaml

from paramlens.config import load_config
from paramlens.train.run import RunOptions, create_run, execute_run

from .conftest import write_config

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


def _evaluate_example(
    tmp_path: Path, example: str, overrides: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Train the example config with `overrides` (dotted keys) and return its final eval."""
    config = yaml.safe_load((EXAMPLES / example).read_text())
    for dotted, value in (overrides or {}).items():
        *parents, key = dotted.split(".")
        node = config
        for parent in parents:
            node = node.setdefault(parent, {})
        node[key] = value
    path = write_config(tmp_path, config, name=example.split(".")[0])
    run_dir = create_run(path, load_config(path), tmp_path / "run")
    manifest = execute_run(run_dir, RunOptions(progress=False))
    assert manifest.status == "done"
    evaluation: dict[str, Any] = manifest.summary["eval"]
    return evaluation


@pytest.mark.slow
def test_tms_5_2_finds_one_subcomponent_per_feature(tmp_path: Path) -> None:
    evaluation = _evaluate_example(tmp_path, "tms_5-2.decomp.yaml")

    assert evaluation["mmcs"] >= 0.99
    assert evaluation["mmcs_alive"] >= 0.99
    _assert_one_subcomponent_per_feature(evaluation, 5)


@pytest.mark.slow
@pytest.mark.timeout(1800)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_tms_40_10_finds_one_subcomponent_per_feature(tmp_path: Path, seed: int) -> None:
    # Seeds change the components' initialisation, the CI function and every mask, so three
    # of them show that the recipe is not balanced on one lucky trajectory.
    evaluation = _evaluate_example(tmp_path, "tms_40-10.decomp.yaml", {"seed": seed})

    assert evaluation["mmcs"] >= 0.98
    assert evaluation["mmcs_alive"] >= 0.98
    _assert_one_subcomponent_per_feature(evaluation, 40)


def _assert_one_subcomponent_per_feature(evaluation: dict[str, Any], n_features: int) -> None:
    """Each feature alone makes exactly one subcomponent important in each matrix, one that
    no other feature uses; with mmcs, that one is the feature's own mechanism. (The count of
    alive subcomponents, mean CI above 1e-6, is not asserted: a dead subcomponent whose CI
    function misfires on one eval input in ten thousand can sit right at that cutoff.)"""
    modules = ["linear1", "linear2"]
    assert evaluation["important_per_feature"] == dict.fromkeys(modules, [1] * n_features)
    assert evaluation["dedicated_features"] == dict.fromkeys(modules, n_features)


@pytest.mark.slow
def test_resid_mlp_1_gives_every_input_feature_its_own_subcomponent(tmp_path: Path) -> None:
    # The reference recipe is 30000 steps of 2048 samples; a smaller batch at a higher learning
    # rate gets the mlp_in decomposition within a CPU budget (2500 steps left 94-98 features
    # dedicated depending on float rounding; 4000 is past that edge).
    overrides = {"training.steps": 4000, "training.batch_size": 256, "training.lr": 4e-3}
    evaluation = _evaluate_example(tmp_path, "resid_mlp_1.decomp.yaml", overrides)

    # Fed alone, each feature makes important subcomponents of mlp_in that no other feature
    # does. mlp_out is not expected to split by feature: its 50 neurons each serve several.
    assert evaluation["n_features"] == 100
    assert evaluation["dedicated_features"]["layers.0.mlp_in"] >= 95
    assert evaluation["alive_per_feature"]["layers.0.mlp_in"] == [1] * 100
