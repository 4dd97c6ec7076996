"""VPD on a tiny Hugging Face GPT-2 (random weights, saved locally): its fused Conv1D
projections are decomposed through the real `decompose` command, and the subcomponents
converge onto the target's weights. Nothing touches the network."""

import socket
from pathlib import Path

import pytest
import yaml

from paramlens.data.bundled import VOCAB_SIZE
from paramlens.targets.hf import save_tiny_gpt2

from .runs import BUNDLED_DATA, EXAMPLES, decompose_and_evaluate, manifest, metric_lines

STEPS = 200
CONV1D_MODULES = {
    # path: (d_in, d_out) in the nn.Linear convention
    **{f"transformer.h.{i}.attn.c_attn": (64, 192) for i in range(2)},
    **{f"transformer.h.{i}.attn.c_proj": (64, 64) for i in range(2)},
    **{f"transformer.h.{i}.mlp.c_fc": (64, 256) for i in range(2)},
    **{f"transformer.h.{i}.mlp.c_proj": (256, 64) for i in range(2)},
}


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def example_config_in(directory: Path) -> Path:
    """The example config, copied beside a `models/` folder, reading the bundled data."""
    config = yaml.safe_load((EXAMPLES / "tiny_gpt2.decomp.yaml").read_text())
    assert config["target"]["huggingface"]["path"] == "./models/tiny-gpt2"
    config["data"]["text"]["train"] = [str(BUNDLED_DATA / "*.txt")]
    config["data"]["text"]["tokenizer"] = str(BUNDLED_DATA / "tokenizer.json")
    path = directory / "tiny_gpt2.decomp.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.mark.slow
@pytest.mark.usefixtures("no_network", "one_thread")
def test_tiny_gpt2_conv1d_projections_decompose_faithfully(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    save_tiny_gpt2(tmp_path / "models" / "tiny-gpt2", vocab_size=VOCAB_SIZE, seed=0)
    config = example_config_in(tmp_path)
    run_dir = tmp_path / "run"

    report = decompose_and_evaluate(config, run_dir, capsys, "--steps", str(STEPS))

    run = manifest(run_dir)
    assert run["status"] == "done"
    modules = {m["path"]: m for m in run["modules"]}
    assert set(modules) == set(CONV1D_MODULES)
    for path, (d_in, d_out) in CONV1D_MODULES.items():
        assert (modules[path]["kind"], modules[path]["d_in"], modules[path]["d_out"]) == (
            "conv1d",
            d_in,
            d_out,
        ), path
    lines = metric_lines(run_dir)
    faithfulness = [line["loss"]["faithfulness"] for line in lines if "loss" in line]
    # Δ-L2 keeps falling through the main loop, by more than two orders of magnitude.
    assert faithfulness[-1] < faithfulness[0] / 100
    assert faithfulness[-1] < 1e-6
    # Without Δ the subcomponents alone reproduce the target's next-token distribution.
    assert report["step"] == STEPS
    assert report["kl_unmasked"] < 1e-4
    # The random target is nearly uniform, so compare with ablating everything as well.
    assert report["kl_unmasked"] < report["kl_zero_masked"] / 100
    assert abs(report["ce_difference_unmasked"]) < 1e-3
    assert report["pgd_kl"] >= 0
