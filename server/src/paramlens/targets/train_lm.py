"""Training loop for language-model targets: next-token cross-entropy, AdamW, warmup + cosine."""

import math
from collections.abc import Iterable
from dataclasses import dataclass

import torch
from torch import Tensor, nn
from tqdm import tqdm

from paramlens.data.text import TextSplits, WindowBatches
from paramlens.decomp.output_losses import next_token_ce

TRAIN_STREAM = 0
SAMPLE_STREAM = 1  # the training windows the final train loss is measured on
FINAL_TRAIN_BATCHES = 8


@dataclass(frozen=True)
class LMRecipe:
    steps: int
    batch_size: int
    lr: float
    warmup_steps: int
    min_lr_frac: float = 0.1
    weight_decay: float = 0.1
    grad_clip: float = 1.0


@dataclass(frozen=True)
class LMLosses:
    """Mean next-token cross-entropy in nats per token."""

    train_ce: float
    eval_ce: float | None  # None when the data has no eval split


def train_lm(
    model: nn.Module, splits: TextSplits, recipe: LMRecipe, seed: int, progress: bool, desc: str
) -> LMLosses:
    """Train `model` on `splits.train` and measure it on train windows and the eval split."""
    batches = WindowBatches(splits.train, recipe.batch_size, seed, stream=TRAIN_STREAM)
    # Decay matrices only; gains and biases stay free, as in GPT-2 style training.
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [
        {"params": [p for p in params if p.ndim >= 2], "weight_decay": recipe.weight_decay},
        {"params": [p for p in params if p.ndim < 2], "weight_decay": 0.0},
    ]
    optimizer = torch.optim.AdamW(groups, lr=recipe.lr, betas=(0.9, 0.95))
    model.train()
    bar = tqdm(range(recipe.steps), desc=desc, disable=not progress, dynamic_ncols=True)
    for step in bar:
        lr = _lr(recipe, step)
        for group in optimizer.param_groups:
            group["lr"] = lr
        ids = batches.batch_at(step)
        loss = next_token_ce(model(ids), ids)
        optimizer.zero_grad(set_to_none=True)
        torch.autograd.backward(loss)
        torch.nn.utils.clip_grad_norm_(params, recipe.grad_clip)
        optimizer.step()
        if step % 10 == 0 or step == recipe.steps - 1:
            bar.set_postfix(ce=f"{loss.item():.3f}")
    model.eval()

    sample = WindowBatches(splits.train, recipe.batch_size, seed, stream=SAMPLE_STREAM)
    train_ce = mean_ce(model, (sample.batch_at(i) for i in range(FINAL_TRAIN_BATCHES)))
    eval_ce = mean_ce(model, splits.eval.in_order(recipe.batch_size)) if len(splits.eval) else None
    return LMLosses(train_ce=train_ce, eval_ce=eval_ce)


def mean_ce(model: nn.Module, batches: Iterable[Tensor]) -> float:
    """Mean next-token cross-entropy over token-id batches [B, T], in nats per token."""
    total, count = 0.0, 0
    with torch.no_grad():
        for ids in batches:
            n = ids.shape[0] * (ids.shape[1] - 1)
            total += next_token_ce(model(ids), ids).item() * n
            count += n
    return total / count


def _lr(recipe: LMRecipe, step: int) -> float:
    if step < recipe.warmup_steps:
        return recipe.lr * (step + 1) / recipe.warmup_steps
    progress = (step - recipe.warmup_steps) / max(recipe.steps - recipe.warmup_steps - 1, 1)
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))
    return recipe.lr * (recipe.min_lr_frac + (1.0 - recipe.min_lr_frac) * cosine)
