"""The built-in targets: architecture and training recipe for each name, and how to train one."""

import dataclasses
from dataclasses import dataclass

import torch
from torch import nn

from paramlens.data.bundled import VOCAB_SIZE, bundled_text_config
from paramlens.data.text import load_text_data
from paramlens.targets import resid_mlp, tms
from paramlens.targets.llama import Llama, LlamaConfig
from paramlens.targets.resid_mlp import ResidMLP, ResidMLPConfig
from paramlens.targets.tms import TMS, TMSConfig
from paramlens.targets.train_lm import LMRecipe, train_lm
from paramlens.targets.train_toy import ToyRecipe, train_toy

Arch = TMSConfig | ResidMLPConfig | LlamaConfig


@dataclass(frozen=True)
class Builtin:
    name: str
    arch: Arch
    recipe: ToyRecipe | LMRecipe


# Toy recipes follow the reference's training scripts (goodfire-ai/spd experiments/*/train_*.py),
# with fewer steps where a CPU would take minutes for little gain: TMS 40-10 has converged by
# 2000 steps (same loss, all 40 features represented; reference 10000), and 3-layer ResidMLP
# reaches 6.7e-4 in 3000 steps against 6.5e-4 in the reference's 10000.
_TMS_SMALL = ToyRecipe(steps=10_000, batch_size=1024, lr=5e-3, lr_schedule="constant")
_TMS_LARGE = ToyRecipe(steps=3_000, batch_size=8192, lr=5e-3, lr_schedule="constant")
_RESID = ToyRecipe(steps=1_000, batch_size=2048, lr=3e-3, lr_schedule="cosine")
_RESID_DEEP = ToyRecipe(steps=3_000, batch_size=2048, lr=3e-3, lr_schedule="cosine")

BUILTINS: dict[str, Builtin] = {
    b.name: b
    for b in (
        Builtin("tms_5-2", TMSConfig(n_features=5, n_hidden=2), _TMS_SMALL),
        Builtin("tms_5-2-id", TMSConfig(n_features=5, n_hidden=2, n_hidden_layers=1), _TMS_SMALL),
        Builtin("tms_40-10", TMSConfig(n_features=40, n_hidden=10), _TMS_LARGE),
        Builtin(
            "tms_40-10-id", TMSConfig(n_features=40, n_hidden=10, n_hidden_layers=1), _TMS_LARGE
        ),
        # Neurons are split across layers so every variant has 50-51 in total, as in the paper.
        Builtin("resid_mlp_1", ResidMLPConfig(n_features=100, d_mlp=50, n_layers=1), _RESID),
        Builtin("resid_mlp_2", ResidMLPConfig(n_features=100, d_mlp=25, n_layers=2), _RESID),
        Builtin("resid_mlp_3", ResidMLPConfig(n_features=102, d_mlp=17, n_layers=3), _RESID_DEEP),
        Builtin(
            "tiny_llama",
            LlamaConfig(
                vocab_size=VOCAB_SIZE, n_layer=2, n_head=4, d_model=128, d_mlp=512, max_seq_len=128
            ),
            LMRecipe(steps=600, batch_size=16, lr=3e-3, warmup_steps=50),
        ),
    )
}


def get_builtin(name: str) -> Builtin:
    if name not in BUILTINS:
        raise KeyError(f"unknown built-in target {name!r}; choose one of: {', '.join(BUILTINS)}")
    return BUILTINS[name]


def build_model(arch: Arch) -> nn.Module:
    """An untrained model of the given architecture (initialised from torch's global RNG)."""
    if isinstance(arch, TMSConfig):
        return TMS(arch)
    if isinstance(arch, ResidMLPConfig):
        return ResidMLP(arch)
    return Llama(arch)


def with_steps(builtin: Builtin, steps: int) -> Builtin:
    """The same built-in trained for `steps` steps instead of its recipe's count."""
    if steps < 1:
        raise ValueError(f"steps must be positive, got {steps}")
    return dataclasses.replace(builtin, recipe=dataclasses.replace(builtin.recipe, steps=steps))


def seeded_model(arch: Arch, seed: int) -> nn.Module:
    """`build_model` with torch's RNG seeded privately, leaving the caller's RNG untouched."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build_model(arch)


def train_builtin(
    builtin: Builtin, seed: int, progress: bool
) -> tuple[nn.Module, dict[str, float]]:
    """Train `builtin` from a seeded initialisation; return the model and its final losses.

    The result depends only on the arguments (and, through float rounding, on the CPU and
    thread count).
    """
    model = seeded_model(builtin.arch, seed)
    recipe = builtin.recipe
    if isinstance(model, TMS) and isinstance(recipe, ToyRecipe):
        return model, _train_tms(model, recipe, seed, progress, builtin.name)
    if isinstance(model, ResidMLP) and isinstance(recipe, ToyRecipe):
        return model, _train_resid_mlp(model, recipe, seed, progress, builtin.name)
    if isinstance(model, Llama) and isinstance(recipe, LMRecipe):
        return model, _train_llama(model, recipe, seed, progress, builtin.name)
    raise TypeError(
        f"built-in {builtin.name!r} pairs {type(model).__name__} with {type(recipe).__name__}"
    )


def _train_tms(
    model: TMS, recipe: ToyRecipe, seed: int, progress: bool, desc: str
) -> dict[str, float]:
    loss = train_toy(
        lambda x: tms.training_loss(model, x),
        tms.trainable_parameters(model),
        tms.task(model.config),
        recipe,
        seed,
        progress,
        desc,
    )
    tms.untie(model)
    return {"final_loss": loss}


def _train_resid_mlp(
    model: ResidMLP, recipe: ToyRecipe, seed: int, progress: bool, desc: str
) -> dict[str, float]:
    loss = train_toy(
        lambda x: resid_mlp.training_loss(model, x),
        resid_mlp.trainable_parameters(model),
        resid_mlp.task(model.config),
        recipe,
        seed,
        progress,
        desc,
    )
    return {"final_loss": loss}


def _train_llama(
    model: Llama, recipe: LMRecipe, seed: int, progress: bool, desc: str
) -> dict[str, float]:
    splits = load_text_data(bundled_text_config(model.config.max_seq_len))
    losses = train_lm(model, splits, recipe, seed, progress, desc)
    if losses.eval_ce is None:
        return {"train_ce": losses.train_ce}
    return {"train_ce": losses.train_ce, "eval_ce": losses.eval_ce}
