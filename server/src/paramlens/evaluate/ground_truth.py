"""How well a decomposition of a toy target recovers its known per-feature mechanisms.

The similarity of a true mechanism outer(o, i) and a subcomponent outer(U_c, V_c), as
flattened matrices, is |cos(o, U_c)|·|cos(i, V_c)|: the Frobenius inner product of two
rank-one matrices factorises. Absolute values, because (U_c, V_c) and (−U_c, −V_c) are the
same subcomponent.
"""

from collections.abc import Mapping
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor

from paramlens.targets import FeatureMechanisms


def mechanism_similarity(U: Tensor, V: Tensor, truth: FeatureMechanisms) -> Tensor:
    """|cos| of every (true mechanism, subcomponent) pair: [n_features, C].

    U: [C, d_out], V: [d_in, C] of one module.
    """
    U, V = U.detach().float().cpu(), V.detach().float().cpu()
    cos_out = F.normalize(truth.out_dirs.float(), dim=1) @ F.normalize(U, dim=1).T  # [F, C]
    cos_in = F.normalize(truth.in_dirs.float(), dim=1) @ F.normalize(V.T, dim=1).T  # [F, C]
    return (cos_out * cos_in).abs()


@dataclass(frozen=True)
class MechanismMatch:
    """mmcs: mean over (module, mechanism) of the best |cos| over all subcomponents;
    mmcs_alive: the same over alive subcomponents only (0 for a mechanism with none).
    alive_per_feature: per module, for each true feature, how many alive subcomponents
    resemble it more than any other feature (1 each for a perfect decomposition)."""

    mmcs: float
    mmcs_alive: float
    mmcs_per_module: dict[str, float]
    alive_per_feature: dict[str, list[int]]


def match_mechanisms(
    U: Mapping[str, Tensor],
    V: Mapping[str, Tensor],
    truth: Mapping[str, FeatureMechanisms],
    alive: Mapping[str, Tensor],
) -> MechanismMatch:
    """Compare modules that have a ground truth; alive: path -> bool [C]."""
    best_all: list[Tensor] = []
    best_alive: list[Tensor] = []
    per_module: dict[str, float] = {}
    per_feature: dict[str, list[int]] = {}
    for path in sorted(set(truth) & set(U)):
        similarity = mechanism_similarity(U[path], V[path], truth[path])  # [F, C]
        live = alive[path].cpu()
        n_features = similarity.shape[0]
        best = similarity.max(dim=1).values  # [F]
        live_similarity = similarity[:, live]  # [F, n_alive]
        best_live = live_similarity.max(dim=1).values if live.any() else torch.zeros(n_features)
        nearest = live_similarity.argmax(dim=0)  # [n_alive], the feature each resembles most
        best_all.append(best)
        best_alive.append(best_live)
        per_module[path] = float(best.mean())
        per_feature[path] = torch.bincount(nearest, minlength=n_features).tolist()
    if not best_all:
        raise ValueError("no decomposed module has a known ground truth")
    return MechanismMatch(
        mmcs=float(torch.cat(best_all).mean()),
        mmcs_alive=float(torch.cat(best_alive).mean()),
        mmcs_per_module=per_module,
        alive_per_feature=per_feature,
    )
