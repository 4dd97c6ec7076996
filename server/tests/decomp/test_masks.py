import pytest
import torch

from paramlens.decomp.masks import masks_from_sources, stochastic_masks, uniform_k_subset_routing


def test_stochastic_masks_lie_between_ci_and_one() -> None:
    generator = torch.Generator().manual_seed(0)
    g = torch.rand(4, 6, 5, generator=generator)
    g[0, 0] = 1.0
    g[1, 2] = 0.0
    masks, delta_masks = stochastic_masks({"a": g}, generator)
    m = masks["a"]
    assert m.shape == (4, 6, 5) and delta_masks["a"].shape == (4, 6)
    assert bool((m >= g).all() and (m <= 1).all())
    assert bool((m[0, 0] == 1).all())
    assert bool(((delta_masks["a"] >= 0) & (delta_masks["a"] <= 1)).all())
    assert m[1, 2].std() > 0  # unimportant subcomponents get independent random masks


def test_masks_from_sources_pin_important_subcomponents() -> None:
    g = torch.tensor([[1.0, 0.0, 0.5]])
    source = torch.tensor([[0.2, 0.2, 0.2, 0.7]])
    masks, delta_masks = masks_from_sources({"a": g}, {"a": source})
    torch.testing.assert_close(masks["a"], torch.tensor([[1.0, 0.2, 0.6]]))
    torch.testing.assert_close(delta_masks["a"], torch.tensor([0.7]))


def test_shared_sources_broadcast_over_batch_and_positions() -> None:
    g = torch.rand(3, 4, 2)
    masks, delta_masks = masks_from_sources({"a": g}, {"a": torch.zeros(1, 1, 3)})
    torch.testing.assert_close(masks["a"], g)
    assert delta_masks["a"].shape == (1, 1)


def test_sources_need_C_plus_one_channels() -> None:
    with pytest.raises(ValueError, match=r"'a' has 2 channels; expected C \+ 1 = 3"):
        masks_from_sources({"a": torch.rand(2, 2)}, {"a": torch.rand(2, 2)})


def test_routing_covers_every_subset_size_and_every_module() -> None:
    paths = ["a", "b", "c", "d"]
    routing = uniform_k_subset_routing(
        paths, (200, 50), torch.device("cpu"), torch.Generator().manual_seed(0)
    )
    routed = torch.stack([routing[p] for p in paths], dim=-1)  # (200, 50, 4)
    assert routed.dtype == torch.bool and routed.shape == (200, 50, 4)
    k = routed.sum(-1)
    counts = torch.bincount(k.flatten(), minlength=5)
    assert counts[0] == 0  # at least one module per position
    frequencies = counts[1:] / k.numel()
    torch.testing.assert_close(frequencies, torch.full((4,), 0.25), atol=0.02, rtol=0)
    # each module is routed with probability E[k]/L = 2.5/4
    torch.testing.assert_close(
        routed.float().mean((0, 1)), torch.full((4,), 0.625), atol=0.02, rtol=0
    )
