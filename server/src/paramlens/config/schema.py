"""The generated files of the config model: `protocol/config.schema.json` and
`docs/configuration.md` (written with the other contracts by `python -m paramlens.contracts`)."""

from pathlib import Path

from paramlens.config.docs import render_markdown
from paramlens.config.json_schema import config_schema, schema_text

SCHEMA_FILE = Path("protocol/config.schema.json")
DOCS_FILE = Path("docs/configuration.md")


def generated_files() -> dict[Path, str]:
    """Each generated file (relative to the repository root) and its current content."""
    return {SCHEMA_FILE: schema_text(), DOCS_FILE: render_markdown(config_schema())}
