"""Residual MLP on the "compressed computation" task (APD/SPD papers' second toy target).

n_features sparse inputs are embedded in a d_embed residual stream by a fixed random W_E
(unit-norm rows, never trained), MLP layers (ReLU, no biases) add to the stream, and W_Eᵀ
reads it out. The model learns y_i = x_i + ReLU(x_i) for every feature with fewer neurons
than features. Module names (`layers.{i}.mlp_in`, `layers.{i}.mlp_out`) match the
reference configs' `module_info`.
"""

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlens.data.sparse_features import SparseFeatureTask
from paramlens.targets.mechanisms import FeatureMechanisms

FEATURE_PROB = 0.01


@dataclass(frozen=True)
class ResidMLPConfig:
    n_features: int = 100
    d_embed: int = 1000
    d_mlp: int = 50  # neurons per layer
    n_layers: int = 1

    def __post_init__(self) -> None:
        for name in ("n_features", "d_embed", "d_mlp", "n_layers"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")


class MLP(nn.Module):
    def __init__(self, d_embed: int, d_mlp: int) -> None:
        super().__init__()
        self.mlp_in = nn.Linear(d_embed, d_mlp, bias=False)
        self.mlp_out = nn.Linear(d_mlp, d_embed, bias=False)

    def forward(self, x: Tensor) -> Tensor:
        out: Tensor = self.mlp_out(F.relu(self.mlp_in(x)))
        return out


class ResidMLP(nn.Module):
    W_E: Tensor

    def __init__(self, config: ResidMLPConfig) -> None:
        super().__init__()
        self.config = config
        embed = torch.randn(config.n_features, config.d_embed)
        # A buffer, not a parameter: the embedding is part of the task, not of what is learned.
        self.register_buffer(
            "W_E", embed / embed.norm(dim=-1, keepdim=True)
        )  # [n_features, d_embed]
        self.layers = nn.ModuleList(
            MLP(config.d_embed, config.d_mlp) for _ in range(config.n_layers)
        )

    def forward(self, x: Tensor) -> Tensor:
        resid = x @ self.W_E  # [..., d_embed]
        for layer in self.layers:
            resid = resid + layer(resid)
        return resid @ self.W_E.T  # [..., n_features]


def task(config: ResidMLPConfig) -> SparseFeatureTask:
    """The training distribution: features active with probability 0.01, values U(-1, 1)."""
    return SparseFeatureTask(config.n_features, FEATURE_PROB, (-1.0, 1.0))


def labels(x: Tensor) -> Tensor:
    return x + F.relu(x)


def trainable_parameters(model: ResidMLP) -> list[Tensor]:
    return list(model.layers.parameters())


def training_loss(model: ResidMLP, x: Tensor) -> Tensor:
    return F.mse_loss(model(x), labels(x))


def mechanisms(model: ResidMLP) -> dict[str, FeatureMechanisms]:
    """Each layer's per-feature pieces, seen through the feature embedding directions.

    mlp_in reads feature i along W_E[i] and writes the neuron pattern W_in W_E[i]; mlp_out
    reads the neurons' write-out onto feature i (W_outᵀ W_E[i]) and writes along W_E[i].
    Their sums are W_in and W_out restricted to the span of the embeddings; a decomposition
    that gives each feature its own subcomponent(s) matches these up to sign and scale.
    """
    embed = model.W_E.detach()  # [n_features, d_embed]
    result: dict[str, FeatureMechanisms] = {}
    for i, layer in enumerate(model.layers):
        assert isinstance(layer, MLP)
        w_in = layer.mlp_in.weight.detach()  # [d_mlp, d_embed]
        w_out = layer.mlp_out.weight.detach()  # [d_embed, d_mlp]
        result[f"layers.{i}.mlp_in"] = FeatureMechanisms(
            in_dirs=embed.clone(), out_dirs=embed @ w_in.T
        )
        result[f"layers.{i}.mlp_out"] = FeatureMechanisms(
            in_dirs=embed @ w_out, out_dirs=embed.clone()
        )
    return result
