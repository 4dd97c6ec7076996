"""The Llama-style LM: names, shapes, causality, tying and a short training run."""

from pathlib import Path

import numpy as np
import pytest
import torch

from paramlens.data.text import TextDataConfig, load_text_data
from paramlens.targets.llama import Llama, LlamaConfig
from paramlens.targets.train_lm import LMRecipe, mean_ce, train_lm

SMALL = LlamaConfig(vocab_size=50, n_layer=2, n_head=2, d_model=32, d_mlp=64, max_seq_len=16)


def test_module_paths_match_reference_llama_simple_mlp() -> None:
    names = {name for name, _ in Llama(SMALL).named_modules()}

    for i in range(2):
        for proj in ("q_proj", "k_proj", "v_proj", "o_proj"):
            assert f"h.{i}.attn.{proj}" in names
        assert {f"h.{i}.mlp.c_fc", f"h.{i}.mlp.down_proj", f"h.{i}.rms_1", f"h.{i}.rms_2"} <= names
    assert {"wte", "ln_f", "lm_head"} <= names


def test_forward_returns_logits_for_every_position() -> None:
    torch.manual_seed(0)
    logits = Llama(SMALL)(torch.randint(0, 50, (3, 16)))

    assert logits.shape == (3, 16, 50)
    with pytest.raises(ValueError, match="exceeds max_seq_len 16"):
        Llama(SMALL)(torch.zeros(1, 17, dtype=torch.long))


def test_future_tokens_do_not_change_past_logits() -> None:
    torch.manual_seed(0)
    model = Llama(SMALL).eval()
    ids = torch.randint(0, 50, (2, 12))
    changed = ids.clone()
    changed[:, 7:] = (changed[:, 7:] + 1) % 50

    with torch.no_grad():
        a, b = model(ids), model(changed)

    assert torch.allclose(a[:, :7], b[:, :7], atol=1e-6)
    assert not torch.allclose(a[:, 7:], b[:, 7:])


def test_embeddings_are_tied_unless_asked_not_to() -> None:
    tied = Llama(SMALL)
    untied = Llama(LlamaConfig(**{**SMALL.__dict__, "tie_embeddings": False}))

    assert tied.lm_head.weight is tied.wte.weight
    assert untied.lm_head.weight is not untied.wte.weight


def test_short_training_run_lowers_the_loss(tmp_path: Path) -> None:
    # A cyclic token sequence: each token determines the next, so the loss can fall fast.
    ids = tmp_path / "ids.npy"
    np.save(ids, np.tile(np.arange(50, dtype=np.int32)[::-1], 40))
    splits = load_text_data(TextDataConfig(files=(ids,), seq_len=16, eval_fraction=0.1))
    torch.manual_seed(0)
    model = Llama(SMALL)
    before = mean_ce(model, splits.eval.in_order(8))

    losses = train_lm(
        model, splits, LMRecipe(steps=40, batch_size=8, lr=1e-2, warmup_steps=5), 0, False, "t"
    )

    assert before > 3.5  # about ln(50) at initialisation
    assert losses.eval_ce is not None and losses.eval_ce < 0.5 * before
    assert losses.train_ce < 0.5 * before
