"""The decomposed model as one function of plain tensors: inputs and masks in, output and CI out.

This is what `model.onnx` computes and what the PyTorch intervention path runs, so both give
the same numbers for the same masks. The C axis concatenates the modules in sorted path order.
"""

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from paramlens.decomp.ci_functions import CIFunction
from paramlens.decomp.component_model import ComponentModel


@dataclass(frozen=True)
class ModuleSlice:
    """Module `path` holds columns offset .. offset + C − 1 of the C_total axis."""

    path: str
    C: int
    offset: int


def module_slices(model: ComponentModel) -> list[ModuleSlice]:
    """The C_total layout: every decomposed module in sorted path order."""
    slices: list[ModuleSlice] = []
    offset = 0
    for path, C in model.module_C.items():
        slices.append(ModuleSlice(path, C, offset))
        offset += C
    return slices


class MaskedForward(nn.Module):
    """forward(inputs, component_mask, delta_mask) -> (output, ci).

    inputs: token ids (B, T) or features (B, n_features).
    component_mask: (B, T, C_total) or (B, C_total), the mask of every subcomponent.
    delta_mask: (B, T, n_modules) or (B, n_modules), the mask of each module's Δ component.
    output: the target's output (logits (B, T, vocab) or (B, n_out)) under those masks.
    ci: (B, T, C_total) or (B, C_total), causal importances of the clean forward (lower leaky
    clamp), which the masks play no part in.

    Masks all 1 with Δ 1 reproduce the target; masks all 1 with Δ 0 is the "unmasked" evaluation.
    """

    def __init__(self, model: ComponentModel, ci_fn: CIFunction) -> None:
        super().__init__()
        self.model = model
        self.ci_fn = ci_fn
        self.paths = list(model.module_C)
        self.sizes = list(model.module_C.values())

    def forward(
        self, inputs: Tensor, component_mask: Tensor, delta_mask: Tensor
    ) -> tuple[Tensor, Tensor]:
        clean = self.model(inputs, cache=["inputs"])
        logits = self.ci_fn(clean.inputs, self.model.components_by_path)
        # lower_leaky's forward; its custom backward serves training only and does not export.
        ci = torch.cat([logits[path] for path in self.paths], dim=-1).clamp(0.0, 1.0)
        masks = dict(zip(self.paths, torch.split(component_mask, self.sizes, dim=-1), strict=True))
        delta_masks = {path: delta_mask[..., i] for i, path in enumerate(self.paths)}
        output = self.model(inputs, masks=masks, delta_masks=delta_masks).output
        return output, ci
