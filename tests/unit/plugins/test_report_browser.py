"""report.html in a real browser: headless Chromium runs the page's filter script, reads the
filter from the URL (?status=...&host=...&family=... or after #), and --dump-dom shows which
rows it left visible. scripts/setup.sh installs chromium (Debian) when it is missing."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils.catalog import REPORT_STATUSES
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_collect import summarize
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_html import render_html

# (host, control, status, previous status, remediated)
ROWS = [
    ("ctl1", "TLS-01", "drift", "compliant", False), ("ctl1", "TLS-02", "compliant", "drift", True),
    ("ctl1", "AUTH-02", "error", "error", False), ("ctl1", "MAN-01", "manual", "manual", False),
    ("ctl2", "TLS-01", "compliant", "compliant", False), ("ctl2", "AUTH-02", "drift", None, False),
    ("sw1", "LAN-01", "drift", "drift", False), ("sw1", "LAN-02", "compliant", "drift", True),
    ("sw1", "LAN-04", "not_evaluated", "compliant", False), ("sw2", "LAN-01", "compliant", "compliant", False),
]


def _report() -> dict:
    results = []
    for host, control, status, previous, remediated in ROWS:
        entry = {"host": host, "control": control, "title": f"{control} title", "area": "x",
                 "guideline_section": "s", "status": status, "detail": f"{control} {status}"}
        if previous:
            entry.update(previous_status=previous, previous_run="20261201T000000Z")
        if remediated:
            entry["remediated"] = True
        results.append(entry)
    return {"schema": "voicesec.mivb/report/v1", "generated": "2026-12-02T04:00:00Z", "mode": "audit",
            "playbook": "/p/site.yml", "run_id": "20261202T040000Z", "summary": summarize(results),
            "results": results, "changes": {"previous_run": "20261201T000000Z", "new": [], "resolved": []}}


class _Rows(HTMLParser):
    """Result rows of the per-host tables (they carry an id) and matrix columns, with `hidden`."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[str, str, bool]] = []
        self.columns: list[tuple[str, bool]] = []
        self.shown = ""
        self._in_shown = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and a.get("class") == "r" and a.get("id"):
            self.rows.append((a["data-host"], a["id"].split("-", 2)[2] if a["id"].count("-") >= 2 else "",
                              "hidden" in a))
        elif tag == "th" and a.get("class") == "v":
            self.columns.append((a["data-family"], "hidden" in a))
        self._in_shown = a.get("id") == "shown"

    def handle_endtag(self, tag):
        self._in_shown = False

    def handle_data(self, data):
        if self._in_shown:
            self.shown += data


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("headless chromium is needed (make setup installs it as root; Debian: apt-get install chromium)")
    return found


@pytest.fixture(scope="module")
def page(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("page") / "report.html"
    path.write_text(render_html(_report(), REPORT_STATUSES), encoding="utf-8")
    return path


def _visible(page: Path, suffix: str, profile: Path) -> _Rows:
    proc = subprocess.run([_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                           "--disable-background-networking", "--no-first-run", f"--user-data-dir={profile}",
                           "--dump-dom", page.as_uri() + suffix],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0 and "<html" in proc.stdout, proc.stderr[-2000:]
    parsed = _Rows()
    parsed.feed(proc.stdout)
    assert len(parsed.rows) == len(ROWS)
    return parsed


def _shown(parsed: _Rows) -> set[tuple[str, str]]:
    hosts_controls = {(h, c) for h, c, hidden in parsed.rows if not hidden}
    assert parsed.shown == f"showing {len(hosts_controls)} of {len(ROWS)} results"
    return hosts_controls


def test_filters_in_a_real_browser(page, tmp_path):
    everything = _visible(page, "", tmp_path / "p0")
    assert _shown(everything) == {row[:2] for row in ROWS}

    drift_sw1 = _visible(page, "?status=drift&host=sw1", tmp_path / "p1")
    assert _shown(drift_sw1) == {("sw1", "LAN-01")}

    tls = _visible(page, "#family=TLS", tmp_path / "p2")
    assert _shown(tls) == {("ctl1", "TLS-01"), ("ctl1", "TLS-02"), ("ctl2", "TLS-01")}
    assert {fam for fam, hidden in tls.columns if not hidden} == {"TLS"}  # matrix columns follow

    findings = _visible(page, "#status=findings", tmp_path / "p3")
    assert _shown(findings) == {row[:2] for row in ROWS if row[2] in ("drift", "error")}

    changed = _visible(page, "#status=changed", tmp_path / "p4")
    assert _shown(changed) == {(h, c) for h, c, s, p, _r in ROWS if p and p != s}

    remediated = _visible(page, "?status=remediated", tmp_path / "p5")
    assert _shown(remediated) == {("ctl1", "TLS-02"), ("sw1", "LAN-02")}


def test_counts_and_previous_status_are_on_the_page(page):
    html = page.read_text(encoding="utf-8")
    assert "data-count='remediated'>2<" in html and "data-count='drift'>3<" in html
    # the previous run's status beside today's
    assert "<td class='p'><span class='s drift' title='run 20261201T000000Z'>drift</span></td>" in html
