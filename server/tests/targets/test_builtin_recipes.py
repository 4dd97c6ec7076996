"""Full built-in training recipes reach the losses they are known to reach (minutes on a CPU)."""

from pathlib import Path

import pytest
from safetensors.torch import load_file

from paramlens.targets import BuiltinTarget, load_target, train_target


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "max_loss"),
    [
        ("tms_5-2", 2.5e-3),
        ("tms_5-2-id", 2.5e-3),
        ("tms_40-10", 4.5e-3),
        ("tms_40-10-id", 4.5e-3),
        ("resid_mlp_1", 1e-3),
        ("resid_mlp_2", 1e-3),
        ("resid_mlp_3", 1e-3),
    ],
)
def test_toy_recipe_reaches_its_loss(tmp_path: Path, name: str, max_loss: float) -> None:
    trained = train_target(name, out_dir=tmp_path, progress=False)

    assert trained.metrics["final_loss"] < max_loss
    if name.startswith("tms"):
        w1 = load_file(str(tmp_path / "model.safetensors"))["linear1.weight"]
        assert (w1.norm(dim=0) > 0.9).all(), "every feature is represented"


@pytest.mark.slow
def test_tiny_llama_recipe_learns_the_corpus() -> None:
    # Trained into the shared cache, so the language-model decomposition tests reuse it.
    metrics = load_target(BuiltinTarget("tiny_llama"), progress=False).description["metrics"]

    # A unigram model of the corpus scores 6.3 nats/token on the eval split.
    assert metrics["train_ce"] < 4.3
    assert metrics["eval_ce"] < 4.8
