"""Sparse-feature batches: the distribution, determinism and exact resume."""

import pytest
import torch

from paramlens.data.sparse_features import SparseFeatureTask

TASK = SparseFeatureTask(n_features=20, feature_prob=0.1, value_range=(-1.0, 1.0))


def test_batches_follow_the_distribution() -> None:
    x = TASK.batches(batch_size=4096, seed=0).batch_at(0)

    assert x.shape == (4096, 20)
    active = x != 0
    assert abs(active.float().mean().item() - 0.1) < 0.01
    assert x.min() >= -1.0 and x.max() <= 1.0
    assert abs(x[active].mean().item()) < 0.05  # U(-1, 1) is centred


def test_same_seed_same_batches_and_streams_differ() -> None:
    a = TASK.batches(64, seed=3)
    b = TASK.batches(64, seed=3)
    other_stream = TASK.batches(64, seed=3, stream=1)
    other_seed = TASK.batches(64, seed=4)

    assert torch.equal(a.batch_at(5), b.batch_at(5))
    assert not torch.equal(a.batch_at(5), a.batch_at(6))
    assert not torch.equal(a.batch_at(5), other_stream.batch_at(5))
    assert not torch.equal(a.batch_at(5), other_seed.batch_at(5))


def test_resuming_at_a_step_replays_the_same_batches() -> None:
    batches = TASK.batches(32, seed=1)
    first_run = [batch for _, batch in zip(range(10), batches.iter_from(0), strict=False)]
    resumed = [batch for _, batch in zip(range(4), batches.iter_from(6), strict=False)]

    for expected, actual in zip(first_run[6:], resumed, strict=True):
        assert torch.equal(expected, actual)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_features": 0, "feature_prob": 0.1, "value_range": (0.0, 1.0)}, "n_features"),
        ({"n_features": 5, "feature_prob": 0.0, "value_range": (0.0, 1.0)}, "feature_prob"),
        ({"n_features": 5, "feature_prob": 0.1, "value_range": (1.0, 1.0)}, "value_range"),
    ],
)
def test_bad_task_is_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        SparseFeatureTask(**kwargs)


def test_negative_seed_is_rejected() -> None:
    with pytest.raises(ValueError, match="seed must be non-negative"):
        TASK.batches(8, seed=-1).batch_at(0)
