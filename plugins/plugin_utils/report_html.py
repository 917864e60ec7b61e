# Copyright: voicesec maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTML writers: report.html (one record) and index.html (the drift history), rendered from
the Jinja2 templates in templates/report/ (shipped with the collection). Pure functions of
the data they are given; self-contained pages (inline CSS and script, no external assets)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2

# plugins/plugin_utils/ -> collection root -> templates/report
TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates" / "report"

LETTERS = {"compliant": "C", "drift": "D", "error": "E", "not_evaluated": "-", "not_applicable": "/",
           "manual": "M", "not_implemented": "N"}
COLOURS = {"compliant": "#2e7d32", "drift": "#ef6c00", "error": "#c62828", "not_evaluated": "#8d6e63",
           "not_applicable": "#bdbdbd", "manual": "#546e7a", "not_implemented": "#9e9e9e"}
NOT_RUN = ("not_evaluated", "not_applicable", "manual", "not_implemented")


def letter(entry: dict[str, Any]) -> str:
    """One character per entry: the status letter, R for compliant after remediation."""
    if entry.get("remediated") and entry["status"] == "compliant":
        return "R"
    return LETTERS.get(entry["status"], "?")


def family(control: str) -> str:
    """Control family: the ID prefix (TLS-01 -> TLS)."""
    return control.rpartition("-")[0] or control


def _environment() -> jinja2.Environment:
    import jinja2  # here, so scripts that only need letter() run without Jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True)
    env.globals.update(letter=letter, family=family, LETTERS=LETTERS, COLOURS=COLOURS)
    return env


def render_html(report: dict[str, Any], statuses: tuple[str, ...]) -> str:
    """report.html: filters, counts, host x control matrix, findings, every result per host."""
    results = report["results"]
    hosts = list(dict.fromkeys(r["host"] for r in results))
    controls = list(dict.fromkeys(r["control"] for r in results))
    titles = {r["control"]: r["title"] for r in results}
    by_host: dict[str, list[dict[str, Any]]] = {h: [] for h in hosts}
    for r in results:  # grouped once here: a filter per host in the template is hosts x results
        by_host[r["host"]].append(r)
    return _environment().get_template("report.html.j2").render(
        report=report, summary=report["summary"], statuses=statuses, hosts=hosts, controls=controls,
        titles=titles, families=sorted({family(c) for c in controls}),
        by_key={(r["host"], r["control"]): r for r in results}, by_host=by_host,
        findings=[r for r in results if r["status"] in ("error", "drift")],
        changes=report.get("changes", {}))


def render_index(history: dict[str, Any], statuses: tuple[str, ...]) -> str:
    """index.html: compliance trend over the kept runs, open findings, drift episodes."""
    return _environment().get_template("index.html.j2").render(statuses=statuses, **history)
