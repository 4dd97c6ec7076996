"""Write or check the generated files: `protocol/config.schema.json`, `docs/configuration.md`.

python -m paramlens.config.schema --write   # regenerate both
python -m paramlens.config.schema --check   # exit 1 if either is stale
"""

from collections.abc import Sequence
from pathlib import Path

from paramlens.config.docs import render_markdown
from paramlens.config.json_schema import config_schema, schema_text
from paramlens.generated_files import repository_root, stale_paths, write_or_check

__all__ = ["generated_files", "main", "repository_root", "stale_files"]

SCHEMA_FILE = Path("protocol/config.schema.json")
DOCS_FILE = Path("docs/configuration.md")


def generated_files() -> dict[Path, str]:
    """Each generated file (relative to the repository root) and its current content."""
    return {SCHEMA_FILE: schema_text(), DOCS_FILE: render_markdown(config_schema())}


def stale_files(root: Path) -> list[Path]:
    return stale_paths(generated_files(), root)


def main(argv: Sequence[str] | None = None) -> int:
    return write_or_check(
        argv,
        prog="python -m paramlens.config.schema",
        description=__doc__,
        files=generated_files,
        regenerate="python -m paramlens.config.schema --write",
    )


if __name__ == "__main__":
    raise SystemExit(main())
