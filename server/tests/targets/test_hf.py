"""Hugging Face models from a local directory only, never the network."""

import socket
from pathlib import Path

import pytest
import torch

from paramlens.data.bundled import VOCAB_SIZE
from paramlens.targets import HFTarget, load_target
from paramlens.targets.hf import save_tiny_gpt2


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
def test_tiny_gpt2_reloads_with_identical_logits(tmp_path: Path) -> None:
    from transformers import GPT2LMHeadModel

    model_dir = save_tiny_gpt2(tmp_path / "gpt2", vocab_size=VOCAB_SIZE, seed=0)
    original = GPT2LMHeadModel.from_pretrained(str(model_dir), local_files_only=True)
    ids = torch.randint(0, VOCAB_SIZE, (2, 20), generator=torch.Generator().manual_seed(0))

    target = load_target(HFTarget(model_dir=model_dir))

    with torch.no_grad():
        expected = original(input_ids=ids).logits
        logits = target.forward(ids)
    assert logits.shape == (2, 20, VOCAB_SIZE)
    assert torch.equal(logits, expected)
    assert (target.kind, target.output_loss) == ("lm", "kl")
    assert not target.model.training
    assert not any(p.requires_grad for p in target.model.parameters())
    assert "transformer.h.1.attn.c_attn" in dict(target.model.named_modules())
    assert list(model_dir.glob("*.safetensors")), "weights are saved as safetensors"


@pytest.mark.usefixtures("no_network")
def test_llama_family_loads_from_a_local_directory(tmp_path: Path) -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    config = LlamaConfig(
        vocab_size=64,
        hidden_size=32,
        intermediate_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=4,
        max_position_embeddings=32,
    )
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(str(tmp_path))
    original = LlamaForCausalLM.from_pretrained(str(tmp_path), local_files_only=True)
    ids = torch.randint(0, 64, (2, 10), generator=torch.Generator().manual_seed(0))

    target = load_target(HFTarget(model_dir=tmp_path))

    with torch.no_grad():
        assert torch.equal(target.forward(ids), original(input_ids=ids).logits)
    assert "model.layers.1.self_attn.q_proj" in dict(target.model.named_modules())


@pytest.mark.usefixtures("no_network")
def test_a_hub_model_id_is_not_looked_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)

    with pytest.raises(FileNotFoundError, match="not a local Hugging Face model directory"):
        load_target(HFTarget(model_dir=Path("gpt2")))


def test_unsupported_model_type_is_rejected(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text('{"model_type": "bert"}')

    with pytest.raises(ValueError, match="model_type 'bert' is not supported"):
        load_target(HFTarget(model_dir=tmp_path))
