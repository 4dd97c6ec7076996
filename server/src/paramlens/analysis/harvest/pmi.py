"""Pointwise mutual information between a subcomponent firing and a token.

PMI(c, v) = log( P(v | c fires) / P(v) ). Input side: P(v | c fires) is the share of c's
firing positions that hold token v, P(v) the share of all positions that do. Output side:
the same with the target's predicted probability of v in place of the indicator (the mean
predicted probability of v where c fires, against its mean over all positions). Each
subcomponent keeps its `limit` tokens of highest PMI among those seen where it fires; ties
go to the larger count. PMI is kept to float32 precision: (PMI, count) is packed into one int64
that sorts in that order, so one top-k finds each subcomponent's list.
"""

from dataclasses import dataclass

import torch
from torch import Tensor

PMI_LIMIT = 40
_COLUMNS_AT_ONCE = 512  # subcomponents per chunk, bounding the (vocab × chunk) work tensors


@dataclass(frozen=True)
class PmiTable:
    """Per subcomponent (rows, C_total order) its top tokens, best first."""

    token_id: Tensor  # (C_total, L) int64
    pmi: Tensor  # (C_total, L) float64; -inf in unused slots
    count: Tensor  # (C_total, L) int64

    def valid(self) -> Tensor:
        return torch.isfinite(self.pmi)


def top_pmi(
    joint: Tensor,
    count: Tensor,
    base: Tensor,
    fire_count: Tensor,
    n_positions: int,
    limit: int = PMI_LIMIT,
) -> PmiTable:
    """joint: (vocab, C_total) co-occurrence (a count, or a summed probability); count:
    (vocab, C_total) the count reported beside each PMI; base: (vocab,) the token's total
    over all positions; fire_count: (C_total,) firing positions per subcomponent."""
    vocab, c_total = joint.shape
    limit = min(limit, vocab)
    tables = [
        _top_columns(
            joint[:, first : first + _COLUMNS_AT_ONCE].double(),
            count[:, first : first + _COLUMNS_AT_ONCE],
            base.double(),
            fire_count[first : first + _COLUMNS_AT_ONCE].double(),
            n_positions,
            limit,
        )
        for first in range(0, c_total, _COLUMNS_AT_ONCE)
    ]
    return PmiTable(*(torch.cat(parts, dim=0) for parts in zip(*tables, strict=True)))


def _top_columns(
    joint: Tensor, count: Tensor, base: Tensor, fires: Tensor, n_positions: int, limit: int
) -> tuple[Tensor, Tensor, Tensor]:
    seen = (joint > 0) & (base[:, None] > 0) & (fires[None, :] > 0)
    ratio = joint * n_positions / (base[:, None] * fires[None, :])
    pmi = torch.where(seen, torch.log(torch.where(seen, ratio, 1.0)), -torch.inf).float()
    bits = pmi.view(torch.int32)
    ordered = torch.where(bits < 0, bits ^ 0x7FFFFFFF, bits).to(torch.int64)  # sorts like pmi
    keys = (ordered << 32) | count.to(torch.int64).clamp(0, 2**32 - 1)
    order = keys.topk(limit, dim=0).indices  # (limit, columns)
    return order.T, pmi.gather(0, order).double().T, count.gather(0, order).to(torch.int64).T
