# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""JUnit writer: one testsuite per host, one testcase per control (CI dashboards)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_html import NOT_RUN


def render_junit(report: dict[str, Any]) -> str:
    """drift/error fail, not evaluated / not applicable / manual / not implemented skip."""
    suites = ET.Element("testsuites", name="voicesec.mivb compliance", timestamp=report["generated"])
    for host in dict.fromkeys(r["host"] for r in report["results"]):
        entries = [r for r in report["results"] if r["host"] == host]
        failures = sum(r["status"] in ("drift", "error") for r in entries)
        skipped = sum(r["status"] in NOT_RUN for r in entries)
        suite = ET.SubElement(suites, "testsuite", name=host, tests=str(len(entries)),
                              failures=str(failures), errors="0", skipped=str(skipped))
        for r in entries:
            case = ET.SubElement(suite, "testcase", classname=f"voicesec.mivb.{host}",
                                 name=f"{r['control']} {r['title']}")
            if r["status"] in ("drift", "error"):
                failure = ET.SubElement(case, "failure", type=r["status"],
                                        message=f"{r['status']}: {r.get('detail', '')}"[:500])
                failure.text = "\n\n".join(x for x in (r.get("detail"), r.get("diff")) if x)
            elif r["status"] in NOT_RUN:
                ET.SubElement(case, "skipped", message=f"{r['status']}: {r.get('detail', '')}")
            elif r.get("remediated"):
                ET.SubElement(case, "system-out").text = f"remediated: {r.get('detail', '')}"
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
