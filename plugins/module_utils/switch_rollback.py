# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Put a switch back to its saved pre-run config after a failed push, and prove it.

The guarantee (docs/safety.md, "Switches"): when a push fails part-way (a refused line,
a dropped SSH session, a verify that found the wrong result), the owned sections of the
running config are restored to what the pre-run read showed. The restore trusts nothing
from the failed push's view of the device:

1. a live session is checked, else a new one is opened (the old one may be half dead);
2. the device is read again (fresh `show running-config`);
3. the plan from that fresh read to the saved pre-run copy is built (switch_diff.
   rollback_plan: a line delta, or a whole-section replace where a delta is unsafe:
   ACLs shown without sequence numbers, sections holding duplicate lines);
4. it is pushed, the device is read a third time and compared with the pre-run copy.

Only the running config is touched; nothing is saved, so the startup config still holds
the last saved state whatever happens here.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.voicesec.mivb.plugins.module_utils import secrets
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_diff as sd
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_errors as se
from ansible_collections.voicesec.mivb.plugins.module_utils import switch_session as ss
from ansible_collections.voicesec.mivb.plugins.module_utils.switch_platforms import SwitchPlatform


def live_session(box: list[Any], platform: SwitchPlatform, target: ss.Target) -> tuple[Any, str]:
    """A session that answers, and a fresh read of the running config through it.

    `box[0]` is the caller's session; it is replaced by a new one when the old one is gone.
    """
    conn = box[0]
    try:
        if not conn.is_alive():
            raise OSError("session closed")
        return conn, ss.show_running(conn, platform, target.timeout)
    except (se.SwitchError, *ss.SESSION_LOST):
        ss.disconnect(conn)
    conn = ss.connect(platform, target)  # may raise a typed SwitchError: that is a failed restore
    box[0] = conn
    return conn, ss.show_running(conn, platform, target.timeout)


def restore(box: list[Any], platform: SwitchPlatform, target: ss.Target, failed: sd.Plan,
            scope: sd.Scope) -> sd.Plan:
    """Restore the owned sections to `failed.before`; return the rollback plan that was pushed.

    Raises RollbackFailed (the device may be partly changed) when the restore cannot be
    pushed or a fresh read afterwards still differs from the pre-run copy.
    """
    try:
        conn, current = live_session(box, platform, target)
        rollback = sd.rollback_plan(platform, current, failed.before, failed.intended, scope)
        if rollback.commands:
            ss.push(conn, platform, rollback.push_lines(), target.timeout)
        now = ss.show_running(conn, platform, target.timeout)
        left = sd.rollback_plan(platform, now, failed.before, failed.intended, scope)
    except (se.SwitchError, *ss.SESSION_LOST) as exc:
        raise se.RollbackFailed(secrets.mask_config_text(str(exc)) or type(exc).__name__) from None
    if left.commands:
        raise se.RollbackFailed(
            "the config still differs from the pre-run copy after the rollback: "
            + "; ".join(secrets.mask_config_line(c.strip()) for c in left.commands[:5]))
    return rollback
