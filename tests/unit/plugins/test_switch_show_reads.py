"""Show reads with the prompt known since login (switch_session.run_show): the read ends at the
prompt line that follows the command's echo, never at a prompt buffered before it nor at a
line that only contains the hostname; proven on patterns and over a live emulated session
after netmiko's NUL keepalive (is_alive), the path the rollback takes."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_session as ss
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import platform_for

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "emulators"))
from switch_fixtures import ENABLE, PASSWORD, USERNAME, start, switch_spec


class _Conn:
    base_prompt = "cisco_ios-lockou"  # netmiko keeps 16 characters of a Cisco hostname


def test_pattern_needs_the_echo_then_a_whole_prompt_line():
    pattern = ss.prompt_pattern(_Conn(), "show running-config")
    done = "cisco_ios-lockout#show running-config\r\nhostname cisco_ios-lockout\r\n!\r\nend\r\ncisco_ios-lockout#"
    assert re.search(pattern, done)
    assert not re.search(pattern, "\r\ncisco_ios-lockout#\r\ncisco_ios-lockout#show running-config\r\n"
                                  "hostname cisco_ios-lockout\r\n!\r\n")
    assert re.search(pattern, "show running-config\r\n...\r\ncisco_ios-lockout(config-if)#")


@pytest.mark.parametrize("platform", ["cisco_ios", "aruba_aoscx"])
def test_live_read_after_a_keepalive_is_whole(tmp_path, platform):
    handle = start([switch_spec(tmp_path, f"{platform}-show-reads", platform)], control=False)
    name = f"{platform}-show-reads"
    target = ss.Target(handle.devices[name].spec.address, handle.ports[name], USERNAME, PASSWORD,
                       ENABLE if platform == "cisco_ios" else "", "", host_key_checking=False)
    plat = platform_for("cisco.ios.ios" if platform == "cisco_ios" else "arubanetworks.aoscx.aoscx")
    try:
        conn = ss.connect(plat, target)
        try:
            for _read in range(2):
                assert conn.is_alive()
                text = ss.show_running(conn, plat, 20)
                # whole: the hostname line did not end the read, and every port came through
                assert f"hostname {name}" in text and text.count("\ninterface ") >= 28, text[-300:]
                version = ss.run_show(conn, plat.identity_command, 20)
                assert "show running" not in version and name in version
        finally:
            ss.disconnect(conn)
    finally:
        handle.stop()
