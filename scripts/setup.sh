#!/usr/bin/env bash
# Create .venv with Python >= 3.12, install the pinned dependencies and make the
# collection in this repository resolvable as voicesec.mivb. Idempotent: a second run
# with an unchanged pyproject.toml only checks and returns.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.venv"

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

find_python() {
  local c
  # An explicit choice wins, then whatever is on PATH, then pyenv installs (whose bare
  # python3.13 shim fails when pyenv's global version is older).
  for c in ${PYTHON:-} python3.13 python3.12 python3; do
    if command -v "$c" >/dev/null 2>&1 && python_ok "$c"; then command -v "$c"; return 0; fi
  done
  local root_dir
  root_dir=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
  for c in $(ls -d "$root_dir"/versions/3.1[2-9]* 2>/dev/null | sort -rV); do
    if python_ok "$c/bin/python3"; then echo "$c/bin/python3"; return 0; fi
  done
  return 1
}

# The report page's filters are tested in a real browser (tests/unit/plugins/test_report_browser.py):
# headless Chromium from the distribution. Installed when missing and we may (root + apt-get);
# otherwise say how, and the browser test fails with the same hint.
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing chromium (headless browser for the report tests) ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "setup: chromium not found; the report browser test needs it (Debian: apt-get install chromium)" >&2
  fi
fi

stamp="$venv/.setup-stamp"
want=$(cat pyproject.toml scripts/setup.sh | sha256sum | cut -d' ' -f1)
if [ -x "$venv/bin/python" ] && python_ok "$venv/bin/python" && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  echo "setup: .venv is up to date ($("$venv/bin/python" --version))"
else
  if ! py=$(find_python); then
    echo "setup: no Python >= 3.12 found. Install python3.12 or newer (or set PYTHON=/path/to/python3.12) and re-run 'make setup'." >&2
    exit 1
  fi
  if [ -x "$venv/bin/python" ] && ! python_ok "$venv/bin/python"; then rm -rf "$venv"; fi
  [ -x "$venv/bin/python" ] || { echo "setup: creating .venv with $py ($("$py" --version))"; "$py" -m venv "$venv"; }
  echo "setup: installing dependencies (pyproject.toml) ..."
  "$venv/bin/python" -m pip install -q --upgrade pip
  "$venv/bin/python" -m pip install -q -e ".[dev]"
  echo "$want" > "$stamp"
fi

# The repository root is the collection: expose it at the path Ansible resolves
# voicesec.mivb from (ansible.cfg collections_path). A link, so edits apply at once.
coll="$venv/collections/ansible_collections/voicesec"
mkdir -p "$coll"
ln -sfn "$root" "$coll/mivb"
echo "setup: collection voicesec.mivb -> $root"

# deploy/awx/configure.yml (AWX objects as code) uses awx.awx, which the `ansible` bundle
# no longer carries: taken once from the last bundle release that has it (PyPI, no Galaxy).
"$venv/bin/python" scripts/install_awx_collection.py "$venv/collections"
