"""Step-dependent hyperparameters: learning rates and the minimality exponent p."""

import math
from typing import Literal

ScheduleKind = Literal["constant", "linear", "cosine"]


def lr_schedule(
    step: int,
    total: int,
    start: float,
    warmup_frac: float = 0.0,
    final_frac: float = 1.0,
    kind: ScheduleKind = "cosine",
) -> float:
    """Learning rate at `step` of `total` (steps count from 0).

    Linear warmup from 0 to `start` over w = int(warmup_frac·total) steps, then with progress
    p = (step − w)/(total − w − 1) in [0, 1]: constant `start`; linear from `start` to
    start·final_frac; cosine start·(f + (1 − f)·½(1 + cos πp)) with f = final_frac.
    """
    if total <= 0:
        raise ValueError(f"total steps must be positive, got {total}")
    warmup = int(warmup_frac * total)
    if step < warmup:
        return start * step / warmup
    if kind == "constant":
        return start
    decay_steps = total - warmup
    progress = min(max((step - warmup) / (decay_steps - 1), 0.0), 1.0) if decay_steps > 1 else 0.0
    if kind == "linear":
        return start * (1 + (final_frac - 1) * progress)
    return start * (final_frac + (1 - final_frac) * 0.5 * (1 + math.cos(math.pi * progress)))


def p_schedule(
    step: int,
    total: int,
    p_start: float,
    p_final: float,
    start_frac: float = 0.0,
    end_frac: float = 1.0,
) -> float:
    """Minimality exponent p: p_start until start_frac·total, then linear to p_final at
    end_frac·total, p_final after."""
    start, end = start_frac * total, end_frac * total
    if step <= start:
        return p_start
    if step >= end:
        return p_final
    return p_start + (p_final - p_start) * (step - start) / (end - start)
