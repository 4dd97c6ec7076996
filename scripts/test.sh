#!/usr/bin/env bash
# Runs every check and test tier, continues past a failing tier so one run shows everything, prints how
# long each took, and exits non-zero if any failed. `npm test` runs scripts/bootstrap.sh first.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.venv/bin:$PATH"
failed=()
summary=()

tier() {
  local name="$1"
  shift
  local started=$SECONDS
  echo "::: $name"
  if "$@"; then
    summary+=("$(printf '%-22s ok    %4ds' "$name" $((SECONDS - started)))")
  else
    failed+=("$name")
    summary+=("$(printf '%-22s FAIL  %4ds' "$name" $((SECONDS - started)))")
  fi
}

typecheck() {
  local project status=0
  for project in protocol extension language-server webview test bench scripts; do npx tsc -p "$project" || status=1; done
  return $status
}
# The VSIX as users get it: its contents checked, then installed into a clean code-server and used from the
# walkthrough to a recovered server crash, on an empty folder with no checkout beside it.
package_vsix() {
  local vsix
  vsix="$(npm run --silent package | tail -1)" || return 1
  node --import tsx test/package/checkVsix.ts "$vsix" || return 1
  node --import tsx test/package/vsixScenario.ts "$vsix"
}
python_lint() { (cd server && ruff check . && ruff format --check . && mypy && lint-imports --no-cache); }

tier "lint (ts)" npm run --silent lint
tier "typecheck (ts)" typecheck
tier "lint+types (python)" python_lint
tier "unit (ts)" npm run --silent test:unit
tier "unit (python)" npm run --silent test:python
tier "extension host" npm run --silent test:extension
tier "e2e (real VS Code)" npm run --silent test:e2e
tier "package (VSIX)" package_vsix
tier "training (python, slow)" npm run --silent test:python:slow

echo
printf '%s\n' "${summary[@]}"
if ((${#failed[@]} > 0)); then
  echo "failed tiers: ${failed[*]}"
  exit 1
fi
