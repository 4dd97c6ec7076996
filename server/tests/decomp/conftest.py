"""Tiny target models shared by the decomposition tests."""

import pytest
import torch
import torch.nn.functional as F
from torch import Tensor, nn


class TinyMLP(nn.Module):
    """x (..., 6) -> (..., 5) through two Linear layers."""

    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(6, 12)
        self.fc2 = nn.Linear(12, 5)

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.fc2(F.gelu(self.fc1(x)))
        return out


class TinyLM(nn.Module):
    """Token ids (B, T) -> logits (B, T, vocab): embedding, a residual MLP, a bias-free unembed."""

    def __init__(self, vocab: int = 11, d_model: int = 8, d_mlp: int = 16) -> None:
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.mlp_in = nn.Linear(d_model, d_mlp)
        self.mlp_out = nn.Linear(d_mlp, d_model)
        self.unembed = nn.Linear(d_model, vocab, bias=False)

    def forward(self, ids: Tensor) -> Tensor:
        h = self.embed(ids)  # (B, T, d_model)
        h = h + self.mlp_out(F.gelu(self.mlp_in(h)))
        logits: Tensor = self.unembed(h)  # (B, T, vocab)
        return logits


@pytest.fixture
def tiny_mlp() -> TinyMLP:
    torch.manual_seed(0)
    return TinyMLP()


@pytest.fixture
def tiny_lm() -> TinyLM:
    torch.manual_seed(0)
    return TinyLM()
