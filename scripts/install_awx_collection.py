#!/usr/bin/env python3
"""Install the awx.awx collection (used by deploy/awx/configure.yml) without Ansible Galaxy.

awx.awx left the PyPI `ansible` bundle with release 14; the last bundle that carries it
(13.8.0, awx.awx 24.6.1) is fetched from PyPI with pip and only its awx/awx tree is unpacked
into the given collections directory. Idempotent: an installed copy is left alone.

    python scripts/install_awx_collection.py .venv/collections
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

BUNDLE = "ansible==13.8.0"
PREFIX = "ansible_collections/awx/awx/"


def main(argv: list[str]) -> int:
    target = Path(argv[1] if len(argv) > 1 else ".venv/collections").resolve()
    if (target / PREFIX / "MANIFEST.json").is_file():
        print(f"awx.awx: already in {target}")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, BUNDLE], check=True)
        wheel = next(Path(tmp).glob("ansible-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith(PREFIX)]
            if not members:
                print(f"awx.awx: not in {wheel.name}", file=sys.stderr)
                return 1
            archive.extractall(target, members)
    print(f"awx.awx: installed into {target} from {BUNDLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
