"""Files generated from the code and committed (schemas, API documents): write them, or check
that they are up to date, from a small `--write` / `--check` command line."""

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

# Each generated file, relative to the repository root, and its current content.
GeneratedFiles = Mapping[Path, str]


def repository_root() -> Path:
    """The checkout this package lies in (server/src/paramlens/generated_files.py)."""
    return Path(__file__).resolve().parents[3]


def stale_paths(files: GeneratedFiles, root: Path) -> list[Path]:
    """The files under `root` that are missing or differ from their current content."""
    stale = []
    for relative, content in files.items():
        path = root / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            stale.append(relative)
    return stale


def write_or_check(
    argv: Sequence[str] | None,
    *,
    prog: str,
    description: str | None,
    files: Callable[[], GeneratedFiles],
    regenerate: str,
) -> int:
    """Parse `--write` / `--check` [--root] and do it; `regenerate` is the command a stale file
    names. Exit status: 1 when checking finds a stale file, else 0."""
    parser = argparse.ArgumentParser(
        prog=prog, description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="regenerate the files")
    action.add_argument("--check", action="store_true", help="exit 1 if a file is stale")
    parser.add_argument(
        "--root",
        type=Path,
        default=repository_root(),
        help="repository root (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.write:
        for relative, content in files().items():
            path = args.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            print(f"wrote {relative}")
        return 0
    stale = stale_paths(files(), args.root)
    for relative in stale:
        print(f"{relative} is stale; run: {regenerate}", file=sys.stderr)
    return 1 if stale else 0
