#!/usr/bin/env bash
# Sets up everything ParamLens needs on a fresh Debian machine, skipping what is already there:
# system packages, npm dependencies, the Python environment (.venv), code-server (for the tests), and the
# bundles. `bootstrap.sh demo` skips what only the tests need. Prints how long each stage took.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"
export ONNXRUNTIME_NODE_INSTALL=skip # its install script downloads CUDA libraries; inference here is CPU

stage() {
  local name="$1"
  shift
  local started=$SECONDS
  "$@"
  printf '[bootstrap] %-16s %4ds\n' "$name" $((SECONDS - started))
}

system_packages() {
  local wanted=(ripgrep chromium libkrb5-dev pkg-config libx11-dev libxkbfile-dev libsecret-1-dev)
  [[ "$mode" == demo ]] && wanted=()
  local missing=()
  for pkg in "${wanted[@]}"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
  ((${#missing[@]} == 0)) && return 0
  if [[ $(id -u) -ne 0 ]]; then
    echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

npm_dependencies() {
  if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund --loglevel=error
  fi
}

python_environment() {
  local stamp=.venv/.paramlens-installed
  if [[ ! -f $stamp || server/pyproject.toml -nt $stamp || server/constraints.txt -nt $stamp ]]; then
    bash scripts/setup-python.sh
    touch "$stamp"
  fi
}

code_server() {
  [[ "$mode" == demo ]] || bash scripts/install-code-server.sh >/dev/null
}

stage "system packages" system_packages
stage "npm" npm_dependencies
stage "python" python_environment
stage "code-server" code_server
stage "build" node scripts/build.mjs
