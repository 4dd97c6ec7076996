"""Known per-feature mechanisms of toy targets: the ground truth a decomposition should find."""

from dataclasses import dataclass

import torch
from torch import Tensor


@dataclass(frozen=True)
class FeatureMechanisms:
    """The rank-one piece of one weight matrix W [d_out, d_in] that serves each input feature.

    Piece i is `outer(out_dirs[i], in_dirs[i])`. A subcomponent c (spec section 1: V [d_in, C],
    U [C, d_out]) recovers feature i when V[:, c] is parallel to in_dirs[i] and U[c] to
    out_dirs[i], up to a joint sign; mean max cosine similarity compares them.
    """

    in_dirs: Tensor  # [n_features, d_in]
    out_dirs: Tensor  # [n_features, d_out]

    def __post_init__(self) -> None:
        if self.in_dirs.ndim != 2 or self.out_dirs.ndim != 2:
            raise ValueError("in_dirs and out_dirs must be 2-D [n_features, d]")
        if self.in_dirs.shape[0] != self.out_dirs.shape[0]:
            n_in, n_out = self.in_dirs.shape[0], self.out_dirs.shape[0]
            raise ValueError(f"in_dirs has {n_in} features but out_dirs has {n_out}")

    def matrices(self) -> Tensor:
        """The pieces as matrices [n_features, d_out, d_in], in W's layout."""
        return torch.einsum("fo,fi->foi", self.out_dirs, self.in_dirs)
