"""Masks over subcomponents, from causal importances g and sources r in [0, 1].

m = g + (1 − g)·r: an important subcomponent (g = 1) keeps mask 1 whatever r is; an
unimportant one (g = 0) may be scaled anywhere in [0, 1]. The Δ component has CI 0, so its
mask is the source itself.
"""

from collections.abc import Mapping, Sequence

import torch
from torch import Tensor


def masks_from_sources(
    ci: Mapping[str, Tensor], sources: Mapping[str, Tensor]
) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """Component masks (..., C) and Δ masks (...) from sources (..., C + 1), last channel Δ.

    ci: path -> (..., C). Sources broadcast against ci (e.g. (1, 1, C + 1) for one source
    shared by every batch element and position).
    """
    masks: dict[str, Tensor] = {}
    delta_masks: dict[str, Tensor] = {}
    for path, g in ci.items():
        source = sources[path]
        C = g.shape[-1]
        if source.shape[-1] != C + 1:
            raise ValueError(
                f"source for {path!r} has {source.shape[-1]} channels; expected C + 1 = {C + 1}"
            )
        masks[path] = g + (1 - g) * source[..., :C]
        delta_masks[path] = source[..., C]
    return masks, delta_masks


def stochastic_masks(
    ci: Mapping[str, Tensor], generator: torch.Generator | None = None
) -> tuple[dict[str, Tensor], dict[str, Tensor]]:
    """Masks with i.i.d. U(0, 1) sources per (b, t, c), and Δ masks U(0, 1) per (b, t).

    ci: path -> (..., C). Returns masks path -> (..., C) and Δ masks path -> (...).
    """
    sources = {
        path: torch.rand((*g.shape[:-1], g.shape[-1] + 1), generator=generator, device=g.device)
        for path, g in ci.items()
    }
    return masks_from_sources(ci, sources)


def uniform_k_subset_routing(
    module_paths: Sequence[str],
    leading_shape: Sequence[int],
    device: torch.device,
    generator: torch.Generator | None = None,
) -> dict[str, Tensor]:
    """Per position, route a random k-subset of the L modules to components, k ~ U{1..L}.

    Returns path -> bool (*leading_shape): True where the module runs its components. A
    random permutation of the modules is the rank of i.i.d. scores; the first k are routed.
    """
    L = len(module_paths)
    shape = tuple(leading_shape)
    k = torch.randint(1, L + 1, shape, generator=generator, device=device)  # (...)
    scores = torch.rand((*shape, L), generator=generator, device=device)  # (..., L)
    ranks = scores.argsort(dim=-1).argsort(dim=-1)  # (..., L), a permutation of 0..L-1
    routed = ranks < k.unsqueeze(-1)  # (..., L)
    return {path: routed[..., i] for i, path in enumerate(module_paths)}
