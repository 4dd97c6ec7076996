"""Rebuild kjv.txt and devils_dictionary.txt from the Debian packages they come from.

See README.md in this folder for the commands that fetch and unpack the packages.

    python build_corpus.py KJV_DUMP DEVIL_DICT_DZ OUT_DIR
"""

import gzip
import re
import sys
from pathlib import Path

# Books kept from the King James Version, as (abbreviation used by the `bible` tool, name).
# A spread of narrative, poetry, wisdom, gospel and letter, about 1.8 MB of the full 4.4 MB.
KJV_BOOKS = (
    ("Ge", "Genesis"),
    ("Exo", "Exodus"),
    ("Ruth", "Ruth"),
    ("1Sm", "1 Samuel"),
    ("2Sm", "2 Samuel"),
    ("Est", "Esther"),
    ("Job", "Job"),
    ("Psa", "Psalms"),
    ("Prv", "Proverbs"),
    ("Eccl", "Ecclesiastes"),
    ("SSol", "Song of Solomon"),
    ("Jonah", "Jonah"),
    ("Mat", "Matthew"),
    ("Mark", "Mark"),
    ("Luke", "Luke"),
    ("John", "John"),
    ("Acts", "Acts"),
    ("Rom", "Romans"),
    ("1Cor", "1 Corinthians"),
    ("Rev", "Revelation"),
)

VERSE = re.compile(r"^(\d?[A-Za-z]+)(\d+):(\d+) (.*)$")


def build_kjv(dump: Path) -> str:
    """One verse per line, a "Book N" heading before each chapter, blank lines between chapters."""
    names = dict(KJV_BOOKS)
    chapters: dict[tuple[str, int], list[str]] = {}
    for line in dump.read_text(encoding="ascii").splitlines():
        match = VERSE.match(line)
        if match is None:
            raise ValueError(f"{dump}: not a verse line: {line[:80]!r}")
        book, chapter, _, text = match.groups()
        if book in names:
            chapters.setdefault((book, int(chapter)), []).append(text)
    missing = [name for abbrev, name in KJV_BOOKS if (abbrev, 1) not in chapters]
    if missing:
        raise ValueError(f"{dump}: books not found: {', '.join(missing)}")
    order = {abbrev: i for i, (abbrev, _) in enumerate(KJV_BOOKS)}
    blocks = [
        f"{names[book]} {chapter}\n\n" + "\n".join(verses)
        for (book, chapter), verses in sorted(chapters.items(), key=lambda kv: (order[kv[0][0]], kv[0][1]))
    ]
    return "\n\n".join(blocks) + "\n"


def build_devils_dictionary(dict_dz: Path) -> str:
    """The preface and every entry, without the dictd database headers and alphabet line."""
    lines = gzip.decompress(dict_dz.read_bytes()).decode("ascii").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == "PREFACE")
    end = next(i for i, line in enumerate(lines) if line.strip() == "abcdefghijklmnopqrstuvwxyz")
    body = "\n".join(line.rstrip() for line in lines[start:end]).strip("\n")
    return "THE DEVIL'S DICTIONARY\n\nby Ambrose Bierce\n\n" + body + "\n"


def main(kjv_dump: str, devil_dict_dz: str, out_dir: str) -> None:
    out = Path(out_dir)
    (out / "kjv.txt").write_text(build_kjv(Path(kjv_dump)), encoding="utf-8")
    (out / "devils_dictionary.txt").write_text(
        build_devils_dictionary(Path(devil_dict_dz)), encoding="utf-8"
    )


if __name__ == "__main__":
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    main(*sys.argv[1:])
