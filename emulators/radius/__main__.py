"""`python -m emulators.radius serve --spec radius.json`: serve until SIGTERM / SIGINT."""

from __future__ import annotations

import argparse
import json
import logging
import sys

from emulators.runner import serve_until_signal

from .server import RadiusSpec, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulators.radius", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("serve", help="serve the RADIUS server of a spec file until SIGTERM/SIGINT")
    run.add_argument("--spec", required=True, help="JSON spec (emulators/radius/server.py, docs/lab.md)")
    run.add_argument("--log-level", default="WARNING")
    args = parser.parse_args(argv)
    logging.basicConfig(level=args.log_level.upper(), format="%(asctime)s %(name)s %(message)s")
    try:
        with open(args.spec) as fh:
            spec = RadiusSpec.from_dict(json.load(fh))
    except (OSError, ValueError, TypeError) as err:
        print(f"radius emulator: bad spec {args.spec}: {err}", file=sys.stderr)
        return 2

    serve_until_signal(lambda stop: serve(spec, stop))
    return 0


if __name__ == "__main__":
    sys.exit(main())
