"""Toy Model of Superposition (Elhage et al. 2022), the SPD paper's first toy target.

n_features sparse inputs are squeezed through n_hidden < n_features dimensions and read back
out through a ReLU: out = ReLU(W2 (Wh ... (W1 x)) + b). In training W2 is tied to W1ᵀ; the
"-id" variants insert fixed identity layers Wh between the two, which SPD should decompose
into n_hidden rank-one pieces. Module names match the reference configs' `module_info`.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn
from torch.func import functional_call

from paramlens.data.sparse_features import SparseFeatureTask
from paramlens.targets.mechanisms import FeatureMechanisms

FEATURE_PROB = 0.05


@dataclass(frozen=True)
class TMSConfig:
    n_features: int
    n_hidden: int
    n_hidden_layers: int = 0  # fixed identity layers between linear1 and linear2

    def __post_init__(self) -> None:
        if not 0 < self.n_hidden <= self.n_features:
            raise ValueError(
                f"need 0 < n_hidden <= n_features, got {self.n_hidden}, {self.n_features}"
            )
        if self.n_hidden_layers < 0:
            raise ValueError(f"n_hidden_layers must be non-negative, got {self.n_hidden_layers}")


class TMS(nn.Module):
    def __init__(self, config: TMSConfig) -> None:
        super().__init__()
        self.config = config
        self.linear1 = nn.Linear(config.n_features, config.n_hidden, bias=False)
        self.hidden_layers = nn.ModuleList(
            _identity(config.n_hidden) for _ in range(config.n_hidden_layers)
        )
        self.linear2 = nn.Linear(config.n_hidden, config.n_features, bias=True)
        with torch.no_grad():
            self.linear2.weight.copy_(self.linear1.weight.T)
            self.linear2.bias.zero_()

    def forward(self, x: Tensor) -> Tensor:
        h = self.linear1(x)  # [..., n_hidden]
        for layer in self.hidden_layers:
            h = layer(h)
        return F.relu(self.linear2(h))  # [..., n_features]


def _identity(n: int) -> nn.Linear:
    layer = nn.Linear(n, n, bias=False)
    with torch.no_grad():
        layer.weight.copy_(torch.eye(n))
    return layer


def task(config: TMSConfig) -> SparseFeatureTask:
    """The training distribution: features active with probability 0.05, values U(0, 1)."""
    return SparseFeatureTask(config.n_features, FEATURE_PROB, (0.0, 1.0))


def trainable_parameters(model: TMS) -> list[Tensor]:
    # linear2.weight is tied to linear1.weight during training; the identity layers stay fixed.
    return [model.linear1.weight, model.linear2.bias]


def training_loss(model: TMS, x: Tensor) -> Tensor:
    """MSE between the input and its reconstruction, with linear2's weight tied to linear1ᵀ."""
    out = functional_call(model, {"linear2.weight": model.linear1.weight.T}, (x,))
    return F.mse_loss(out, x)


def untie(model: TMS) -> None:
    """Give linear2 its own copy of linear1ᵀ, so each matrix can be decomposed separately."""
    with torch.no_grad():
        model.linear2.weight.copy_(model.linear1.weight.T)


def mechanisms(model: TMS) -> dict[str, FeatureMechanisms]:
    """Feature i's piece of linear1 reads e_i, writes W1[:, i]; linear2 reads W2[i], writes e_i.

    The identity layers have no per-feature ground truth: any orthonormal basis of n_hidden
    rank-one pieces sums to the identity, so they are judged by the count of live
    subcomponents instead.
    """
    w1 = model.linear1.weight.detach()  # [n_hidden, n_features]
    w2 = model.linear2.weight.detach()  # [n_features, n_hidden]
    eye = torch.eye(model.config.n_features)
    return {
        "linear1": FeatureMechanisms(in_dirs=eye, out_dirs=w1.T.clone()),
        "linear2": FeatureMechanisms(in_dirs=w2.clone(), out_dirs=eye),
    }
