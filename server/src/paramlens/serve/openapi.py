"""The server's OpenAPI document, committed as `protocol/serverApi.openapi.json` (written with the
other contracts by `python -m paramlens.contracts`; `npm run gen:contracts` also regenerates the
TypeScript types from it)."""

import json
from pathlib import Path
from typing import Any

from paramlens.serve.app import create_app

OPENAPI_FILE = Path("protocol/serverApi.openapi.json")


def openapi_document() -> dict[str, Any]:
    """The document the server serves at `GET /openapi.json` (the same for any token)."""
    document: dict[str, Any] = create_app(token="unused", runs_root=Path()).openapi()
    return document


def openapi_text() -> str:
    """The document as committed: indented, in FastAPI's key order, ending in a newline."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


def generated_files() -> dict[Path, str]:
    return {OPENAPI_FILE: openapi_text()}
