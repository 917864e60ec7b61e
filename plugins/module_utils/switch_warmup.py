# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the switch path's text handling once, on canned text, in the Ansible parent process.

Why: Python compiles a regular expression the first time it is used and keeps it in `re`'s
cache. Every switch task runs in a freshly forked worker, so every worker compiled the same
~50 static patterns again (netmiko's ANSI-code filters and line-feed rules, hier_config's
per-line rules, the identity and interface patterns), found with a worker profile: about 4 ms
of CPU per switch (docs/performance.md). Compiled here, before the fork, the workers
inherit them. Nothing here touches a device or the inventory.
"""

from __future__ import annotations

from ansible_collections.voicesec.mivb.plugins.module_utils import switch_diff, switch_identity, switch_intent
from ansible_collections.voicesec.mivb.plugins.module_utils.netmiko_warmup import warm_netmiko_filters
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import FAMILIES, PLATFORMS

_SAMPLE = "hostname warm-up\n!\ninterface GigabitEthernet1/0/1\n description warm-up\n!\nvlan 10\n name x\n!\nend\n"


def warm_up() -> None:
    warm_netmiko_filters()
    for platform in PLATFORMS.values():
        try:
            switch_diff.parse(platform, _SAMPLE)
            switch_intent.device_interfaces(_SAMPLE, platform)
            switch_identity.parse_identity(platform, "")
            switch_identity.family_of(platform, "")
        except Exception:  # noqa: S112 - a warm-up; the real call reports its own errors
            continue
    for family in FAMILIES.values():
        for spec in ("GigabitEthernet1/0/1-2", "1/1/1-1/1/2", "1-2"):
            try:
                switch_intent.expand_interfaces(spec, PLATFORMS[family.platform])
            except Exception:  # noqa: S112
                continue
