"""The control catalog (meta/controls.yml) against the spec (../shared/controls.md) and its rules."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SHARED = ROOT.parent / "shared"
LIVE_SPEC = SHARED / "controls.md"
LIVE_GUIDELINE = SHARED / "seed" / "mivb-9.4-security-guidelines.txt"
# A clone without ../shared beside it (CI always has it) uses the committed snapshot.
SNAPSHOT = Path(__file__).resolve().parent / "spec_snapshot"
SNAPSHOT_SPEC = SNAPSHOT / "controls.md"
SNAPSHOT_HEADINGS = SNAPSHOT / "guideline_headings.txt"
SPEC = LIVE_SPEC if LIVE_SPEC.exists() else SNAPSHOT_SPEC


def heading_like_lines(guideline_text: str) -> set[str]:
    """The guideline's short lines that can be section titles (what the snapshot keeps)."""
    lines = (line.strip() for line in guideline_text.splitlines())
    return {line for line in lines if 0 < len(line) <= 80 and not line.endswith((".", ":", ","))}


def guideline_headings() -> set[str]:
    if LIVE_GUIDELINE.exists():
        return heading_like_lines(LIVE_GUIDELINE.read_text(encoding="utf-8"))
    return set(SNAPSHOT_HEADINGS.read_text(encoding="utf-8").splitlines())


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


catalog_mod = _load("voicesec_catalog_under_test", ROOT / "plugins" / "module_utils" / "catalog.py")
CATALOG = catalog_mod.load_catalog()
BY_ID = {c.id: c for c in CATALOG}

IMPLEMENTED = {"AUTH-01", "AUTH-02", "AUTH-03", "AUTH-04", "AUTH-05", "AUTH-06", "TLS-01", "TLS-02",
               "CERT-01", "CERT-02", "EP-02", "EP-03", "EP-04", "TOLL-02", "LAN-01", "LAN-02", "LAN-03",
               "LAN-04", "LAN-05", "LAN-06", "LOG-03", "LOG-04",
               "EP-01", "TOLL-01", "TOLL-03", "TOLL-04", "TOLL-05", "SYS-01",
               "ACC-01", "ACC-02", "ACC-03", "AUTH-07", "LOG-01", "LOG-02",
               "LOG-05", "MSL-01", "MSL-02", "ACC-04",
               "CERT-03", "VM-01", "VM-02", "WAN-01", "WAN-02", "WAN-03"}


def spec_rows() -> dict[str, dict[str, str]]:
    """Every table row of shared/controls.md, keyed by ID, with the section heading it is under."""
    rows: dict[str, dict[str, str]] = {}
    heading = ""
    header: list[str] = []
    for line in SPEC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = line[3:].strip()
            continue
        if not line.startswith("|"):
            continue
        cells = [c.strip().replace("**", "") for c in line.strip().strip("|").split("|")]
        if cells[0] == "ID":
            header = cells
        elif re.fullmatch(r"[A-Z]+-\d+", cells[0]):
            rows[cells[0]] = {**dict(zip(header, cells, strict=True)), "heading": heading}
    return rows


SPEC_ROWS = spec_rows()


def test_spec_parsed_all_tables():
    # 5 + 11 + 5 + 6 + 3 + 12 + 2 rows in the spec's seven tables: the parser sees them all
    assert len(SPEC_ROWS) == 44
    assert {"MSL-01", "MSL-02", "CERT-01", "VM-02", "WAN-03", "ACC-04", "TOLL-05", "SYS-01"} <= set(SPEC_ROWS)


def test_every_spec_control_is_in_the_catalog():
    missing = sorted(set(SPEC_ROWS) - set(BY_ID))
    assert missing == []


def test_every_catalog_control_is_in_the_spec_except_manual_ones():
    extra = sorted(set(BY_ID) - set(SPEC_ROWS))
    assert extra == ["MAN-01", "MAN-02", "MAN-03", "MAN-04", "MAN-05"]


@pytest.mark.parametrize("cid", sorted(SPEC_ROWS))
def test_catalog_copies_the_spec_row(cid):
    row, control = SPEC_ROWS[cid], BY_ID[cid]
    assert control.title == row["control"]
    assert control.target == row["target"]
    assert control.verify == row["verify"]
    assert control.factory == row.get("factory", "-")
    assert control.limits == row.get("limits", "-")


def test_guideline_sections_exist_in_the_guideline():
    lines = guideline_headings()
    unknown = {c.id: c.guideline_section for c in CATALOG if c.guideline_section not in lines}
    assert unknown == {}


def test_spec_snapshot_matches_the_spec_in_use():
    """Where ../shared exists (CI), a changed spec shows up here until the snapshot is refreshed."""
    assert SNAPSHOT_SPEC.read_text(encoding="utf-8") == SPEC.read_text(encoding="utf-8")
    assert set(SNAPSHOT_HEADINGS.read_text(encoding="utf-8").splitlines()) == guideline_headings()


def _refresh_snapshot() -> None:
    SNAPSHOT_SPEC.write_text(LIVE_SPEC.read_text(encoding="utf-8"), encoding="utf-8")
    headings = sorted(heading_like_lines(LIVE_GUIDELINE.read_text(encoding="utf-8")))
    SNAPSHOT_HEADINGS.write_text("\n".join(headings) + "\n", encoding="utf-8")


if __name__ == "__main__" and sys.argv[1:] == ["--refresh-snapshot"]:
    _refresh_snapshot()


def test_statuses():
    assert {c.id for c in CATALOG if c.status == "implemented"} == IMPLEMENTED
    assert {c.id for c in CATALOG if c.status == "manual"} == {f"MAN-0{i}" for i in range(1, 6)}
    assert all(c.status == "planned" for c in CATALOG if c.id not in IMPLEMENTED and c.area != "manual")


def test_areas_follow_the_spec_tables():
    expected = {"Controller: certificates and TLS": "certificates/tls",
                "Controller: identity, authentication, access": "identity",
                "Controller: audit, SMDR, PMS": "audit", "LAN (switches)": "lan",
                "3300 ICP WAN port (AX, CX-II/CXi-II, MxIII only)": "wan",
                "Platform (Mitel Standard Linux) and process": "platform"}
    for cid, row in SPEC_ROWS.items():
        area = BY_ID[cid].area
        if row["heading"] in expected:
            assert area == expected[row["heading"]], cid
        else:
            prefix = cid.split("-")[0]
            assert area == {"EP": "endpoints", "SYS": "endpoints", "TOLL": "toll_fraud", "VM": "voicemail"}[prefix], cid
    assert {c.area for c in CATALOG if c.id.startswith("MAN-")} == {"manual"}


def test_applies_to():
    switch = {c.id for c in CATALOG if c.applies_to == "switch"}
    assert {f"LAN-0{i}" for i in range(1, 7)} | {"LOG-03", "LOG-04"} <= switch
    assert switch - {c.id for c in CATALOG if c.id.startswith("MAN-")} == (
        {f"LAN-0{i}" for i in range(1, 7)} | {"LOG-03", "LOG-04"})


def test_generated_doc_is_current():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_controls_doc.py"), "--check"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    doc = (ROOT / "docs" / "controls.md").read_text(encoding="utf-8")
    for control in CATALOG:
        assert f"| {control.id} |" in doc
    assert "--tags TLS-01" in doc


def test_doc_check_detects_stale_doc(tmp_path, monkeypatch):
    gen = _load("voicesec_gen_doc_under_test", ROOT / "scripts" / "gen_controls_doc.py")
    stale = tmp_path / "controls.md"
    stale.write_text("# old\n", encoding="utf-8")
    monkeypatch.setattr(gen, "DOC", stale)
    assert gen.main(["--check"]) == 1
    assert gen.main([]) == 0
    assert gen.main(["--check"]) == 0


@pytest.mark.parametrize(("name", "ids"), [
    ("TLS-01 | PATCH | Application TLS level is High", ["TLS-01"]),
    ("LOG-03, LOG-04 | PATCH | SMDR/PMS ACL", ["LOG-03", "LOG-04"]),
    ("LAN-01 LAN-02 | AUDIT | VLANs", ["LAN-01", "LAN-02"]),
    ("TLS-01 | Application TLS", []),          # no PATCH/AUDIT kind
    ("Gather facts", []),
    ("mivb_hardening : TLS-01 | PATCH | x", []),  # role prefix is not part of task.name
    ("tls-01 | PATCH | x", []),
    (None, []),
])
def test_control_ids_from_task_name(name, ids):
    assert catalog_mod.control_ids_from_task_name(name) == ids


def test_worst_wins():
    worse = catalog_mod.worse
    assert worse(None, "compliant") == "compliant"
    assert worse("compliant", "drift") == "drift"
    assert worse("error", "drift") == "error"
    assert worse("drift", "compliant") == "drift"


def test_host_roles():
    roles = catalog_mod.host_roles
    assert roles({"mivb_controllers", "all"}, None) == {"controller"}
    assert roles({"ungrouped"}, "voicesec.mivb.mivb") == {"controller"}
    assert roles({"lan_switches", "ios_switches"}, None) == {"switch"}
    assert roles(set(), "cisco.ios.ios") == {"switch"}
    assert roles(set(), "arubanetworks.aoscx.aoscx") == {"switch"}
    assert roles({"web"}, "linux") == set()


def test_load_catalog_rejects_bad_files(tmp_path):
    good = (ROOT / "meta" / "controls.yml").read_text(encoding="utf-8")
    cases = {
        "dup": good + (
            "  - id: CERT-01\n    title: t\n    area: lan\n    applies_to: switch\n"
            "    guideline_section: s\n    target: t\n    factory: f\n    limits: l\n    verify: v\n"
            "    status: planned\n"
        ),
        "area": good.replace("area: wan", "area: wide_area", 1),
        "status": good.replace("status: implemented", "status: someday", 1),
        "missing": good.replace("    verify: setting\n", "", 1),
    }
    for name, text in cases.items():
        path = tmp_path / f"{name}.yml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(catalog_mod.CatalogError):
            catalog_mod.load_catalog(path)
