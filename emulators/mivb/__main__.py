"""`python -m emulators.mivb serve --spec spec.json`: serve until SIGTERM / SIGINT."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
import time

from .server import start_controllers
from .spec import load_spec_file


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m emulators.mivb", description="Emulated MiVB controllers")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the controllers of a spec file until SIGTERM/SIGINT")
    serve.add_argument("--spec", required=True, help='JSON file {"controllers": [...]} (docs/lab.md)')
    serve.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(asctime)s %(name)s %(message)s"
    )
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    started = time.monotonic()
    try:
        handle = start_controllers(load_spec_file(args.spec))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        # A missing spec, a bad key or a busy address: say which, without a traceback.
        print(f"mivb: cannot start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    for rc in handle:
        print(
            f"mivb {rc.spec.name}: https://{rc.address}:{rc.https_port} sip_tls={rc.sip_tls_port} "
            f"ip_sets_tls={rc.ip_sets_tls_port} maintenance_ssh={rc.maintenance_ssh_port} ftp={rc.ftp_port} "
            f"c2c_tls={rc.c2c_tls_port} model={rc.spec.model!r} "
            f"state={rc.state_dir}",
            flush=True,
        )
    print(
        f"mivb: {len(handle.controllers)} controller(s) ready in {time.monotonic() - started:.2f}s",
        flush=True,
    )
    while not stop.wait(3600):
        pass
    handle.stop()
    print("mivb: stopped", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
