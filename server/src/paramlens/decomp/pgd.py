"""Adversarial mask sources found by projected gradient ascent on the reconstruction loss.

Sources r in [0, 1] have C + 1 channels per module (the last is Δ's) and give masks
m = g + (1 − g)·r[..., :C] and m_Δ = r[..., C]. The adversary raises the loss; the
decomposition is trained (persistent PGD) or judged (fresh PGD) against it.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import torch
import torch.distributed as dist
from torch import Tensor

from paramlens.decomp.component_model import ComponentModel
from paramlens.decomp.masks import masks_from_sources
from paramlens.decomp.output_losses import OutputLoss, masked_recon_loss
from paramlens.decomp.schedules import ScheduleKind, lr_schedule

PGDScope = Literal[
    "per_batch_per_position", "single", "broadcast_across_batch", "repeat_across_batch"
]
PGDOptimizer = Literal["adam", "sign"]
MaskedLossFn = Callable[[dict[str, Tensor], dict[str, Tensor] | None], Tensor]
"""(masks path -> (..., C), Δ masks path -> (...) or None) -> scalar reconstruction loss."""


def _is_distributed() -> bool:
    return dist.is_available() and dist.is_initialized()


def _average_across_ranks(tensors: Sequence[Tensor]) -> None:
    # gloo has no AVG reduction: sum, then divide
    world_size = dist.get_world_size()
    for tensor in tensors:
        dist.all_reduce(tensor, op=dist.ReduceOp.SUM)
        tensor.div_(world_size)


def _broadcast_from_rank0(tensors: Sequence[Tensor]) -> None:
    for tensor in tensors:
        dist.broadcast(tensor, src=0)


@dataclass(frozen=True)
class PersistentPGDConfig:
    """Persistent PGD settings (defaults: the VPD paper run).

    scope: sources per module of shape
      per_batch_per_position (B, T, C + 1), one per batch element and position, per rank;
      single (1, 1, C + 1); broadcast_across_batch (1, T, C + 1);
      repeat_across_batch (n_sources, T, C + 1), tiled to B (n_sources divides B).
    Scopes other than per_batch_per_position are shared across ranks: same init, averaged
    gradients. optimizer: "adam" ascent (bias-corrected, src += lr·m̂/(√v̂ + eps)) or "sign"
    ascent (src += lr·sign(grad)); sources are clamped to [0, 1] after each update. The lr
    follows lr_schedule(lr, lr_warmup_frac, lr_final_frac, lr_kind) over training steps.
    n_warmup_steps: ascent steps on each new batch before the loss enters training.
    """

    scope: PGDScope = "per_batch_per_position"
    n_sources: int = 1
    optimizer: PGDOptimizer = "adam"
    lr: float = 0.01
    lr_warmup_frac: float = 0.025
    lr_final_frac: float = 1.0
    lr_kind: ScheduleKind = "constant"
    beta1: float = 0.5
    beta2: float = 0.99
    eps: float = 1e-8
    n_warmup_steps: int = 2
    use_delta: bool = True


class PersistentPGD:
    """Adversarial sources that persist across training steps (a new batch meets old sources).

    Per training step: warmup() ascends on the new batch with CI detached; the loss from
    masks() enters the total loss; source_grads() takes its gradient before the main
    backward; step() ascends once more with that gradient afterwards.

    module_C: path -> C. leading_shape: the per-rank batch shape of CI, (B, T) or (B,).
    generator: a CPU generator for the initial U(0, 1) sources (moved to `device` after).
    """

    def __init__(
        self,
        module_C: Mapping[str, int],
        leading_shape: Sequence[int],
        config: PersistentPGDConfig,
        total_steps: int,
        device: torch.device | None = None,
        generator: torch.Generator | None = None,
    ) -> None:
        self.config = config
        self.total_steps = total_steps
        self.leading_shape = tuple(leading_shape)
        self.shared_across_ranks = config.scope != "per_batch_per_position"
        shape = self._source_leading_shape()
        self.sources = {
            path: torch.rand((*shape, C + 1), generator=generator).to(device)
            for path, C in sorted(module_C.items())
        }
        if self.shared_across_ranks and _is_distributed():
            _broadcast_from_rank0(list(self.sources.values()))
        for source in self.sources.values():
            source.requires_grad_()
        self.exp_avg: dict[str, Tensor] = {}
        self.exp_avg_sq: dict[str, Tensor] = {}
        if config.optimizer == "adam":
            self.exp_avg = {path: torch.zeros_like(s) for path, s in self.sources.items()}
            self.exp_avg_sq = {path: torch.zeros_like(s) for path, s in self.sources.items()}
        self.n_updates = 0

    def _source_leading_shape(self) -> tuple[int, ...]:
        B, *positions = self.leading_shape
        ones = [1] * len(positions)
        scope = self.config.scope
        if scope == "per_batch_per_position":
            return (B, *positions)
        if scope == "single":
            return (1, *ones)
        if scope == "broadcast_across_batch":
            return (1, *positions)
        n = self.config.n_sources
        if n <= 0 or B % n:
            raise ValueError(f"repeat_across_batch: n_sources {n} must divide the batch size {B}")
        return (n, *positions)

    def lr(self, training_step: int) -> float:
        """The ascent step size at `training_step`."""
        c = self.config
        return lr_schedule(
            training_step, self.total_steps, c.lr, c.lr_warmup_frac, c.lr_final_frac, c.lr_kind
        )

    def masks(self, ci: Mapping[str, Tensor]) -> tuple[dict[str, Tensor], dict[str, Tensor] | None]:
        """Masks path -> (..., C) and Δ masks path -> (...) (None without Δ) from the sources.

        ci: path -> (*leading_shape, C), the lower-leaky causal importances.
        """
        for path, g in ci.items():
            if tuple(g.shape[:-1]) != self.leading_shape:
                raise ValueError(
                    f"CI for {path!r} has leading shape {tuple(g.shape[:-1])}; persistent PGD "
                    f"sources were made for {self.leading_shape}"
                )
        B = self.leading_shape[0]
        sources = {
            path: s.repeat(B // s.shape[0], *[1] * (s.ndim - 1))
            if self.config.scope == "repeat_across_batch"
            else s
            for path, s in self.sources.items()
        }
        masks, delta_masks = masks_from_sources(ci, sources)
        return masks, delta_masks if self.config.use_delta else None

    def source_grads(self, loss: Tensor, retain_graph: bool = True) -> dict[str, Tensor]:
        """d(loss)/d(source) per module, leaving .grad of every parameter untouched.

        Keeps the graph by default so the same loss can be backpropagated into the model.
        """
        grads = torch.autograd.grad(
            loss, list(self.sources.values()), retain_graph=retain_graph, materialize_grads=True
        )
        return dict(zip(self.sources, grads, strict=True))

    def step(self, grads: Mapping[str, Tensor], training_step: int) -> None:
        """One ascent update of every source with `grads`, then clamp to [0, 1]."""
        grad_list = [grads[path] for path in self.sources]
        if self.shared_across_ranks and _is_distributed():
            _average_across_ranks(grad_list)
        lr = self.lr(training_step)
        c = self.config
        self.n_updates += 1
        bias_correction1 = 1 - c.beta1**self.n_updates
        bias_correction2 = 1 - c.beta2**self.n_updates
        with torch.no_grad():
            for (path, source), grad in zip(self.sources.items(), grad_list, strict=True):
                if c.optimizer == "sign":
                    source.add_(grad.sign(), alpha=lr)
                else:
                    exp_avg, exp_avg_sq = self.exp_avg[path], self.exp_avg_sq[path]
                    exp_avg.mul_(c.beta1).add_(grad, alpha=1 - c.beta1)
                    exp_avg_sq.mul_(c.beta2).addcmul_(grad, grad, value=1 - c.beta2)
                    denominator = (exp_avg_sq / bias_correction2).sqrt_().add_(c.eps)
                    source.addcdiv_(exp_avg / bias_correction1, denominator, value=lr)
                source.clamp_(0.0, 1.0)

    def warmup(self, ci: Mapping[str, Tensor], loss_fn: MaskedLossFn, training_step: int) -> None:
        """config.n_warmup_steps ascent steps on loss_fn(masks, Δ masks), with CI detached."""
        detached = {path: g.detach() for path, g in ci.items()}
        for _ in range(self.config.n_warmup_steps):
            masks, delta_masks = self.masks(detached)
            loss = loss_fn(masks, delta_masks)
            self.step(self.source_grads(loss, retain_graph=False), training_step)

    def state_dict(self) -> dict[str, Tensor]:
        """Flat tensors (safetensors-ready): sources.<path>, exp_avg.<path>, exp_avg_sq.<path>
        (Adam only) and n_updates. The tensors are live references, like nn.Module.state_dict."""
        state = {f"sources.{path}": s.detach() for path, s in self.sources.items()}
        state |= {f"exp_avg.{path}": m for path, m in self.exp_avg.items()}
        state |= {f"exp_avg_sq.{path}": v for path, v in self.exp_avg_sq.items()}
        state["n_updates"] = torch.tensor(self.n_updates, dtype=torch.int64)
        return state

    def load_state_dict(self, state: Mapping[str, Tensor]) -> None:
        """Restore what state_dict() returned; keys and shapes must match exactly."""
        own = self.state_dict()
        if set(state) != set(own):
            missing, unexpected = sorted(set(own) - set(state)), sorted(set(state) - set(own))
            raise ValueError(
                f"persistent PGD state mismatch: missing {missing}, unexpected {unexpected}"
            )
        for key, tensor in own.items():
            if state[key].shape != tensor.shape:
                raise ValueError(
                    f"persistent PGD state {key!r} has shape {tuple(state[key].shape)}; "
                    f"expected {tuple(tensor.shape)}"
                )
        with torch.no_grad():
            for key, tensor in own.items():
                if key != "n_updates":
                    tensor.copy_(state[key])
        self.n_updates = int(state["n_updates"])


def fresh_pgd_eval(
    model: ComponentModel,
    batch: Any,
    ci: Mapping[str, Tensor],
    target_output: Tensor,
    output_loss: OutputLoss,
    n_steps: int = 20,
    step_size: float = 0.1,
    generator: torch.Generator | None = None,
    use_delta: bool = True,
    shared: bool = True,
) -> Tensor:
    """Reconstruction loss under a fresh adversary: the headline faithfulness metric.

    One source (1, 1, C + 1) per module shared by every batch element and position (so the
    attack must be systematic, not fit noise), init U(0, 1), n_steps of sign ascent with
    step_size, clamped to [0, 1], all modules masked. ci: path -> (B, T, C) lower-leaky CI.
    shared=False gives every batch element and position its own source (B, T, C + 1).
    generator: a CPU generator for the initial sources.
    Returns the loss at the final sources, detached (a scalar tensor; no host sync).
    """
    detached = {path: g.detach() for path, g in ci.items()}
    sources = {}
    for path, g in detached.items():
        leading = (1,) * (g.ndim - 1) if shared else tuple(g.shape[:-1])
        sources[path] = torch.rand((*leading, g.shape[-1] + 1), generator=generator).to(g.device)
    if shared and _is_distributed():
        _broadcast_from_rank0(list(sources.values()))
    for source in sources.values():
        source.requires_grad_()

    def loss_at_sources() -> Tensor:
        masks, delta_masks = masks_from_sources(detached, sources)
        return masked_recon_loss(
            model, batch, target_output, output_loss, masks, delta_masks if use_delta else None
        )

    for _ in range(n_steps):
        grads = list(
            torch.autograd.grad(loss_at_sources(), list(sources.values()), materialize_grads=True)
        )
        if shared and _is_distributed():
            _average_across_ranks(grads)
        with torch.no_grad():
            for source, grad in zip(sources.values(), grads, strict=True):
                source.add_(grad.sign(), alpha=step_size).clamp_(0.0, 1.0)
    with torch.no_grad():
        return loss_at_sources()
