"""Write or check the server's committed OpenAPI document, `protocol/serverApi.openapi.json`.

python -m paramlens.serve.openapi --write   # regenerate it (then `npm run gen:api` for the TS)
python -m paramlens.serve.openapi --check   # exit 1 if it is stale
"""

import argparse
import json
import sys
from collections.abc import Sequence
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


def repository_root() -> Path:
    """The checkout this package lies in (server/src/paramlens/serve/openapi.py)."""
    return Path(__file__).resolve().parents[4]


def is_stale(root: Path) -> bool:
    path = root / OPENAPI_FILE
    return not path.is_file() or path.read_text(encoding="utf-8") != openapi_text()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m paramlens.serve.openapi",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--write", action="store_true", help="regenerate the document")
    action.add_argument("--check", action="store_true", help="exit 1 if the document is stale")
    parser.add_argument(
        "--root",
        type=Path,
        default=repository_root(),
        help="repository root (default: %(default)s)",
    )
    args = parser.parse_args(argv)
    if args.write:
        path = args.root / OPENAPI_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(openapi_text(), encoding="utf-8")
        print(f"wrote {OPENAPI_FILE}")
        return 0
    if is_stale(args.root):
        print(f"{OPENAPI_FILE} is stale; run: npm run gen:api", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
