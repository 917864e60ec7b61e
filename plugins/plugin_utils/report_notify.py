# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Webhook notification: POST the run summary (report_json.run_summary) as JSON.

Certificates are verified by default (system trust store, or ca_path). Any failure raises
WebhookError with a message that never contains the URL's path or query (webhook URLs such
as Slack's or Teams' carry their secret there); the callback turns it into a warning.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class WebhookError(Exception):
    """The webhook could not be reached or refused the summary."""


def safe_url(url: str) -> str:
    """scheme://host[:port] only: what a warning may show of a webhook URL."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def post_json(url: str, payload: dict[str, Any], timeout: float = 10.0, validate_certs: bool = True,
              ca_path: str | None = None) -> int:
    """POST payload; the HTTP status (2xx) or WebhookError."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise WebhookError(f"webhook URL must be http or https, got {scheme or 'no scheme'!r}")
    context = None
    if scheme == "https":
        context = ssl.create_default_context(cafile=ca_path)
        if not validate_certs:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
    body = json.dumps(payload).encode("utf-8")
    # the scheme is checked above (http/https only)
    request = urllib.request.Request(url, data=body, method="POST", headers={  # noqa: S310
        "Content-Type": "application/json", "User-Agent": "voicesec.mivb-compliance-report"})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=context) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"{safe_url(url)} answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise WebhookError(f"{safe_url(url)} not reached: {reason}") from None
