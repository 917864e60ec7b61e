"""Report store (history, retention, index), run summary / gate rules, webhook client.

Pure-Python tests of the modules the compliance_report callback is made of; the callback
itself is exercised end to end in test_compliance_report.py and test_report_ops.py. The
webhook is a real HTTP(S) server on 127.0.0.1 (TLS with a test CA: verification on by default).
"""

from __future__ import annotations

import datetime as dt
import http.server
import json
import ssl
import threading
from pathlib import Path

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils.catalog import REPORT_STATUSES
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_collect import summarize
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_history import ReportStore
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_html import render_index
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_json import failing, run_summary
from ansible_collections.voicesec.mivb.plugins.plugin_utils.report_notify import WebhookError, post_json
from mivb_certgen import issue

T0 = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.UTC)


def _report(statuses: dict[tuple[str, str], str], when: dt.datetime, remediated: set | None = None,
            mode: str = "audit") -> dict:
    results = [{"host": h, "control": c, "title": f"{c} title", "area": "lan", "guideline_section": "",
                "status": s, "detail": f"{c} on {h} is {s}"} for (h, c), s in statuses.items()]
    for entry in results:
        if (entry["host"], entry["control"]) in (remediated or set()):
            entry["remediated"] = True
    return {"schema": "voicesec.mivb/report/v1", "generated": when.isoformat().replace("+00:00", "Z"),
            "mode": mode, "playbook": "/x/site.yml", "summary": summarize(results), "results": results}


def _run(store: ReportStore, report: dict, when: dt.datetime) -> tuple[dict, Path]:
    with store.locked():
        run_dir = store.new_run_dir(when)
        state = store.load_state()
        store.compare(report, state)
        (run_dir / "report.html").write_text("<html></html>", encoding="utf-8")
        state = store.record_run(report, run_dir, now=when)
    return state, run_dir


def _history(store: ReportStore) -> list[dict]:
    return [json.loads(line) for line in store.history_path.read_text(encoding="utf-8").splitlines()]


def test_drift_appears_stays_open_then_is_remediated(tmp_path):
    store = ReportStore(tmp_path / "reports")
    a, b = ("sw1", "LAN-01"), ("sw1", "LAN-02")
    r1 = _report({a: "compliant", b: "compliant"}, T0)
    _run(store, r1, T0)
    assert r1["changes"] == {"previous_run": None, "new": [], "resolved": []}

    r2 = _report({a: "drift", b: "compliant"}, T0 + dt.timedelta(hours=1))
    state, run2 = _run(store, r2, T0 + dt.timedelta(hours=1))
    assert [(f["host"], f["control"], f["status"]) for f in r2["changes"]["new"]] == [("sw1", "LAN-01", "drift")]
    assert r2["results"][0]["previous_status"] == "compliant"
    assert state["keys"]["sw1|LAN-01"]["open"]["opened_run"] == run2.name

    r3 = _report({a: "drift", b: "error"}, T0 + dt.timedelta(hours=2))
    _run(store, r3, T0 + dt.timedelta(hours=2))
    # the drift is not new any more; the error is
    assert [(f["control"], f["status"]) for f in r3["changes"]["new"]] == [("LAN-02", "error")]
    assert failing(run_summary(r3), ["new"]) == ["1 new finding(s)"]
    assert failing(run_summary(r3), ["drift", "error"]) == ["1 drift", "1 error"]

    r4 = _report({a: "compliant", b: "compliant"}, T0 + dt.timedelta(hours=3), remediated={a})
    state, run4 = _run(store, r4, T0 + dt.timedelta(hours=3))
    assert {(f["control"]) for f in r4["changes"]["resolved"]} == {"LAN-01", "LAN-02"}
    assert failing(run_summary(r4), ["new", "drift", "error"]) == []
    episode = state["keys"]["sw1|LAN-01"]["episodes"][-1]
    assert (episode["opened_run"], episode["closed_run"], episode["closed_by"]) == (run2.name, run4.name,
                                                                                    "remediated")
    assert state["keys"]["sw1|LAN-02"]["episodes"][-1]["closed_by"] == "resolved"
    assert "open" not in state["keys"]["sw1|LAN-01"]

    lines = _history(store)
    assert len(lines) == 8  # one line per device x control x run
    assert [ln["change"] for ln in lines if ln["control"] == "LAN-01"] == ["none", "new", "open", "remediated"]
    assert all(ln["schema"] == "voicesec.mivb/history/v1" and ln["@timestamp"].endswith("Z") for ln in lines)
    assert len({ln["id"] for ln in lines}) == 8

    page = render_index(store.history_view(state), REPORT_STATUSES)
    assert "No open drift or errors." in page
    assert f"href='{run2.name}/report.html'" in page and "remediated" in page
    assert page.count("<tr data-run=") == 4


def test_not_evaluated_keeps_a_finding_open_and_a_limit_run_keeps_other_hosts(tmp_path):
    store = ReportStore(tmp_path / "reports")
    _run(store, _report({("sw1", "LAN-01"): "drift", ("sw2", "LAN-01"): "drift"}, T0), T0)
    # --limit sw1, and LAN-01 skipped by tags: unknown, not fixed
    r2 = _report({("sw1", "LAN-01"): "not_evaluated"}, T0 + dt.timedelta(hours=1))
    state = _run(store, r2, T0 + dt.timedelta(hours=1))[0]
    assert state["keys"]["sw1|LAN-01"]["open"]["status"] == "drift"
    r3 = _report({("sw1", "LAN-01"): "drift", ("sw2", "LAN-01"): "drift"}, T0 + dt.timedelta(hours=2))
    _run(store, r3, T0 + dt.timedelta(hours=2))
    assert r3["changes"]["new"] == []  # both were open before
    assert [r["previous_status"] for r in r3["results"]] == ["not_evaluated", "drift"]
    page = render_index(store.history_view(store.load_state()), REPORT_STATUSES)
    assert "Still open (2)" in page


def test_retention_by_runs_and_days(tmp_path):
    store = ReportStore(tmp_path / "reports", keep_runs=3)
    dirs = [_run(store, _report({("sw1", "LAN-01"): "compliant"}, T0 + dt.timedelta(hours=i)),
                 T0 + dt.timedelta(hours=i))[1] for i in range(5)]
    assert [p.name for p in store.run_dirs()] == [d.name for d in dirs[2:]]
    assert {ln["run_id"] for ln in _history(store)} == {d.name for d in dirs[2:]}
    assert [r["run_id"] for r in store.load_state()["runs"]] == [d.name for d in dirs[2:]]

    by_days = ReportStore(tmp_path / "reports", keep_days=2)
    late = T0 + dt.timedelta(days=2, hours=3)  # runs at T0+2h .. T0+4h: T0+2h is over two days old
    _run(by_days, _report({("sw1", "LAN-01"): "compliant"}, late), late)
    assert [p.name for p in by_days.run_dirs()] == [dirs[3].name, dirs[4].name, "20261203T110000Z"]


def test_two_runs_in_one_second_get_their_own_directories(tmp_path):
    store = ReportStore(tmp_path / "reports")
    first, second = store.new_run_dir(T0), store.new_run_dir(T0)
    assert (first.name, second.name) == ("20261201T080000Z", "20261201T080000Z-2")


class _Hook(http.server.BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, self.headers["Content-Type"], json.loads(body)))
        self.send_response(204 if self.path != "/refuse" else 403)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook():
    _Hook.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_webhook_posts_json_and_reports_refusals_without_the_secret_path(webhook):
    port = webhook.server_address[1]
    summary = run_summary(_report({("sw1", "LAN-01"): "drift"}, T0))
    assert post_json(f"http://127.0.0.1:{port}/hook/s3cr3t-token", summary, timeout=5) == 204
    path, ctype, body = _Hook.received[-1]
    assert (path, ctype, body["counts"]["drift"]) == ("/hook/s3cr3t-token", "application/json", 1)
    with pytest.raises(WebhookError) as refused:
        post_json(f"http://127.0.0.1:{port}/refuse", summary, timeout=5)
    assert str(refused.value) == f"http://127.0.0.1:{port} answered HTTP 403"
    webhook.server_close()
    with pytest.raises(WebhookError) as down:
        post_json(f"http://127.0.0.1:{port}/hook/s3cr3t-token?k=v", summary, timeout=2)
    assert "s3cr3t" not in str(down.value) and "not reached" in str(down.value)
    with pytest.raises(WebhookError, match="http or https"):
        post_json("file:///etc/passwd", summary)


def test_webhook_tls_is_verified_by_default(tmp_path):
    bundle = issue(san="127.0.0.1")
    (tmp_path / "chain.pem").write_text(bundle.leaf + bundle.intermediate, encoding="utf-8")
    (tmp_path / "key.pem").write_text(bundle.key, encoding="utf-8")
    (tmp_path / "ca.pem").write_text(bundle.root, encoding="utf-8")
    _Hook.received = []
    server = http.server.HTTPServer(("127.0.0.1", 0), _Hook)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tmp_path / "chain.pem", tmp_path / "key.pem")
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"https://127.0.0.1:{server.server_address[1]}/hook"
        with pytest.raises(WebhookError, match="CERTIFICATE_VERIFY_FAILED"):
            post_json(url, {"x": 1}, timeout=5)
        assert _Hook.received == []  # nothing sent to an unverified server
        assert post_json(url, {"x": 1}, timeout=5, ca_path=str(tmp_path / "ca.pem")) == 204
        assert post_json(url, {"x": 2}, timeout=5, validate_certs=False) == 204
        assert [body for _p, _c, body in _Hook.received] == [{"x": 1}, {"x": 2}]
    finally:
        server.shutdown()
        server.server_close()
