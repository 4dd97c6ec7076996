"""The public-domain corpus and tokenizer shipped in the repository's `examples/data/`."""

import os
from pathlib import Path

from paramlens.data.text import TextDataConfig

TEXT_FILES = ("kjv.txt", "devils_dictionary.txt")
TOKENIZER_FILE = "tokenizer.json"
VOCAB_SIZE = 4096
DATA_DIR_ENV = "PARAMLENS_DATA_DIR"  # for installs without a source checkout


def bundled_data_dir() -> Path:
    override = os.environ.get(DATA_DIR_ENV)
    # server/src/paramlens/data/bundled.py -> repository root
    path = Path(override) if override else Path(__file__).resolve().parents[4] / "examples" / "data"
    missing = [name for name in (*TEXT_FILES, TOKENIZER_FILE) if not (path / name).is_file()]
    if missing:
        raise FileNotFoundError(
            f"bundled data not found in {path} (missing {', '.join(missing)}); "
            f"set {DATA_DIR_ENV} to a copy of the repository's examples/data"
        )
    return path


def bundled_text_config(seq_len: int) -> TextDataConfig:
    """The bundled corpus as text data, tokenised with the bundled tokenizer."""
    root = bundled_data_dir()
    return TextDataConfig(
        files=tuple(root / name for name in TEXT_FILES),
        seq_len=seq_len,
        tokenizer=root / TOKENIZER_FILE,
    )
