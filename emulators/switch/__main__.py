"""`python -m emulators.switch serve --spec spec.json`: serve every switch until SIGTERM."""

from __future__ import annotations

import argparse
import logging
import sys

from emulators.runner import serve_until_signal

from .server import serve
from .spec import LabSpec


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulators.switch", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="serve the switches of a spec file until SIGTERM/SIGINT")
    run.add_argument("--spec", required=True, help="JSON spec (docs/lab.md)")
    run.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    try:
        lab = LabSpec.load(args.spec)
    except (OSError, ValueError, TypeError) as err:
        print(f"switch emulator: bad spec {args.spec}: {err}", file=sys.stderr)
        return 2

    serve_until_signal(lambda stop: serve(lab, stop))
    return 0


if __name__ == "__main__":
    sys.exit(main())
