"""Training loop for the toy targets: AdamW on fresh sparse-feature batches, MSE loss."""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import torch
from torch import Tensor
from tqdm import tqdm

from paramlens.data.sparse_features import SparseFeatureTask
from paramlens.devices import single_thread

TRAIN_STREAM = 0
EVAL_STREAM = 1  # batches for the final loss, never seen in training
EVAL_BATCHES = 10


@dataclass(frozen=True)
class ToyRecipe:
    steps: int
    batch_size: int
    lr: float
    lr_schedule: Literal["constant", "cosine"]
    weight_decay: float = 0.01


def train_toy(
    loss_fn: Callable[[Tensor], Tensor],
    params: Sequence[Tensor],
    task: SparseFeatureTask,
    recipe: ToyRecipe,
    seed: int,
    progress: bool,
    desc: str,
) -> float:
    """Minimise `loss_fn` over `params` and return the mean loss on held-out batches."""
    # Toy matrices are tiny: thread synchronisation costs more than it saves (several times
    # more on a busy CPU), and a fixed thread count gives the same floats on every machine.
    with single_thread():
        batches = task.batches(recipe.batch_size, seed, stream=TRAIN_STREAM)
        optimizer = torch.optim.AdamW(params, lr=recipe.lr, weight_decay=recipe.weight_decay)
        bar = tqdm(range(recipe.steps), desc=desc, disable=not progress, dynamic_ncols=True)
        for step in bar:
            lr = _lr(recipe, step)
            for group in optimizer.param_groups:
                group["lr"] = lr
            loss = loss_fn(batches.batch_at(step))
            optimizer.zero_grad(set_to_none=True)
            torch.autograd.backward(loss)
            optimizer.step()
            if step % 100 == 0 or step == recipe.steps - 1:
                bar.set_postfix(loss=f"{loss.item():.3e}")

        held_out = task.batches(recipe.batch_size, seed, stream=EVAL_STREAM)
        with torch.no_grad():
            losses = [loss_fn(held_out.batch_at(i)).item() for i in range(EVAL_BATCHES)]
        return sum(losses) / len(losses)


def _lr(recipe: ToyRecipe, step: int) -> float:
    if recipe.lr_schedule == "constant":
        return recipe.lr
    progress = step / max(recipe.steps - 1, 1)
    return recipe.lr * 0.5 * (1.0 + math.cos(math.pi * progress))
