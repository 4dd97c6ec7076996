"""The VPD causal-importance function: one bidirectional transformer that sees every module.

Input: the pre-weight activations of all decomposed modules, each RMS-normalised without a
learned scale and concatenated, projected by a Linear (with bias) to d_model. Then n_blocks
pre-norm blocks, x += Attn(RMSNorm(x)); x += FFN(RMSNorm(x)), with bidirectional multi-head
attention (no causal mask, no biases, RoPE on q and k) and FFN Linear -> GELU -> Linear (with
biases). A final Linear d_model -> Σ C is split per module in sorted path order.
"""

from collections.abc import Mapping

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlens.decomp.ci_functions import CIFunction
from paramlens.decomp.components import Components
from paramlens.decomp.module_kinds import DecomposedModule

RMS_EPS = 1e-6


def rotary_cos_sin(
    seq_len: int, head_dim: int, base: float, device: torch.device
) -> tuple[Tensor, Tensor]:
    """cos, sin: (T, head_dim / 2) for positions 0..T-1, frequencies base^(-2i / head_dim)."""
    if head_dim % 2:
        raise ValueError(f"RoPE needs an even head dim, got {head_dim}")
    half = head_dim // 2
    inv_freq = base ** (-torch.arange(half, device=device, dtype=torch.float32) / half)  # (hd/2,)
    angles = torch.outer(torch.arange(seq_len, device=device, dtype=torch.float32), inv_freq)
    return angles.cos(), angles.sin()


def apply_rotary(x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
    """Split-half rotation of x: (B, H, T, hd) by position-dependent angles (T, hd / 2)."""
    x1, x2 = x.chunk(2, dim=-1)  # (B, H, T, hd/2) each
    cos, sin = cos.to(x.dtype), sin.to(x.dtype)
    return torch.cat([x1 * cos - x2 * sin, x1 * sin + x2 * cos], dim=-1)


def _rms_norm(x: Tensor) -> Tensor:
    return F.rms_norm(x, (x.shape[-1],), eps=RMS_EPS)


class BidirectionalAttention(nn.Module):
    def __init__(self, d_model: int, n_heads: int) -> None:
        super().__init__()
        if d_model % n_heads or (d_model // n_heads) % 2:
            raise ValueError(
                f"d_model {d_model} must split into n_heads {n_heads} heads of even size (RoPE)"
            )
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model, bias=False)
        self.proj = nn.Linear(d_model, d_model, bias=False)

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
        B, T, D = x.shape
        q, k, v = self.qkv(x).split(D, dim=-1)  # (B, T, D) each
        q, k, v = (t.view(B, T, self.n_heads, D // self.n_heads).transpose(1, 2) for t in (q, k, v))
        q, k = apply_rotary(q, cos, sin), apply_rotary(k, cos, sin)  # (B, H, T, hd)
        y = F.scaled_dot_product_attention(q, k, v)  # no mask: every position sees every other
        out: Tensor = self.proj(y.transpose(1, 2).reshape(B, T, D))  # (B, T, D)
        return out


class TransformerBlock(nn.Module):
    def __init__(self, d_model: int, n_heads: int, d_ff: int) -> None:
        super().__init__()
        self.attn = BidirectionalAttention(d_model, n_heads)
        self.ffn = nn.Sequential(nn.Linear(d_model, d_ff), nn.GELU(), nn.Linear(d_ff, d_model))

    def forward(self, x: Tensor, cos: Tensor, sin: Tensor) -> Tensor:
        attended: Tensor = self.attn(_rms_norm(x), cos, sin)
        x = x + attended
        transformed: Tensor = self.ffn(_rms_norm(x))
        return x + transformed


class GlobalTransformerCI(CIFunction):
    """The VPD CI function ("global_shared_transformer") over all modules' inputs at once.

    An embedding's input is a one-hot token, which RMS-normalises to s·e_token with
    s = (1/vocab + eps)^(-1/2); projecting it is a lookup of s times the projection's column
    for that token, so its one-hot is never built. Projection columns hold the non-embedding
    modules first, then the embeddings, each group in sorted path order.
    """

    def __init__(
        self,
        modules: Mapping[str, DecomposedModule],
        d_model: int,
        n_blocks: int,
        n_heads: int,
        d_ff: int,
        rope_base: float = 1e4,
    ) -> None:
        super().__init__()
        self.module_paths = sorted(modules)
        self.dense = [modules[p] for p in self.module_paths if modules[p].kind != "embedding"]
        self.tokens = [modules[p] for p in self.module_paths if modules[p].kind == "embedding"]
        self.d_dense = sum(info.d_in for info in self.dense)
        d_total = self.d_dense + sum(info.d_in for info in self.tokens)
        self.C_splits = [modules[p].C for p in self.module_paths]
        self.n_heads = n_heads
        self.rope_base = rope_base
        self.input_proj = nn.Linear(d_total, d_model)
        self.blocks = nn.ModuleList(
            TransformerBlock(d_model, n_heads, d_ff) for _ in range(n_blocks)
        )
        self.output_proj = nn.Linear(d_model, sum(self.C_splits))

    def forward(
        self, inputs: Mapping[str, Tensor], components: Mapping[str, Components]
    ) -> dict[str, Tensor]:
        """inputs: path -> (B, T, d_in) or (B, d_in); ids (B, T) or (B,) for embeddings.

        Returns path -> (B, T, C) or (B, C) logits.
        """
        leading = self._leading_shape(inputs)
        x = self._project_inputs(inputs, leading)
        if len(leading) == 1:
            x = x.unsqueeze(1)  # one position per batch element
        B, T, D = x.shape
        cos, sin = rotary_cos_sin(T, D // self.n_heads, self.rope_base, x.device)
        for block in self.blocks:
            x = block(x, cos, sin)  # (B, T, d_model)
        logits = self.output_proj(x).view(*leading, sum(self.C_splits))  # (*leading, ΣC)
        return dict(zip(self.module_paths, logits.split(self.C_splits, dim=-1), strict=True))

    def _leading_shape(self, inputs: Mapping[str, Tensor]) -> tuple[int, ...]:
        shapes = {info.path: tuple(inputs[info.path].shape[:-1]) for info in self.dense}
        shapes |= {info.path: tuple(inputs[info.path].shape) for info in self.tokens}
        leading = next(iter(shapes.values()))
        if len(leading) not in (1, 2) or any(shape != leading for shape in shapes.values()):
            raise ValueError(
                f"CI inputs need one shared (batch,) or (batch, seq) leading shape, got {shapes}"
            )
        return leading

    def _project_inputs(self, inputs: Mapping[str, Tensor], leading: tuple[int, ...]) -> Tensor:
        """Linear(ΣD -> d_model) of the RMS-normalised, concatenated inputs: (*leading, d_model)."""
        weight, bias = self.input_proj.weight, self.input_proj.bias  # (d_model, ΣD), (d_model,)
        x = bias.expand(*leading, -1)
        if self.dense:
            normed = torch.cat([_rms_norm(inputs[info.path]) for info in self.dense], dim=-1)
            x = x + F.linear(normed, weight[:, : self.d_dense])
        offset = self.d_dense
        for info in self.tokens:
            scale = (1 / info.d_in + RMS_EPS) ** -0.5
            columns = weight[:, offset : offset + info.d_in]  # (d_model, vocab)
            x = x + scale * F.embedding(inputs[info.path], columns.T)
            offset += info.d_in
        return x
