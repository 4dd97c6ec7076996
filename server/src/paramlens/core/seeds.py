"""The independent random streams one config seed drives (spec: exact resume).

Data batches are keyed by (seed, stream, step) and need no state; the mask generator runs
on through training and is saved in every checkpoint; evaluation draws from generators
keyed by the step it runs at, so it never disturbs training.
"""

import torch

from paramlens.data.seeding import keyed_generator

TRAIN_DATA = 0
EVAL_DATA = 1
INIT = 2  # components and CI function
MASKS = 3  # stochastic masks and uniform-k-subset routing
ADVERSARY_INIT = 4  # persistent PGD's initial sources
EVAL_RANDOM = 5  # masks and fresh PGD sources of an evaluation


def derived_seed(seed: int, stream: int, step: int = 0) -> int:
    """A 64-bit seed that depends only on (seed, stream, step)."""
    return keyed_generator(seed, stream, step).initial_seed()


def generator(seed: int, stream: int, device: torch.device, step: int = 0) -> torch.Generator:
    """A generator on `device` seeded by (seed, stream, step)."""
    return torch.Generator(device=device).manual_seed(derived_seed(seed, stream, step))
