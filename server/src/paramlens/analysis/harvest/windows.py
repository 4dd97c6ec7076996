"""The context of each final example, read again once the stream is done.

Only the (sequence, position) of every kept example is tracked while streaming; at the end
the distinct sequences are read again by their stream index, run through the decomposition
in batches, and each example takes its window from them: up to `context` tokens on each side
of the marked token (fewer at the sequence's edges), with its subcomponent's CI and
activation at every token. A toy sample shows its active features instead (ascending feature
index, the one of largest magnitude marked); it is a single position, so every entry carries
the sample's CI and activation.
"""

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import torch
from numpy.typing import NDArray
from torch import Tensor

from paramlens.analysis.harvest.measure import BatchMeasures, Measurer
from paramlens.analysis.harvest.stream import HarvestStream
from paramlens.analysis.harvest.topk import TopExamples, key_values


@dataclass(frozen=True)
class ExampleRows:
    """One entry per example, subcomponents in C_total order, each strongest first. Example
    i's window is columns [start[i], stop[i]) of token_ids, ci_values and activations."""

    component: NDArray[np.int64]  # index in C_total
    rank: NDArray[np.int64]
    ci: NDArray[np.float64]  # at the marked token, as ranked
    activation: NDArray[np.float64]
    sequence: NDArray[np.int64]
    position: NDArray[np.int64]
    marked: NDArray[np.int64]  # column of the marked token (the window starts at `start`)
    start: NDArray[np.int64]
    stop: NDArray[np.int64]
    token_ids: NDArray[np.int64]  # (n, width)
    ci_values: NDArray[np.float32]  # (n, width)
    activations: NDArray[np.float32]  # (n, width)

    def __len__(self) -> int:
        return len(self.component)


@dataclass(frozen=True)
class _Windows:
    token_ids: Tensor  # (n, width) int64
    ci: Tensor  # (n, width) float32
    acts: Tensor  # (n, width) float32
    start: Tensor  # (n,) int64
    stop: Tensor  # (n,) int64
    marked: Tensor  # (n,) int64: column of the marked token


def example_rows(
    top: TopExamples, stream: HarvestStream, measure: Measurer, context: int
) -> ExampleRows:
    ranked = top.ranked()
    component, rank = (ranked.keys >= 0).nonzero(as_tuple=True)
    keys = ranked.keys[component, rank].cpu()
    sequence = ranked.sequence[component, rank].cpu()
    position = ranked.position[component, rank].cpu()
    component, rank = component.cpu(), rank.cpu()
    if stream.input_kind == "tokens":
        windows = _token_windows(sequence, position, component, stream, measure, context)
    else:
        windows = _feature_windows(sequence, component, stream, measure)
    ci, abs_act = key_values(keys)
    # The key holds |activation|; its sign comes from the activation read again.
    act_at_marked = windows.acts.gather(1, windows.marked[:, None])[:, 0]
    activation = torch.where(act_at_marked < 0, -abs_act, abs_act)
    return ExampleRows(
        component.numpy(),
        rank.numpy(),
        ci.double().numpy(),
        activation.double().numpy(),
        sequence.numpy(),
        position.numpy(),
        windows.marked.numpy(),
        windows.start.numpy(),
        windows.stop.numpy(),
        windows.token_ids.numpy(),
        windows.ci.numpy(),
        windows.acts.numpy(),
    )


def _reread(
    sequence: Tensor, stream: HarvestStream, measure: Measurer
) -> Iterator[tuple[Tensor, Tensor, Tensor, BatchMeasures]]:
    """Per batch of distinct sequences: the examples they hold, those examples' rows in the
    batch, the batch itself (CPU) and its measures (CPU)."""
    distinct, row = torch.unique(sequence, return_inverse=True)
    for first in range(0, len(distinct), stream.batch_size):
        chunk = distinct[first : first + stream.batch_size]
        examples = ((row >= first) & (row < first + len(chunk))).nonzero().squeeze(1)
        items = stream.items(chunk)
        measures = measure(items)
        on_cpu = BatchMeasures(measures.ci.cpu(), measures.acts.cpu(), None)
        yield examples, row[examples] - first, items, on_cpu


def _token_windows(
    sequence: Tensor,
    position: Tensor,
    component: Tensor,
    stream: HarvestStream,
    measure: Measurer,
    context: int,
) -> _Windows:
    n, width, length = len(sequence), 2 * context + 1, stream.positions
    token_ids = torch.full((n, width), -1, dtype=torch.int64)
    ci, acts = torch.zeros(n, width), torch.zeros(n, width)
    for examples, rows, items, measures in _reread(sequence, stream, measure):
        at = position[examples, None] + torch.arange(-context, context + 1)  # (m, width)
        inside = (at >= 0) & (at < length)
        at = at.clamp(0, length - 1)
        row, c = rows[:, None], component[examples, None]
        token_ids[examples] = torch.where(inside, items[row, at], -1)
        ci[examples] = measures.ci[row, at, c]
        acts[examples] = measures.acts[row, at, c]
    start = (context - position).clamp(min=0)
    stop = width - (position + context + 1 - length).clamp(min=0)
    marked = torch.full((n,), context, dtype=torch.int64)
    return _Windows(token_ids, ci, acts, start, stop, marked)


def _feature_windows(
    sequence: Tensor, component: Tensor, stream: HarvestStream, measure: Measurer
) -> _Windows:
    n = len(sequence)
    n_features = stream.batch_at(0).shape[1]  # synthetic batches are cheap to draw
    token_ids = torch.full((n, n_features), -1, dtype=torch.int64)
    ci, acts = torch.zeros(n, n_features), torch.zeros(n, n_features)
    stop = torch.zeros(n, dtype=torch.int64)
    marked = torch.zeros(n, dtype=torch.int64)
    for examples, rows, items, measures in _reread(sequence, stream, measure):
        values = items[rows]  # (m, n_features)
        active = values != 0
        # Active feature indices first, ascending: sort by (inactive, index).
        order = (~active * n_features + torch.arange(n_features)).argsort(dim=1)
        token_ids[examples] = torch.where(active.gather(1, order), order, -1)
        stop[examples] = active.sum(dim=1)
        strongest = values.abs().argmax(dim=1)
        marked[examples] = (order == strongest[:, None]).int().argmax(dim=1)
        c = component[examples]
        ci[examples] = measures.ci[rows, 0, c][:, None].expand(-1, n_features)
        acts[examples] = measures.acts[rows, 0, c][:, None].expand(-1, n_features)
    return _Windows(token_ids, ci, acts, torch.zeros(n, dtype=torch.int64), stop, marked)
