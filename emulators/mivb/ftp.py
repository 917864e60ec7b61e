"""The controller's FTP control port (spec key `ftp_port`; ACC-04).

The guideline ("Application - Login Security"): "Access to the FTP Server is accomplished with
secure FTP (SFTP)". So the plain-FTP port refuses service the way an FTP server refusing a
client does (RFC 959, 4.2: "421 Service not available, closing control connection"), before
any command: no USER/PASS is read, so nothing there can count towards a lockout. SFTP is served
by the maintenance SSH service (maintenance.py).

With the test hook `POST /_emulator/platform {"plain_ftp": true}` the port behaves like a
legacy plain-FTP server instead (RFC 959 replies 220/331/230/530/221; the password travels in
clear text), checking the same user profiles and lockout counter as every other login path
(logins.py). That is the drift ACC-04 must detect.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from .logins import authenticate
from .platform import platform

if TYPE_CHECKING:
    from .controller import Controller

FTP_INTERFACE = "FTP"
REFUSED = "421 Service not available, closing control connection.\r\n"
IDLE_SECONDS = 30.0


async def serve_ftp(ctrl: Controller, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        with ctrl.lock:
            plain = bool(platform(ctrl)["plain_ftp"])
        if not plain:
            writer.write(REFUSED.encode())
            await writer.drain()
            return
        await _plain_ftp(ctrl, reader, writer)
    except (OSError, TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
        pass
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()


async def _plain_ftp(ctrl: Controller, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    peer = (writer.get_extra_info("peername") or ("",))[0]

    async def reply(text: str) -> None:
        writer.write((text + "\r\n").encode())
        await writer.drain()

    await reply(f"220 {ctrl.name} FTP server ready.")
    user: str | None = None
    logged_in = False
    while True:
        line = await asyncio.wait_for(reader.readline(), IDLE_SECONDS)
        if not line:
            return
        verb, _, arg = line.decode("utf-8", "replace").strip().partition(" ")
        verb = verb.upper()
        if verb == "QUIT":
            await reply("221 Goodbye.")
            return
        if verb == "USER":
            user, logged_in = arg, False
            await reply("331 Please specify the password.")
        elif verb == "PASS" and user is not None:
            checked = await asyncio.get_running_loop().run_in_executor(
                None, authenticate, ctrl, user, arg, peer, FTP_INTERFACE
            )
            logged_in = checked.ok
            await reply("230 Login successful." if logged_in else "530 Login incorrect.")
            if not logged_in:
                user = None
        elif verb in ("PWD", "XPWD") and logged_in:
            await reply('257 "/" is the current directory')
        elif verb == "NOOP":
            await reply("200 NOOP ok.")
        elif not logged_in:
            await reply("530 Please login with USER and PASS.")
        else:
            await reply("502 Command not implemented.")
