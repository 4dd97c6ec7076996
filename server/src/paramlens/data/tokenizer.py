"""Byte-level BPE tokenizers trained locally with `tokenizers`, and loading one from a file."""

from collections.abc import Sequence
from pathlib import Path

from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers

END_OF_TEXT = "<|endoftext|>"


def train_tokenizer(text_files: Sequence[Path], vocab_size: int) -> Tokenizer:
    """Train a byte-level BPE tokenizer on UTF-8 text files.

    Byte-level means every string round-trips through encode/decode and no input is ever
    unknown. The only special token is `END_OF_TEXT` (id 0), which separates documents.
    The result depends only on the files' contents and `vocab_size`.
    """
    if not text_files:
        raise ValueError("train_tokenizer needs at least one text file")
    alphabet = pre_tokenizers.ByteLevel.alphabet()
    if vocab_size < len(alphabet) + 1:
        raise ValueError(f"vocab_size must be at least {len(alphabet) + 1} (256 bytes + 1 special)")
    for path in text_files:
        if not path.is_file():
            raise FileNotFoundError(f"text file not found: {path}")

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=[END_OF_TEXT],
        initial_alphabet=alphabet,
        show_progress=False,
    )
    # Whole files, not lines, so that merges across line breaks ("\n\n", ".\n") are learned.
    texts = [path.read_text(encoding="utf-8") for path in text_files]
    tokenizer.train_from_iterator(texts, trainer, length=len(texts))
    return tokenizer


def load_tokenizer(path: Path) -> Tokenizer:
    """Load a `tokenizer.json` written by `Tokenizer.save` (ours or a Hugging Face model's)."""
    if not path.is_file():
        raise FileNotFoundError(f"tokenizer file not found: {path}")
    return Tokenizer.from_file(str(path))
