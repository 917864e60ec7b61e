# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Webhook notification: POST the run summary (report_json.run_summary) as JSON.

Certificates are verified by default (system trust store, or ca_path). Any failure raises
WebhookError with a message that never contains the URL's path or query (webhook URLs such
as Slack's or Teams' carry their secret there); the callback turns it into a warning.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
from typing import Any

from ansible.module_utils.urls import open_url


class WebhookError(Exception):
    """The webhook could not be reached or refused the summary."""


def safe_url(url: str) -> str:
    """scheme://host[:port] only: what a warning may show of a webhook URL."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def post_json(url: str, payload: dict[str, Any], timeout: float = 10.0, validate_certs: bool = True,
              ca_path: str | None = None) -> int:
    """POST payload with Ansible's open_url; the HTTP status (2xx) or WebhookError."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise WebhookError(f"webhook URL must be http or https, got {scheme or 'no scheme'!r}")
    try:
        response = open_url(url, data=json.dumps(payload).encode("utf-8"), method="POST", timeout=timeout,
                            validate_certs=validate_certs, ca_path=ca_path, follow_redirects="none",
                            use_proxy=True, http_agent="voicesec.mivb-compliance-report",
                            headers={"Content-Type": "application/json"})
        with response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        raise WebhookError(f"{safe_url(url)} answered HTTP {exc.code}") from None
    except Exception as exc:  # URLError, SSLValidationError, ConnectionError, timeouts
        reason = getattr(exc, "reason", None) or exc
        raise WebhookError(f"{safe_url(url)} not reached: {_without_url(str(reason), url)}") from None


def _without_url(text: str, url: str) -> str:
    """An error text may quote the URL: keep only its scheme and host."""
    return text.replace(url, safe_url(url))
