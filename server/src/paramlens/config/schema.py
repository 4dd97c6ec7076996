"""Write or check the generated files: `protocol/config.schema.json`, `docs/configuration.md`.

python -m paramlens.config.schema --write   # regenerate both
python -m paramlens.config.schema --check   # exit 1 if either is stale
"""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from paramlens.config.docs import render_markdown
from paramlens.config.json_schema import config_schema, schema_text

SCHEMA_FILE = Path("protocol/config.schema.json")
DOCS_FILE = Path("docs/configuration.md")


def generated_files() -> dict[Path, str]:
    """Each generated file (relative to the repository root) and its current content."""
    return {SCHEMA_FILE: schema_text(), DOCS_FILE: render_markdown(config_schema())}


def repository_root() -> Path:
    """The checkout this package lies in (server/src/paramlens/config/schema.py)."""
    return Path(__file__).resolve().parents[4]


def stale_files(root: Path) -> list[Path]:
    stale = []
    for relative, content in generated_files().items():
        path = root / relative
        if not path.is_file() or path.read_text(encoding="utf-8") != content:
            stale.append(relative)
    return stale


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m paramlens.config.schema",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
        for relative, content in generated_files().items():
            path = args.root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
            print(f"wrote {relative}")
        return 0
    stale = stale_files(args.root)
    for relative in stale:
        print(
            f"{relative} is stale; run: python -m paramlens.config.schema --write", file=sys.stderr
        )
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
