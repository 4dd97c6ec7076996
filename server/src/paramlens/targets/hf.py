"""Hugging Face `transformers` causal LMs, loaded from a local directory only.

Nothing here contacts the Hub: the path must be an existing directory, every load passes
`local_files_only=True`, and weights are read from safetensors only (never pickle).
"""

import json
from collections.abc import Callable
from pathlib import Path

import torch
from torch import Tensor
from transformers import GPT2Config, GPT2LMHeadModel, LlamaForCausalLM, PreTrainedModel

# config.json `model_type` -> model class. GPT-2's attention and MLP are fused Conv1D modules
# (`transformer.h.0.attn.c_attn`); Llama's are separate Linears (`model.layers.0.self_attn.q_proj`).
MODEL_CLASSES: dict[str, type[PreTrainedModel]] = {
    "gpt2": GPT2LMHeadModel,
    "llama": LlamaForCausalLM,
}


def load_hf_model(model_dir: Path) -> PreTrainedModel:
    """Load the GPT-2 or Llama family model saved in `model_dir` (by `save_pretrained`)."""
    config_path = model_dir / "config.json"
    if not config_path.is_file():
        raise FileNotFoundError(
            f"{model_dir} is not a local Hugging Face model directory (no config.json)"
        )
    model_type = json.loads(config_path.read_text()).get("model_type")
    if model_type not in MODEL_CLASSES:
        raise ValueError(
            f"{config_path}: model_type {model_type!r} is not supported; "
            f"supported: {', '.join(MODEL_CLASSES)}"
        )
    return MODEL_CLASSES[model_type].from_pretrained(
        str(model_dir), local_files_only=True, use_safetensors=True, dtype=torch.float32
    )


def logits_fn(model: PreTrainedModel) -> Callable[[Tensor], Tensor]:
    """A function from token ids [B, T] to the model's logits [B, T, V]."""

    def logits(input_ids: Tensor) -> Tensor:
        out: Tensor = model(input_ids=input_ids).logits
        return out

    return logits


def save_tiny_gpt2(out_dir: Path, vocab_size: int, seed: int = 0) -> Path:
    """Save a randomly initialised 2-layer GPT-2 (d 64, 4 heads, context 128) to `out_dir`.

    Small enough for tests and examples; its vocabulary should match the tokenizer used with
    it (e.g. the bundled one).
    """
    # Token 0 is the bundled tokenizer's <|endoftext|>; GPT-2's default (50256) may not exist.
    config = GPT2Config(
        n_layer=2,
        n_embd=64,
        n_head=4,
        n_positions=128,
        vocab_size=vocab_size,
        bos_token_id=0,
        eos_token_id=0,
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = GPT2LMHeadModel(config)
    model.save_pretrained(str(out_dir))
    return out_dir
