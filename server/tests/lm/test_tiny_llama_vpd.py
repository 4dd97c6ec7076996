"""Acceptance on a language model: `examples/tiny_llama.decomp.yaml` as shipped (the VPD
preset with sizes shrunk for a CPU) run through the real `decompose` and `eval` commands.
The run is the session's `tiny_llama_run_dir`, which the analysis tests share."""

import json
from pathlib import Path

import pytest
import yaml

from paramlens.cli import main

from .runs import EXAMPLES, manifest

CONFIG = EXAMPLES / "tiny_llama.decomp.yaml"
MATRICES = ("attn.q_proj", "attn.k_proj", "attn.v_proj", "attn.o_proj", "mlp.c_fc", "mlp.down_proj")


@pytest.mark.slow
@pytest.mark.usefixtures("one_thread")
def test_tiny_llama_vpd_run_is_faithful_sparse_and_covers_attention(
    tiny_llama_run_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_dir = tiny_llama_run_dir
    capsys.readouterr()
    assert main(["eval", str(run_dir), "--json"]) == 0
    report = json.loads(capsys.readouterr().out.splitlines()[-1])

    run = manifest(run_dir)
    steps = yaml.safe_load(CONFIG.read_text())["training"]["steps"]
    assert (run["status"], run["step"], report["step"]) == ("done", steps, steps)
    # The paper's method, not a simplification of it.
    config = run["config"]
    assert config["method"] == "vpd"
    assert config["ci_function"]["type"] == "global_transformer"
    losses = config["losses"]
    assert losses["ppgd_recon"] is not None and losses["ppgd_recon"]["routing"] == "all"
    assert losses["stochastic_recon"]["routing"] == "uniform_k_subset"
    assert losses["faithfulness"] is not None
    minimality = losses["importance_minimality"]
    assert minimality["p_final"] < minimality["p_start"] and minimality["beta"] > 0
    assert config["adversary"]["persistent"]["scope"] == "per_batch_per_position"

    # Every attention and MLP matrix of both blocks is decomposed.
    expected = {f"h.{block}.{matrix}" for block in range(2) for matrix in MATRICES}
    assert {m["path"] for m in run["modules"]} == expected
    assert set(report["l0"]) == set(report["alive"]) == expected

    # Faithful: the subcomponents alone (no Δ, every mask 1) give the target's predictions.
    assert report["kl_unmasked"] < 0.01
    # Stochastic masks cost little next-token loss, against the target's own CE.
    assert report["ce_stoch_masked"] - report["ce_target"] < 0.3
    assert report["ce_difference_stoch_masked"] < 0.3
    # Far fewer subcomponents are causally important at a position than are alive.
    assert report["alive_total"] > 0
    assert report["l0_total"] < 0.25 * report["alive_total"]
    for path in expected:
        assert report["l0"][path] < report["alive"][path], path
    # Ablating everything is far worse than any of the above, so the bars are not trivial.
    assert report["ce_difference_zero_masked"] > 10 * report["ce_difference_stoch_masked"]
    # The fresh PGD adversary's KL is measured (not required to be small this early).
    assert report["pgd_kl"] >= 0
