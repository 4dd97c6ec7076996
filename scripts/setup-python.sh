#!/usr/bin/env bash
# Creates .venv at the repository root and installs the `paramlens` server package (editable) with its
# dev tools. torch is pinned by server/constraints.txt (CPU build); PARAMLENS_CONSTRAINTS overrides it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PARAMLENS_PYTHON:-python3}"
constraints="${PARAMLENS_CONSTRAINTS:-$root/server/constraints.txt}"

[[ -x "$root/.venv/bin/python" ]] || "$python" -m venv "$root/.venv"
"$root/.venv/bin/python" -m pip install -q --disable-pip-version-check -c "$constraints" -e "$root/server[dev]"
"$root/.venv/bin/python" -c 'import paramlens, torch; print(f"paramlens {paramlens.__version__}, torch {torch.__version__}")'
