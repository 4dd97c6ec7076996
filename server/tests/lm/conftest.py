"""Fixtures for the language-model acceptance runs."""

from collections.abc import Iterator

import pytest
import torch


@pytest.fixture
def one_thread() -> Iterator[None]:
    """One intra-op thread: the matrices are small, a fixed count gives the same floats on any
    machine, and on a busy CPU extra threads only wait for each other."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
