"""The free parameters of a circuit: pre-sigmoid CI of the prompt's alive subcomponents.

Alive means CI > 0 under the run's CI function. Each alive (position, component) gets a
parameter initialised from the CI function's logit; every other pair stays at logit 0 (CI 0)
and is never optimised, as in spec section 10.
"""

from collections.abc import Mapping

from torch import Tensor

from paramlens.decomp.ci_functions import CausalImportance, causal_importance


class CircuitCI:
    """alive: path -> (T, C) bool. logits: path -> (n_alive,) parameters, in the order of
    alive.nonzero()."""

    def __init__(self, initial_logits: Mapping[str, Tensor]) -> None:
        """initial_logits: path -> (T, C), the CI function's pre-sigmoid values."""
        self.alive = {path: z.detach() > 0 for path, z in initial_logits.items()}
        self.logits = {
            path: z.detach()[self.alive[path]].clone().requires_grad_()
            for path, z in initial_logits.items()
        }

    def parameters(self) -> list[Tensor]:
        return list(self.logits.values())

    def causal_importance(self) -> CausalImportance:
        """Lower, upper and raw CI, path -> (1, T, C), differentiable in the parameters."""
        full = {
            path: self.logits[path]
            .new_zeros(alive.shape)
            .masked_scatter(alive, self.logits[path])[None]
            for path, alive in self.alive.items()
        }
        return causal_importance(full)

    def lower(self) -> dict[str, Tensor]:
        """The circuit's CI, path -> (T, C), detached."""
        return {path: g[0].detach() for path, g in self.causal_importance().lower.items()}
