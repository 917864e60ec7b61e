#!/usr/bin/env bash
# ansible-test sanity for the collection, without Docker and without the internet:
# ansible-test wants the tree at .../ansible_collections/voicesec/mivb, and bootstraps
# its per-test virtualenvs with a get-pip script it downloads from a host that is not
# reachable here. We copy the tracked tree into place and seed that bootstrap script
# with one that uses the interpreter's own ensurepip, then pip from the package index.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
py=${PY:-$root/.venv/bin/python}
pyver=$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
work=$root/build/sanity/ansible_collections/voicesec/mivb
rm -rf "$root/build/sanity"
mkdir -p "$work"
# What the collection ships (galaxy.yml build_ignore drops the lab, emulators and scripts).
git ls-files --cached --others --exclude-standard \
  | grep -vE '^(\.ci|build|collections|emulators|scripts|molecule|inventory|tests/unit/emulators|tests/unit/lab|tests/unit/ops)/' \
  | while read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done \
  | tar -cf - -T - | tar -xf - -C "$work"
# ansible-test lists content through git; an unversioned tree looks empty to it.
git -C "$work" init -q && git -C "$work" add -A

# The pip version ansible-test bootstraps its venvs with (get_venv_packages()).
pip_version=$(sed -n "s/^ *pip='\\([0-9.]*\\)',.*/\\1/p" \
  "$("$py" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py" | head -1)
cache=~/.ansible/test/cache/get_pip_${pip_version//./_}.py
mkdir -p "$(dirname "$cache")"
cat > "$cache" <<'PY'
# Seeded by voicesec scripts/sanity.sh: bootstrap pip with ensurepip, then let pip install the rest.
import ensurepip, subprocess, sys
ensurepip.bootstrap(upgrade=True)
args = [a for a in sys.argv[1:] if a not in ("--no-setuptools", "--no-wheel")]
sys.exit(subprocess.call([sys.executable, "-m", "pip", "install"] + args))
PY
cd "$work"
# --venv: each sanity test gets the tool versions ansible-test pins, isolated from .venv.
exec "$root/.venv/bin/ansible-test" sanity --venv --python "$pyver" --color no "$@"
