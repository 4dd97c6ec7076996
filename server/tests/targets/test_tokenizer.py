"""The bundled byte-level BPE tokenizer and the code that trains it."""

from pathlib import Path

from paramlens.data.bundled import TEXT_FILES, VOCAB_SIZE, bundled_data_dir
from paramlens.data.tokenizer import END_OF_TEXT, load_tokenizer, train_tokenizer


def test_bundled_tokenizer_round_trips_the_bundled_text() -> None:
    root = bundled_data_dir()
    tokenizer = load_tokenizer(root / "tokenizer.json")

    assert tokenizer.get_vocab_size() == VOCAB_SIZE
    assert tokenizer.token_to_id(END_OF_TEXT) == 0
    for name in TEXT_FILES:
        text = (root / name).read_text(encoding="utf-8")
        assert tokenizer.decode(tokenizer.encode(text).ids) == text


def test_unseen_text_round_trips() -> None:
    tokenizer = load_tokenizer(bundled_data_dir() / "tokenizer.json")
    text = "Zürich café — naïve 🙂 tabs\tand\r\nCRLF, digits 12345."

    assert tokenizer.decode(tokenizer.encode(text).ids) == text


def test_bundled_tokenizer_is_reproducible_from_the_bundled_text() -> None:
    root = bundled_data_dir()

    retrained = train_tokenizer([root / name for name in TEXT_FILES], VOCAB_SIZE)

    # `Tokenizer.save` writes the pretty form: the committed file is reproduced byte for byte.
    assert retrained.to_str(pretty=True) == (root / "tokenizer.json").read_text(encoding="utf-8")


def test_training_is_deterministic(tmp_path: Path) -> None:
    text = tmp_path / "t.txt"
    text.write_text("abc abd abe bcd bce " * 200 + "zzz yyy xxx " * 50)

    first = train_tokenizer([text], vocab_size=270)
    second = train_tokenizer([text], vocab_size=270)

    assert first.to_str() == second.to_str()
    assert first.get_vocab_size() == 270
