"""Token windows from local text files, and a resumable batch order over them.

Sources (by file suffix):
- `.txt`: the whole file is tokenised as one stream.
- `.jsonl`: one JSON object per line; the `text_column` strings are tokenised and joined
  with the separator token after each document.
- `.npy`: token ids already: a 1-D stream, or 2-D rows that are windows of exactly `seq_len`.

Each source is cut into non-overlapping windows of `seq_len` tokens (a short tail is
dropped); the last `eval_fraction` of every source's windows form the eval split, so the
split depends on nothing but the files and the config.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from numpy.typing import NDArray
from tokenizers import Tokenizer
from torch import Tensor

from paramlens.data.seeding import keyed_generator
from paramlens.data.tokenizer import END_OF_TEXT, load_tokenizer

SUFFIXES = (".txt", ".jsonl", ".npy")


@dataclass(frozen=True)
class TextDataConfig:
    files: tuple[Path, ...]
    seq_len: int
    tokenizer: Path | None = None  # a tokenizer.json; needed for .txt and .jsonl files
    text_column: str = "text"
    eval_fraction: float = 0.05
    separator_token: str = END_OF_TEXT  # appended after each .jsonl document

    def __post_init__(self) -> None:
        if not self.files:
            raise ValueError("text data needs at least one file")
        if self.seq_len < 2:
            raise ValueError(f"seq_len must be at least 2, got {self.seq_len}")
        if not 0.0 <= self.eval_fraction < 1.0:
            raise ValueError(f"eval_fraction must be in [0, 1), got {self.eval_fraction}")


@dataclass(frozen=True)
class TokenWindows:
    """Window i is `sources[index[i, 0]][index[i, 1] : index[i, 1] + seq_len]`."""

    sources: tuple[NDArray[np.integer], ...]
    index: NDArray[np.int64]  # [n_windows, 2]: (source, start offset)
    seq_len: int

    def __len__(self) -> int:
        return len(self.index)

    def get(self, rows: Tensor) -> Tensor:
        """Token ids [len(rows), seq_len] (int64) of the windows numbered `rows`."""
        windows = [
            np.asarray(self.sources[source][start : start + self.seq_len], dtype=np.int64)
            for source, start in self.index[rows.numpy()]
        ]
        return torch.from_numpy(np.stack(windows))

    def in_order(self, batch_size: int) -> Iterator[Tensor]:
        """All windows once, in file order, in batches of at most `batch_size` (for evaluation)."""
        for first in range(0, len(self), batch_size):
            yield self.get(torch.arange(first, min(first + batch_size, len(self))))


@dataclass(frozen=True)
class TextSplits:
    train: TokenWindows
    eval: TokenWindows


def load_text_data(config: TextDataConfig) -> TextSplits:
    """Read, tokenise and window every file in `config`, split into train and eval."""
    tokenizer = None if config.tokenizer is None else load_tokenizer(config.tokenizer)
    sources = tuple(_read_source(path, config, tokenizer) for path in config.files)

    train_parts: list[NDArray[np.int64]] = []
    eval_parts: list[NDArray[np.int64]] = []
    for i, tokens in enumerate(sources):
        n_windows = len(tokens) // config.seq_len
        n_train = n_windows - round(n_windows * config.eval_fraction)
        starts = np.arange(n_windows, dtype=np.int64) * config.seq_len
        pairs = np.stack([np.full(n_windows, i, dtype=np.int64), starts], axis=1)  # [n_windows, 2]
        train_parts.append(pairs[:n_train])
        eval_parts.append(pairs[n_train:])
    train_index, eval_index = np.concatenate(train_parts), np.concatenate(eval_parts)
    if len(train_index) == 0:
        raise ValueError(
            f"no training windows: the files hold fewer than seq_len={config.seq_len} tokens"
        )
    if config.eval_fraction > 0 and len(eval_index) == 0:
        raise ValueError(
            f"eval_fraction={config.eval_fraction} leaves no eval windows; "
            "add data, shorten seq_len or raise eval_fraction"
        )
    return TextSplits(
        train=TokenWindows(sources, train_index, config.seq_len),
        eval=TokenWindows(sources, eval_index, config.seq_len),
    )


class WindowBatches:
    """Batches of windows in a seeded random order; batch `step` depends only on the seed.

    The windows are read as an endless stream of epochs, each a fresh permutation, so a
    batch may straddle two epochs. Batch `step` holds stream positions
    [step * batch_size, (step + 1) * batch_size).
    """

    def __init__(self, windows: TokenWindows, batch_size: int, seed: int, stream: int = 0) -> None:
        if batch_size < 1:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        if len(windows) == 0:
            raise ValueError("cannot draw batches from zero windows")
        self.windows = windows
        self.batch_size = batch_size
        self.seed = seed
        self.stream = stream
        self._permutations: dict[int, Tensor] = {}  # epoch -> order; holds at most two epochs

    def batch_at(self, step: int) -> Tensor:
        """Token ids [batch_size, seq_len] (int64) for training step `step`."""
        n = len(self.windows)
        positions = torch.arange(step * self.batch_size, (step + 1) * self.batch_size)
        epochs, offsets = positions // n, positions % n
        rows = torch.empty_like(positions)
        for epoch in torch.unique(epochs).tolist():
            in_epoch = epochs == epoch
            rows[in_epoch] = self._permutation(epoch)[offsets[in_epoch]]
        return self.windows.get(rows)

    def iter_from(self, step: int) -> Iterator[Tensor]:
        """Batches `step`, `step + 1`, ... without end; resuming at `step` replays them exactly."""
        while True:
            yield self.batch_at(step)
            step += 1

    def _permutation(self, epoch: int) -> Tensor:
        if epoch not in self._permutations:
            for old in sorted(self._permutations)[:-1]:
                del self._permutations[old]
            generator = keyed_generator(self.seed, self.stream, epoch)
            self._permutations[epoch] = torch.randperm(len(self.windows), generator=generator)
        return self._permutations[epoch]


def _read_source(
    path: Path, config: TextDataConfig, tokenizer: Tokenizer | None
) -> NDArray[np.integer]:
    if path.suffix not in SUFFIXES:
        raise ValueError(
            f"{path}: unsupported data file type; expected one of {', '.join(SUFFIXES)}"
        )
    if not path.is_file():
        raise FileNotFoundError(f"data file not found: {path}")
    if path.suffix == ".npy":
        return _read_npy(path, config.seq_len)
    if tokenizer is None:
        raise ValueError(f"{path}: a tokenizer file is needed to read {path.suffix} data")
    if path.suffix == ".txt":
        ids = tokenizer.encode(path.read_text(encoding="utf-8"), add_special_tokens=False).ids
        return np.array(ids, dtype=np.int32)
    return _read_jsonl(path, config, tokenizer)


def _read_jsonl(path: Path, config: TextDataConfig, tokenizer: Tokenizer) -> NDArray[np.int32]:
    separator = tokenizer.token_to_id(config.separator_token)
    if separator is None:
        raise ValueError(f"the tokenizer has no separator token {config.separator_token!r}")
    texts: list[str] = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            record = json.loads(line)
            text = record.get(config.text_column) if isinstance(record, dict) else None
            if not isinstance(text, str):
                raise ValueError(f"{path}:{number}: no string field {config.text_column!r}")
            texts.append(text)
    encodings = tokenizer.encode_batch(texts, add_special_tokens=False)
    ids = [token for encoding in encodings for token in [*encoding.ids, separator]]
    return np.array(ids, dtype=np.int32)


def _read_npy(path: Path, seq_len: int) -> NDArray[np.integer]:
    # Memory-mapped, so a large pre-tokenised corpus is read only where batches touch it.
    array = np.load(path, mmap_mode="r", allow_pickle=False)
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{path}: token ids must be integers, got dtype {array.dtype}")
    if array.ndim == 2 and array.shape[1] != seq_len:
        raise ValueError(f"{path}: rows hold {array.shape[1]} tokens but seq_len is {seq_len}")
    if array.ndim not in (1, 2):
        raise ValueError(
            f"{path}: expected a 1-D token stream or 2-D windows, got shape {array.shape}"
        )
    stream: NDArray[np.integer] = array.reshape(-1)
    return stream
