"""A frozen target model with rank-one components attached to chosen modules by forward hooks."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import partial
from typing import Any, Literal, get_args

import torch
from torch import Tensor, nn

from paramlens.decomp.components import Components, EmbeddingComponents, TransposedComponents
from paramlens.decomp.module_kinds import (
    DecomposedModule,
    describe_module,
    linear_bias,
    linear_weight,
    module_dict_key,
)

CacheKind = Literal["inputs", "outputs", "component_acts"]
CACHE_KINDS: frozenset[str] = frozenset(get_args(CacheKind))


@dataclass(frozen=True)
class ComponentActs:
    """Component activations of one module, for attribution graphs.

    pre: (..., C), x @ V in the autograd graph. post: (..., C), `pre` detached as a leaf that
    requires grad; it is what multiplies U, so d(anything)/d(post) is a direct effect.
    """

    pre: Tensor
    post: Tensor


@dataclass
class ForwardResult:
    """output: the target's output (e.g. logits (B, T, vocab)); caches keyed by module path.

    inputs: pre-weight activations (..., d_in), detached (token ids (...) for embeddings).
    outputs: module outputs (..., d_out), after masking, still in the autograd graph.
    component_acts: for modules that ran their components.
    """

    output: Tensor
    inputs: dict[str, Tensor] = field(default_factory=dict)
    outputs: dict[str, Tensor] = field(default_factory=dict)
    component_acts: dict[str, ComponentActs] = field(default_factory=dict)


class ComponentModel(nn.Module):
    """Wraps a frozen target and decomposes the modules in `modules` (path -> C).

    The target's parameters get requires_grad False and the target stays in eval mode. Module
    order everywhere is sorted path order. `select_output` turns the target's raw output into a
    tensor (e.g. `lambda out: out.logits` for Hugging Face models); without it the target must
    return a tensor. Components are drawn on the CPU (from `generator`, so the same seed gives
    the same components on any device) and moved to the device of their target weight.
    `transposes` maps a module path to another decomposed module whose weight is its
    transpose; the first then shares the second's subcomponents (`TransposedComponents`).
    """

    def __init__(
        self,
        target: nn.Module,
        modules: Mapping[str, int],
        select_output: Callable[[Any], Tensor] | None = None,
        generator: torch.Generator | None = None,
        transposes: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        if not modules:
            raise ValueError("no modules to decompose")
        target.requires_grad_(False)
        target.eval()
        self.target = target
        self.select_output = select_output
        self.module_paths: list[str] = sorted(modules)
        self.transposes: dict[str, str] = dict(transposes or {})
        named = dict(target.named_modules())
        self.decomposed: dict[str, DecomposedModule] = {}
        for path in self.module_paths:
            if path not in named:
                raise ValueError(f"the target has no module {path!r}")
            self.decomposed[path] = describe_module(path, named[path], modules[path])
        self._targets = {path: named[path] for path in self.module_paths}
        for path, source in self.transposes.items():
            self._check_transpose(path, source)
        # Components are drawn in sorted path order, the shared ones skipped, so a config
        # without `transposes` draws exactly what it always did.
        built: dict[str, Components] = {}
        for path in self.module_paths:
            if path in self.transposes:
                continue
            info = self.decomposed[path]
            component_type = EmbeddingComponents if info.kind == "embedding" else Components
            device = next(named[path].parameters()).device
            built[path] = component_type(info.d_in, info.d_out, info.C, generator).to(device)
        for path, source in self.transposes.items():
            built[path] = TransposedComponents(built[source])
        self.components = nn.ModuleDict()
        for path in self.module_paths:
            key = module_dict_key(path)
            if key in self.components:
                raise ValueError(f"module paths collide after replacing '.' by '-': {key!r}")
            self.components[key] = built[path]

    def _check_transpose(self, path: str, source: str) -> None:
        """`path` may share `source`'s subcomponents only if its weight is source's transpose."""
        if path not in self.decomposed:
            raise ValueError(f"transpose_of for {path!r}, which is not a decomposed module")
        if source not in self.decomposed:
            raise ValueError(
                f"module {path!r}: transpose_of {source!r} names no decomposed module; "
                f"decomposed: {', '.join(self.module_paths)}"
            )
        if source in self.transposes:
            raise ValueError(
                f"module {path!r}: transpose_of {source!r}, which itself shares another "
                "module's subcomponents; name that module instead"
            )
        info, other = self.decomposed[path], self.decomposed[source]
        if "embedding" in (info.kind, other.kind):
            raise ValueError(f"module {path!r}: embeddings cannot share subcomponents")
        if info.C != other.C:
            raise ValueError(
                f"module {path!r} has C={info.C} but {source!r}, whose subcomponents it "
                f"shares, has C={other.C}; give both the same C"
            )
        weight, source_weight = (linear_weight(self._targets[p]) for p in (path, source))
        if weight.shape != source_weight.T.shape or not torch.allclose(
            weight, source_weight.T, rtol=1e-5, atol=1e-6
        ):
            raise ValueError(
                f"module {path!r}: its weight {tuple(weight.shape)} is not the transpose of "
                f"{source!r}'s {tuple(source_weight.shape)}, so it cannot share its subcomponents"
            )

    def train(self, mode: bool = True) -> "ComponentModel":
        super().train(mode)
        self.target.eval()  # the target is frozen: no dropout, fixed normalisation statistics
        return self

    @property
    def module_C(self) -> dict[str, int]:
        """Module path -> C, in sorted path order."""
        return {path: info.C for path, info in self.decomposed.items()}

    def components_of(self, path: str) -> Components:
        """The components attached to the module at `path`."""
        components = self.components[module_dict_key(path)]
        assert isinstance(components, Components)
        return components

    @property
    def components_by_path(self) -> dict[str, Components]:
        """Module path -> components, in sorted path order."""
        return {path: self.components_of(path) for path in self.module_paths}

    def weight_deltas(self) -> dict[str, Tensor]:
        """Δ = W − (V@U)ᵀ per module: [d_out, d_in] (nn.Linear convention), differentiable in U, V.

        Computed with autocast off: Δ is a small difference of large matrices.
        """
        device_type = next(iter(self.components.parameters())).device.type
        with torch.autocast(device_type, enabled=False):
            return {
                path: linear_weight(self._targets[path]) - self.components_of(path).weight
                for path in self.module_paths
            }

    def forward(
        self,
        inputs: Any,
        masks: Mapping[str, Tensor] | None = None,
        delta_masks: Mapping[str, Tensor] | None = None,
        routing: Mapping[str, Tensor] | None = None,
        cache: Iterable[CacheKind] = (),
    ) -> ForwardResult:
        """Run the target, with components in place of the modules named in `masks`.

        inputs: whatever the target takes (e.g. token ids (B, T)).
        masks: path -> (..., C) component mask (broadcastable against the component
            activations). Modules without a mask run as the original target module.
        delta_masks: path -> (...) mask of the Δ component; a masked module without one
            leaves Δ out.
        routing: path -> bool (...); where False the module outputs the original x Wᵀ + b.
        cache: which of "inputs", "outputs", "component_acts" to record (see ForwardResult).
        """
        masks = dict(masks or {})
        delta_masks = dict(delta_masks or {})
        routing = dict(routing or {})
        kinds = frozenset(cache)
        unknown_kinds = kinds - CACHE_KINDS
        if unknown_kinds:
            known = sorted(CACHE_KINDS)
            raise ValueError(f"unknown cache kinds {sorted(unknown_kinds)}; known: {known}")
        self._check_mask_keys(masks, delta_masks, routing)

        inputs_cache: dict[str, Tensor] = {}
        outputs_cache: dict[str, Tensor] = {}
        acts_cache: dict[str, ComponentActs] = {}

        def hook(
            path: str, module: nn.Module, args: tuple[Any, ...], kwargs: dict[str, Any], y: Tensor
        ) -> Tensor:
            x = _single_input(path, args, kwargs)
            if "inputs" in kinds:
                inputs_cache[path] = x.detach()
            if path in masks:
                record = acts_cache if "component_acts" in kinds else None
                y = self._masked_output(
                    path, x, y, masks[path], delta_masks.get(path), routing.get(path), record
                )
            if "outputs" in kinds:
                outputs_cache[path] = y
            return y

        hooked = self.module_paths if kinds else sorted(masks)
        handles = [
            self._targets[path].register_forward_hook(partial(hook, path), with_kwargs=True)
            for path in hooked
        ]
        try:
            raw = self.target(inputs)
        finally:
            for handle in handles:
                handle.remove()
        return ForwardResult(self._select(raw), inputs_cache, outputs_cache, acts_cache)

    def _masked_output(
        self,
        path: str,
        x: Tensor,
        target_output: Tensor,
        mask: Tensor,
        delta_mask: Tensor | None,
        routing: Tensor | None,
        acts_cache: dict[str, ComponentActs] | None,
    ) -> Tensor:
        """The module's output with its components masked in, (..., d_out)."""
        components = self.components_of(path)
        acts = components.component_acts(x)  # (..., C)
        acts_into_U = None
        if acts_cache is not None:
            acts_into_U = acts.detach().requires_grad_()
            acts_cache[path] = ComponentActs(pre=acts, post=acts_into_U)
        bias = linear_bias(self._targets[path])
        out = components.masked_output(acts, target_output, bias, mask, delta_mask, acts_into_U)
        return out if routing is None else torch.where(routing.unsqueeze(-1), out, target_output)

    def _select(self, raw: Any) -> Tensor:
        if self.select_output is not None:
            return self.select_output(raw)
        if not isinstance(raw, Tensor):
            raise TypeError(
                f"the target returned a {type(raw).__name__}, not a tensor; "
                "pass select_output to ComponentModel (e.g. lambda out: out.logits)"
            )
        return raw

    def _check_mask_keys(
        self,
        masks: Mapping[str, Tensor],
        delta_masks: Mapping[str, Tensor],
        routing: Mapping[str, Tensor],
    ) -> None:
        for path, mask in masks.items():
            if path not in self.decomposed:
                raise ValueError(f"mask for {path!r}, which is not a decomposed module")
            C = self.decomposed[path].C
            if mask.shape[-1:] != (C,):
                raise ValueError(
                    f"mask for {path!r} has shape {tuple(mask.shape)}; its last dim must be C={C}"
                )
        for name, keyed in (("delta mask", delta_masks), ("routing", routing)):
            for path in keyed:
                if path not in masks:
                    raise ValueError(f"{name} for {path!r}, which has no component mask")


def _single_input(path: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Tensor:
    values = list(args) + list(kwargs.values())
    if len(values) != 1 or not isinstance(values[0], Tensor):
        raise TypeError(f"module {path!r} must be called with exactly one tensor argument")
    return values[0]
