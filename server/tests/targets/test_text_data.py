"""Token windows from .txt, .jsonl and .npy files; the seeded, resumable batch order."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer

from paramlens.data.text import TextDataConfig, WindowBatches, load_text_data
from paramlens.data.tokenizer import END_OF_TEXT, train_tokenizer

SENTENCE = "The quick brown fox jumps over the lazy dog, and the dog sleeps on. "


@pytest.fixture(scope="module")
def tokenizer_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tokenizer")
    text = root / "train.txt"
    text.write_text(SENTENCE * 50)
    path = root / "tokenizer.json"
    train_tokenizer([text], vocab_size=300).save(str(path))
    return path


def test_txt_is_windowed_and_split_at_the_tail(tmp_path: Path, tokenizer_file: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text(SENTENCE * 40)
    config = TextDataConfig(files=(text,), seq_len=16, tokenizer=tokenizer_file, eval_fraction=0.25)

    splits = load_text_data(config)

    stream = torch.cat([*splits.train.in_order(7), *splits.eval.in_order(7)]).reshape(-1)
    n_windows = len(splits.train) + len(splits.eval)
    assert len(splits.eval) == round(n_windows * 0.25)
    # The windows tile the start of the token stream in order: train first, eval last.
    ids = Tokenizer.from_file(str(tokenizer_file)).encode(SENTENCE * 40).ids
    assert n_windows == len(ids) // 16
    assert stream.tolist() == ids[: n_windows * 16]


def test_jsonl_documents_end_with_the_separator(tmp_path: Path, tokenizer_file: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text("".join(json.dumps({"body": SENTENCE * 3, "id": i}) + "\n" for i in range(20)))
    config = TextDataConfig(
        files=(docs,), seq_len=8, tokenizer=tokenizer_file, text_column="body", eval_fraction=0.0
    )

    stream = torch.cat(list(load_text_data(config).train.in_order(64))).reshape(-1).tolist()

    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    separator = tokenizer.token_to_id(END_OF_TEXT)
    document = tokenizer.encode(SENTENCE * 3).ids
    expected = [token for _ in range(20) for token in [*document, separator]]
    assert stream == expected[: len(stream)]
    assert len(expected) - len(stream) < 8  # only a tail shorter than a window is dropped


def test_jsonl_without_the_column_names_the_line(tmp_path: Path, tokenizer_file: Path) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps({"text": "fine"}) + "\n" + json.dumps({"other": "x"}) + "\n")
    config = TextDataConfig(files=(docs,), seq_len=4, tokenizer=tokenizer_file)

    with pytest.raises(ValueError, match=r"docs.jsonl:2: no string field 'text'"):
        load_text_data(config)


def test_npy_streams_and_windows(tmp_path: Path) -> None:
    stream = tmp_path / "stream.npy"
    np.save(stream, np.arange(100, dtype=np.int32))
    rows = tmp_path / "rows.npy"
    np.save(rows, np.arange(40, dtype=np.int64).reshape(5, 8) + 1000)
    config = TextDataConfig(files=(stream, rows), seq_len=8, eval_fraction=0.2)

    splits = load_text_data(config)

    # 12 windows from the stream (4 tokens dropped), 5 rows; the last 20% of each is eval.
    assert (len(splits.train), len(splits.eval)) == (10 + 4, 2 + 1)
    first = splits.train.get(torch.tensor([0]))
    assert first.dtype == torch.int64
    assert first.tolist() == [list(range(8))]
    assert splits.eval.get(torch.tensor([2])).tolist() == [list(range(1032, 1040))]


@pytest.mark.parametrize(
    ("array", "message"),
    [
        (np.zeros((3, 5), dtype=np.int32), "rows hold 5 tokens but seq_len is 8"),
        (np.zeros(64, dtype=np.float32), "token ids must be integers"),
    ],
)
def test_bad_npy_is_rejected(tmp_path: Path, array: np.ndarray, message: str) -> None:
    path = tmp_path / "bad.npy"
    np.save(path, array)

    with pytest.raises(ValueError, match=message):
        load_text_data(TextDataConfig(files=(path,), seq_len=8))


def test_text_without_tokenizer_and_unknown_suffix_are_rejected(tmp_path: Path) -> None:
    text = tmp_path / "a.txt"
    text.write_text(SENTENCE)
    csv = tmp_path / "a.csv"
    csv.write_text("x")

    with pytest.raises(ValueError, match="a tokenizer file is needed"):
        load_text_data(TextDataConfig(files=(text,), seq_len=4))
    with pytest.raises(ValueError, match="unsupported data file type"):
        load_text_data(TextDataConfig(files=(csv,), seq_len=4))


def test_too_little_data_for_an_eval_split_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "short.npy"
    np.save(path, np.arange(16, dtype=np.int32))

    with pytest.raises(ValueError, match="leaves no eval windows"):
        load_text_data(TextDataConfig(files=(path,), seq_len=8, eval_fraction=0.05))


def _windows(tmp_path: Path, n_windows: int) -> TextDataConfig:
    path = tmp_path / "ids.npy"
    np.save(path, np.arange(n_windows * 4, dtype=np.int32))
    return TextDataConfig(files=(path,), seq_len=4, eval_fraction=0.0)


def test_batches_are_deterministic_and_resume_exactly(tmp_path: Path) -> None:
    windows = load_text_data(_windows(tmp_path, 37)).train
    batches = WindowBatches(windows, batch_size=8, seed=7)

    first_run = [b for _, b in zip(range(12), batches.iter_from(0), strict=False)]
    restarted = WindowBatches(windows, batch_size=8, seed=7)
    resumed = [b for _, b in zip(range(5), restarted.iter_from(7), strict=False)]

    for expected, actual in zip(first_run[7:], resumed, strict=True):
        assert torch.equal(expected, actual)
    assert not torch.equal(first_run[0], WindowBatches(windows, 8, seed=8).batch_at(0))


def test_each_epoch_visits_every_window_once(tmp_path: Path) -> None:
    windows = load_text_data(_windows(tmp_path, 12)).train
    batches = WindowBatches(windows, batch_size=4, seed=0)

    # Batches 0-2 are epoch 0, 3-5 epoch 1; window k starts with token 4k.
    for epoch in range(2):
        firsts = torch.cat([batches.batch_at(3 * epoch + i)[:, 0] for i in range(3)])
        assert sorted((firsts // 4).tolist()) == list(range(12))


def test_batches_straddle_epochs(tmp_path: Path) -> None:
    windows = load_text_data(_windows(tmp_path, 5)).train

    batch = WindowBatches(windows, batch_size=4, seed=0).batch_at(1)  # positions 4..7

    assert batch.shape == (4, 4)
