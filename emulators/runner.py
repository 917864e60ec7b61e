"""Run an emulator's asyncio server until SIGTERM / SIGINT (the `serve` commands)."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable


def serve_until_signal(serve: Callable[[asyncio.Event], Awaitable[None]]) -> None:
    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await serve(stop)

    asyncio.run(run())
