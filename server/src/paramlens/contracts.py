"""Every file generated from the Python side of a cross-process contract, in one place.

    python -m paramlens.contracts --write   # regenerate them all (`npm run gen:contracts` also
                                            # regenerates the TypeScript types from the OpenAPI)
    python -m paramlens.contracts --check   # exit 1 if one is stale

Each contract has one source in this package; the other side reads the generated file, and a
test on each side fails when it drifts:

    protocol/config.schema.json      the config model (config.json_schema); the language server
    docs/configuration.md            validates, completes and documents keys from it
    protocol/serverApi.openapi.json  the server's API and the run directory's files (serve.openapi)
    protocol/shortNames.generated.json  what short subcomponent names mean (ids)
    protocol/harvestSchema.generated.json  the tables of harvest.sqlite (analysis.harvest.schema)
"""

import json
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from paramlens.analysis.harvest.schema import DATABASE_FILE, DDL, FORMAT_VERSION
from paramlens.config.schema import generated_files as config_files
from paramlens.generated_files import GeneratedFiles, repository_root, stale_paths, write_or_check
from paramlens.ids import short_names_contract
from paramlens.serve.openapi import generated_files as openapi_files

__all__ = ["generated_files", "main", "repository_root", "stale_files"]

SHORT_NAMES_FILE = Path("protocol/shortNames.generated.json")
HARVEST_SCHEMA_FILE = Path("protocol/harvestSchema.generated.json")


def harvest_schema_contract() -> dict[str, object]:
    """harvest.sqlite as its readers see it: the DDL that creates it and each table's columns."""
    with closing(sqlite3.connect(":memory:")) as db:
        db.executescript(DDL)
        names = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        tables = {
            name: [row[1] for row in db.execute(f"PRAGMA table_info({name})")] for name in names
        }
    return {
        "comment": "Generated from paramlens.analysis.harvest.schema by "
        "`python -m paramlens.contracts --write`.",
        "file": DATABASE_FILE,
        "format_version": FORMAT_VERSION,
        "ddl": DDL.strip() + "\n",
        "tables": tables,
    }


def _json(value: object) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def generated_files() -> GeneratedFiles:
    """Each generated file (relative to the repository root) and its current content."""
    return {
        **config_files(),
        **openapi_files(),
        SHORT_NAMES_FILE: _json(short_names_contract()),
        HARVEST_SCHEMA_FILE: _json(harvest_schema_contract()),
    }


def stale_files(root: Path) -> list[Path]:
    return stale_paths(generated_files(), root)


def main(argv: Sequence[str] | None = None) -> int:
    return write_or_check(
        argv,
        prog="python -m paramlens.contracts",
        description=__doc__,
        files=generated_files,
        regenerate="npm run gen:contracts",
    )


if __name__ == "__main__":
    raise SystemExit(main())
