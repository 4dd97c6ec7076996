"""A whole small run: the run directory's files and what run.json, metrics.jsonl,
checkpoints and components.safetensors hold (docs/formats.md)."""

import json
import re
from pathlib import Path
from typing import Any

import pytest
import torch

from paramlens.config import load_config
from paramlens.evaluate import MASK_KINDS
from paramlens.runs import RunPaths, load_components, read_manifest, read_metrics
from paramlens.runs.tensor_files import load_tensors
from paramlens.train.run import RunOptions, create_run, execute_run

from .conftest import SPD_SMALL, write_config


@pytest.fixture
def finished_run(tmp_path: Path, quick_cache: Path) -> Path:
    config_path = write_config(tmp_path, SPD_SMALL)
    run_dir = create_run(config_path, load_config(config_path))
    execute_run(run_dir, RunOptions(progress=False))
    return run_dir


def test_a_new_run_is_queued_under_runs_beside_the_config(tmp_path: Path) -> None:
    config_path = write_config(tmp_path, SPD_SMALL, name="tms")
    run_dir = create_run(config_path, load_config(config_path))

    assert run_dir.parent == tmp_path / "runs"
    assert re.fullmatch(r"tms-\d{8}-\d{6}-[0-9a-f]{4}", run_dir.name)
    assert sorted(p.name for p in run_dir.iterdir()) == ["config.yaml", "run.json"]
    assert (run_dir / "config.yaml").read_bytes() == config_path.read_bytes()
    manifest = read_manifest(run_dir)
    assert (manifest.status, manifest.step, manifest.total_steps) == ("queued", 0, 60)
    assert manifest.run_id == run_dir.name


def test_an_existing_run_directory_is_never_reused(tmp_path: Path) -> None:
    config_path = write_config(tmp_path, SPD_SMALL)
    run_dir = create_run(config_path, load_config(config_path), tmp_path / "out")

    with pytest.raises(FileExistsError, match="--resume"):
        create_run(config_path, load_config(config_path), run_dir)


def test_run_json_describes_the_finished_run(finished_run: Path) -> None:
    data = json.loads((finished_run / "run.json").read_text())

    assert data["format_version"] == 1
    assert data["run_id"] == finished_run.name
    assert (data["status"], data["step"], data["total_steps"]) == ("done", 60, 60)
    assert data["error"] is None
    assert data["device"] == "cpu"
    assert data["created"] <= data["updated"]
    assert data["config"]["training"]["steps"] == 60
    assert data["config"]["ci_function"] == {"type": "mlp", "hidden_dims": [8]}
    assert data["target"]["name"] == "tms_5-2" and data["target"]["source"] == "builtin"
    assert data["modules"] == [
        {"path": "linear1", "kind": "linear", "d_in": 5, "d_out": 2, "C": 8},
        {"path": "linear2", "kind": "linear", "d_in": 2, "d_out": 5, "C": 8},
    ]
    assert data["total_C"] == 16
    assert data["summary"]["train"]["step"] == 60
    assert data["summary"]["eval"]["step"] == 60
    assert "faithfulness_warmup_loss" in data["summary"]
    assert data["files"] == [
        "checkpoints/step-30.safetensors",
        "checkpoints/step-60.safetensors",
        "components.safetensors",
        "config.yaml",
        "metrics.jsonl",
        "modules.json",
        "run.json",
    ]


def test_metric_lines_follow_the_logging_cadence(finished_run: Path) -> None:
    records = read_metrics(finished_run / "metrics.jsonl")

    assert [r["step"] for r in records] == [1, 10, 20, 30, 40, 50, 60]
    assert [r["step"] for r in records if "eval" in r] == [30, 60]
    first = records[0]
    assert set(first["loss"]) == {
        "faithfulness",
        "importance_minimality",
        "stochastic_recon",
        "stochastic_recon_layerwise",
        "total",
    }
    assert set(first["l0"]) == {"linear1", "linear2"}
    assert first["l0_total"] == pytest.approx(sum(first["l0"].values()))
    assert {"lr", "p", "it_per_s", "elapsed_s"} <= set(first)
    evaluation = records[-1]["eval"]
    assert {f"mse_{kind}" for kind in MASK_KINDS} | {"pgd_mse", "mmcs", "alive_per_feature"} <= set(
        evaluation
    )


def test_components_file_holds_U_V_and_the_ci_function(finished_run: Path) -> None:
    components = load_components(finished_run / "components.safetensors")

    assert (components.run_id, components.step) == (finished_run.name, 60)
    assert components.V["linear1"].shape == (5, 8) and components.U["linear1"].shape == (8, 2)
    assert components.V["linear2"].shape == (2, 8) and components.U["linear2"].shape == (8, 5)
    assert components.ci_function == {"type": "mlp", "hidden_dims": [8]}
    assert components.ci_fn and all(name.startswith("mlps.") for name in components.ci_fn)
    final, _ = load_tensors(RunPaths(finished_run).checkpoint(60))
    assert torch.equal(final["components.linear1.V"], components.V["linear1"])


def test_checkpoints_hold_every_piece_of_training_state(finished_run: Path) -> None:
    tensors, metadata = load_tensors(RunPaths(finished_run).checkpoint(30))

    assert metadata["step"] == "30" and int(tensors["step"]) == 30
    prefixes = {name.split(".")[0] for name in tensors}
    assert prefixes == {"components", "ci_fn", "optimizer", "rng", "step"}
    assert tensors["rng.torch_cpu"].dtype == torch.uint8
    assert tensors["rng.masks"].dtype == torch.uint8
    assert {name.rsplit(".", 1)[1] for name in tensors if name.startswith("optimizer.")} == {
        "step",
        "exp_avg",
        "exp_avg_sq",
    }


def test_each_metric_line_is_on_disk_when_it_is_reported(tmp_path: Path, quick_cache: Path) -> None:
    config_path = write_config(tmp_path, SPD_SMALL)
    run_dir = create_run(config_path, load_config(config_path))
    seen: list[int] = []

    def check(record: dict[str, Any]) -> None:
        on_disk = read_metrics(run_dir / "metrics.jsonl")
        assert on_disk[-1]["step"] == record["step"]
        assert read_manifest(run_dir).step == record["step"]
        seen.append(record["step"])

    execute_run(run_dir, RunOptions(progress=False, on_metrics=check))

    assert seen == [1, 10, 20, 30, 40, 50, 60]
