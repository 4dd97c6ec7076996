"""Write or check the server's committed OpenAPI document, `protocol/serverApi.openapi.json`.

python -m paramlens.serve.openapi --write   # regenerate it (then `npm run gen:api` for the TS)
python -m paramlens.serve.openapi --check   # exit 1 if it is stale
"""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from paramlens.generated_files import repository_root, stale_paths, write_or_check
from paramlens.serve.app import create_app

__all__ = ["is_stale", "main", "openapi_document", "openapi_text", "repository_root"]

OPENAPI_FILE = Path("protocol/serverApi.openapi.json")


def openapi_document() -> dict[str, Any]:
    """The document the server serves at `GET /openapi.json` (the same for any token)."""
    document: dict[str, Any] = create_app(token="unused", runs_root=Path()).openapi()
    return document


def openapi_text() -> str:
    """The document as committed: indented, in FastAPI's key order, ending in a newline."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def _generated_files() -> dict[Path, str]:
    return {OPENAPI_FILE: openapi_text()}


def is_stale(root: Path) -> bool:
    return bool(stale_paths(_generated_files(), root))


def main(argv: Sequence[str] | None = None) -> int:
    return write_or_check(
        argv,
        prog="python -m paramlens.serve.openapi",
        description=__doc__,
        files=_generated_files,
        regenerate="npm run gen:api",
    )


if __name__ == "__main__":
    raise SystemExit(main())
