"""A language-model run (a user's module class on pre-tokenised data) and its CE/KL metrics."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from paramlens.cli import main
from paramlens.evaluate import MASK_KINDS

MODULE = """
import torch.nn.functional as F
from torch import nn


class TinyLM(nn.Module):
    def __init__(self, vocab: int = 11, d_model: int = 8, d_mlp: int = 16) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.mlp_in = nn.Linear(d_model, d_mlp)
        self.mlp_out = nn.Linear(d_mlp, d_model)
        self.unembed = nn.Linear(d_model, vocab, bias=False)

    def forward(self, ids):
        h = self.embed(ids)
        h = h + self.mlp_out(F.gelu(self.mlp_in(h)))
        return self.unembed(h)
"""

CONFIG = """\
method: vpd
target:
  custom:
    class: paramlens_test_tiny_lm:TinyLM
    weights: tiny_lm.safetensors
data:
  tokens:
    train: [tokens.npy]
    seq_len: 8
output_loss: kl
modules:
  - pattern: mlp_in
    C: 6
  - pattern: mlp_out
    C: 6
ci_function:
  type: global_transformer
  d_model: 16
  n_blocks: 1
  n_heads: 2
  d_ff: 32
  max_len: 8
training:
  steps: 4
  batch_size: 4
  faithfulness_warmup:
    steps: 2
logging:
  log_every: 2
  eval_every: 4
  eval_batch_size: 4
"""


def test_a_language_model_run_reports_ce_and_kl(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "paramlens_test_tiny_lm.py").write_text(MODULE)
    namespace: dict[str, object] = {}
    exec(MODULE, namespace)
    torch.manual_seed(0)
    model = namespace["TinyLM"]()  # type: ignore[operator]
    save_file(model.state_dict(), str(tmp_path / "tiny_lm.safetensors"))
    np.save(tmp_path / "tokens.npy", np.random.default_rng(0).integers(0, 11, 8 * 64))
    config = tmp_path / "lm.decomp.yaml"
    config.write_text(CONFIG)
    run_dir = tmp_path / "run"

    assert main(["decompose", str(config), "--out", str(run_dir)]) == 0
    assert main(["eval", str(run_dir), "--json"]) == 0

    report = json.loads(capsys.readouterr().out.splitlines()[-1])
    for kind in MASK_KINDS:
        assert {
            f"kl_{kind}",
            f"ce_{kind}",
            f"ce_difference_{kind}",
            f"ce_unrecovered_{kind}",
        } <= set(report)
    assert report["ce_unrecovered_zero_masked"] == pytest.approx(1.0)
    assert all(report[f"kl_{kind}"] >= 0 for kind in MASK_KINDS)
    assert {"ce_target", "pgd_kl", "l0", "alive"} <= set(report)
    assert "mmcs" not in report
