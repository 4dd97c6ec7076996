import math

import pytest

from paramlens.decomp.schedules import lr_schedule, p_schedule


def test_warmup_rises_linearly_from_zero() -> None:
    assert [lr_schedule(s, 100, 1.0, warmup_frac=0.04, kind="constant") for s in range(6)] == [
        0.0,
        0.25,
        0.5,
        0.75,
        1.0,
        1.0,
    ]


def test_cosine_runs_from_start_to_final_fraction_at_the_last_step() -> None:
    assert lr_schedule(0, 101, 2.0, final_frac=0.1) == 2.0
    assert math.isclose(lr_schedule(50, 101, 2.0, final_frac=0.1), 2.0 * (0.1 + 0.9 * 0.5))
    assert math.isclose(lr_schedule(100, 101, 2.0, final_frac=0.1), 0.2)


def test_cosine_after_warmup_starts_at_the_peak() -> None:
    assert lr_schedule(10, 110, 1.0, warmup_frac=10 / 110, final_frac=0.0) == 1.0
    assert math.isclose(lr_schedule(109, 110, 1.0, warmup_frac=10 / 110, final_frac=0.0), 0.0)


def test_linear_and_constant() -> None:
    assert math.isclose(lr_schedule(5, 11, 1.0, final_frac=0.5, kind="linear"), 0.75)
    assert lr_schedule(7, 11, 0.3, final_frac=0.5, kind="constant") == 0.3


def test_total_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        lr_schedule(0, 0, 1.0)


def test_p_anneals_linearly_between_start_and_end_fractions() -> None:
    assert p_schedule(0, 100, 2.0, 0.4) == 2.0
    assert math.isclose(p_schedule(50, 100, 2.0, 0.4), 1.2)
    assert p_schedule(100, 100, 2.0, 0.4) == 0.4
    assert p_schedule(10, 100, 2.0, 1.0, start_frac=0.2, end_frac=0.6) == 2.0
    assert math.isclose(p_schedule(40, 100, 2.0, 1.0, start_frac=0.2, end_frac=0.6), 1.5)
    assert p_schedule(70, 100, 2.0, 1.0, start_frac=0.2, end_frac=0.6) == 1.0
