#!/usr/bin/env bash
# Installs code-server (a real VS Code, from npm) into a cache outside the repo, without any download
# beyond the npm registry: the ripgrep that its install script would fetch is seeded from Debian's `rg`.
set -euo pipefail
version=4.100.3            # VS Code 1.100.3, the newest code-server that runs on Node 20
ripgrep_pkg=1.15.11        # the @vscode/ripgrep version code-server $version pins
ripgrep_tag=v13.0.0-10
cache="${PARAMLENS_CACHE:-$HOME/.cache/paramlens}/code-server-$version"

if [[ -x "$cache/node_modules/.bin/code-server" ]]; then
  echo "$cache/node_modules/.bin/code-server"
  exit 0
fi
command -v rg >/dev/null || { echo "ripgrep (rg) is required: apt-get install ripgrep" >&2; exit 1; }

seed="$(node -p 'require("os").tmpdir()')/vscode-ripgrep-cache-$ripgrep_pkg"
pack="$(mktemp -d)"
mkdir -p "$seed" "$cache"
cp "$(command -v rg)" "$pack/rg"
tar czf "$seed/ripgrep-$ripgrep_tag-x86_64-unknown-linux-musl.tar.gz" -C "$pack" rg
rm -rf "$pack"

npm_config_yes=true npm_config_unsafe_perm=true npm_config_loglevel=error \
  npm install --no-audit --no-fund --prefix "$cache" "code-server@$version" >&2
echo "$cache/node_modules/.bin/code-server"
