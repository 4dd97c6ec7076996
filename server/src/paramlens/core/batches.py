"""Training and evaluation batches for a config: synthetic features or token windows.

Training batch `step` is a pure function of (config, step), so a resumed run reads exactly
the batches it would have read; evaluation uses the same fixed batches every time.
"""

import dataclasses
import glob
import itertools
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from torch import Tensor

from paramlens.config import DecompositionConfig
from paramlens.config.sections.data import TextData, TokenData
from paramlens.core import seeds
from paramlens.data import SparseFeatureTask, TextDataConfig, WindowBatches, load_text_data
from paramlens.data.text import TokenWindows
from paramlens.targets import LoadedTarget


class BatchSource(Protocol):
    def batch_at(self, step: int) -> Tensor:
        """The CPU batch for training step `step` (0-based)."""
        ...


@dataclass(frozen=True)
class Batches:
    train: BatchSource
    eval: tuple[Tensor, ...]  # CPU tensors


def make_batches(config: DecompositionConfig, base_dir: Path, target: LoadedTarget) -> Batches:
    data = config.data
    if data.synthetic is not None:
        return _synthetic(config, target, data.synthetic.feature_probability)
    sequences = data.text or data.tokens
    assert sequences is not None, "a validated Data has exactly one kind"
    return _sequences(config, base_dir, sequences)


def _synthetic(
    config: DecompositionConfig, target: LoadedTarget, feature_probability: float
) -> Batches:
    if not isinstance(target.data, SparseFeatureTask):
        raise ValueError(
            "data.synthetic needs a target that defines its sparse features (the built-in toy "
            "models); this target does not"
        )
    task = dataclasses.replace(target.data, feature_prob=feature_probability)
    logging = config.logging
    train = task.batches(config.training.batch_size, config.seed, stream=seeds.TRAIN_DATA)
    held_out = task.batches(logging.eval_batch_size, config.seed, stream=seeds.EVAL_DATA)
    return Batches(train, tuple(held_out.batch_at(i) for i in range(logging.eval_batches)))


def _sequences(
    config: DecompositionConfig, base_dir: Path, sequences: TextData | TokenData
) -> Batches:
    tokenizer = None
    if isinstance(sequences, TextData):
        tokenizer = base_dir / sequences.tokenizer
    column = sequences.column if isinstance(sequences, TextData) else "text"

    def load(patterns: tuple[str, ...], eval_fraction: float) -> tuple[TokenWindows, TokenWindows]:
        files = _expand(patterns, base_dir)
        splits = load_text_data(
            TextDataConfig(files, sequences.seq_len, tokenizer, column, eval_fraction)
        )
        return splits.train, splits.eval

    if sequences.eval is None:
        train_windows, eval_windows = load(sequences.train, sequences.eval_fraction)
    else:
        train_windows, _ = load(sequences.train, 0.0)
        eval_windows, _ = load(sequences.eval, 0.0)
    logging = config.logging
    in_order = eval_windows.in_order(logging.eval_batch_size)
    eval_batches = tuple(itertools.islice(in_order, logging.eval_batches))
    if not eval_batches:
        raise ValueError("the evaluation split holds no windows; add eval data")
    train = WindowBatches(
        train_windows, config.training.batch_size, config.seed, stream=seeds.TRAIN_DATA
    )
    return Batches(train, eval_batches)


def _expand(patterns: tuple[str, ...], base_dir: Path) -> tuple[Path, ...]:
    files: list[Path] = []
    for pattern in patterns:
        matches = sorted(glob.glob(os.path.join(base_dir, pattern)))
        if not matches:
            raise FileNotFoundError(f"no file matches {pattern!r} (looked in {base_dir})")
        files += [Path(match) for match in matches if Path(match) not in files]
    return tuple(files)
