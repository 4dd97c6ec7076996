"""Causal-importance (CI) functions: pre-sigmoid logits (..., C) for every decomposed module.

Layerwise functions (SPD era) see one module's input each:
- LayerwiseMLPCI ("mlp"): an MLP per subcomponent on the scalar h_c = x @ V_c;
- VectorMLPCI ("vector_mlp"): an MLP per subcomponent on the whole input x;
- SharedMLPCI ("shared_mlp"): one MLP d_in -> hidden -> C per module.
An embedding's input is a one-hot token; layerwise functions read it through its component
activation V[token] (..., C) instead, so their d_in for an embedding is C.

The global transformer (VPD) is in ci_transformer.py.
"""

import math
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from paramlens.decomp.components import Components
from paramlens.decomp.module_kinds import DecomposedModule, module_dict_key
from paramlens.decomp.sigmoids import LEAKY_ALPHA, lower_leaky, upper_leaky


@dataclass(frozen=True)
class CausalImportance:
    """Per module path, (..., C) each: lower for masks, upper for minimality, logits raw."""

    lower: dict[str, Tensor]
    upper: dict[str, Tensor]
    logits: dict[str, Tensor]


def causal_importance(logits: Mapping[str, Tensor], alpha: float = LEAKY_ALPHA) -> CausalImportance:
    """Apply the lower and upper leaky clamps to CI logits (..., C) per module."""
    return CausalImportance(
        lower={path: lower_leaky(z, alpha) for path, z in logits.items()},
        upper={path: upper_leaky(z, alpha) for path, z in logits.items()},
        logits=dict(logits),
    )


class CIFunction(nn.Module, ABC):
    """Maps the pre-weight inputs of the decomposed modules to CI logits.

    forward(inputs, components): inputs is path -> (..., d_in) (token ids (...) for an
    embedding), as cached by ComponentModel; components is path -> Components. Returns
    path -> (..., C) logits in sorted path order.
    """

    @abstractmethod
    def forward(
        self, inputs: Mapping[str, Tensor], components: Mapping[str, Components]
    ) -> dict[str, Tensor]: ...


def _layerwise_input(
    info: DecomposedModule, inputs: Mapping[str, Tensor], components: Mapping[str, Components]
) -> Tensor:
    x = inputs[info.path]
    return components[info.path].component_acts(x) if info.kind == "embedding" else x


def _layerwise_d_in(info: DecomposedModule) -> int:
    return info.C if info.kind == "embedding" else info.d_in


class PerComponentMLP(nn.Module):
    """C independent MLPs [d_in, *hidden_dims, 1] with GELU, evaluated together.

    Init: hidden layers N(0, 2/fan_in) (for the GELU after them), the output layer
    N(0, 1/fan_in), biases 0.
    """

    def __init__(self, C: int, d_in: int, hidden_dims: Sequence[int]) -> None:
        super().__init__()
        dims = [d_in, *hidden_dims, 1]
        self.weights = nn.ParameterList()
        self.biases = nn.ParameterList()
        for i, (fan_in, fan_out) in enumerate(zip(dims[:-1], dims[1:], strict=True)):
            gain = 1.0 if i == len(dims) - 2 else 2.0
            std = math.sqrt(gain / fan_in)
            self.weights.append(nn.Parameter(torch.randn(C, fan_in, fan_out) * std))
            self.biases.append(nn.Parameter(torch.zeros(C, fan_out)))

    def forward(self, x: Tensor, shared_input: bool) -> Tensor:
        """x: (..., C, d_in), or (..., d_in) read by all C when shared_input -> (..., C)."""
        n_layers = len(self.weights)
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            fan_in, fan_out = weight.shape[1:]
            if i == 0 and shared_input:
                x = torch.einsum("...i,cio->...co", x, weight)
            elif fan_in == 1:
                # One input per MLP: a broadcast product. A batched matmul with inner
                # dimension 1 is slow and leaves a strided result that slows the GELU after it.
                x = x * weight.squeeze(1)
            elif fan_out == 1:
                x = (x * weight.squeeze(2)).sum(-1, keepdim=True)  # one dot product per MLP
            else:
                x = torch.einsum("...ci,cio->...co", x, weight)
            x = x + bias  # (..., C, d_out of layer i)
            if i < n_layers - 1:
                x = F.gelu(x)
        return x.squeeze(-1)


class LayerwiseMLPCI(CIFunction):
    """The "mlp" CI function: logit_c = MLP_c(h_c), h_c = x @ V_c the subcomponent's activation."""

    def __init__(self, modules: Mapping[str, DecomposedModule], hidden_dims: Sequence[int]) -> None:
        super().__init__()
        self.infos = [modules[path] for path in sorted(modules)]
        self.mlps = nn.ModuleDict(
            {
                module_dict_key(info.path): PerComponentMLP(info.C, 1, hidden_dims)
                for info in self.infos
            }
        )

    def forward(
        self, inputs: Mapping[str, Tensor], components: Mapping[str, Components]
    ) -> dict[str, Tensor]:
        logits = {}
        for info in self.infos:
            acts = components[info.path].component_acts(inputs[info.path])  # (..., C)
            mlp = self.mlps[module_dict_key(info.path)]
            logits[info.path] = mlp(acts.unsqueeze(-1), shared_input=False)
        return logits


class VectorMLPCI(CIFunction):
    """The "vector_mlp" CI function: logit_c = MLP_c(x), an MLP per subcomponent on all of x."""

    def __init__(self, modules: Mapping[str, DecomposedModule], hidden_dims: Sequence[int]) -> None:
        super().__init__()
        self.infos = [modules[path] for path in sorted(modules)]
        self.mlps = nn.ModuleDict(
            {
                module_dict_key(info.path): PerComponentMLP(
                    info.C, _layerwise_d_in(info), hidden_dims
                )
                for info in self.infos
            }
        )

    def forward(
        self, inputs: Mapping[str, Tensor], components: Mapping[str, Components]
    ) -> dict[str, Tensor]:
        return {
            info.path: self.mlps[module_dict_key(info.path)](
                _layerwise_input(info, inputs, components), shared_input=True
            )
            for info in self.infos
        }


class SharedMLPCI(CIFunction):
    """The "shared_mlp" CI function: logits = MLP(x), d_in -> *hidden_dims -> C, GELU."""

    def __init__(self, modules: Mapping[str, DecomposedModule], hidden_dims: Sequence[int]) -> None:
        super().__init__()
        self.infos = [modules[path] for path in sorted(modules)]
        self.mlps = nn.ModuleDict()
        for info in self.infos:
            dims = [_layerwise_d_in(info), *hidden_dims, info.C]
            layers: list[nn.Module] = []
            for fan_in, fan_out in zip(dims[:-1], dims[1:], strict=True):
                layers += [nn.Linear(fan_in, fan_out), nn.GELU()]
            self.mlps[module_dict_key(info.path)] = nn.Sequential(*layers[:-1])

    def forward(
        self, inputs: Mapping[str, Tensor], components: Mapping[str, Components]
    ) -> dict[str, Tensor]:
        return {
            info.path: self.mlps[module_dict_key(info.path)](
                _layerwise_input(info, inputs, components)
            )
            for info in self.infos
        }
