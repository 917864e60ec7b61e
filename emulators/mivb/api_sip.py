"""SIP accounts (SIP Peer Profiles and SIP devices): list, provision, check a password's
simplicity against the stored digest without ever returning it (TOLL-05)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from plugins.module_utils.secrets import MASK

from . import access, sip_accounts
from .errors import ApiError
from .request import Request, body_dict

if TYPE_CHECKING:
    from .controller import Controller

AREA = "sip_accounts"


def list_accounts(ctrl: Controller, req: Request) -> tuple[int, Any]:
    access.require(ctrl, ctrl.session_for(req.token), AREA, write=False)
    accounts = ctrl.state["sip_accounts"]
    return 200, {"accounts": [sip_accounts.view(n, accounts[n]) for n in sorted(accounts)]}


def put_account(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    access.require(ctrl, session, AREA, write=True)
    name = sip_accounts.check_name(req.params["name"])
    body = body_dict(req, {"kind", "user_name", "extension", "password"}, {"kind", "user_name"})
    old = ctrl.state["sip_accounts"].get(name)
    new = sip_accounts.new_account(body, old)
    if new != old:
        changes = [{"field": k, "old": (old or {}).get(k), "new": new[k]} for k in ("kind", "user_name", "extension")
                   if (old or {}).get(k) != new[k]]
        if old is None or old["digest"] != new["digest"]:
            changes.append({"field": "password", "old": MASK if old else None, "new": MASK})
        ctrl.state["sip_accounts"][name] = new
        ctrl.audit("Add" if old is None else "Modify", session.username, req.client_ip, form=AREA,
                   changes=changes, message=f"SIP account {name}")
    return 200, sip_accounts.view(name, new)


def verify_account(ctrl: Controller, req: Request) -> tuple[int, Any]:
    session = ctrl.session_for(req.token)
    access.require(ctrl, session, AREA, write=False)
    name = req.params["name"]
    record = ctrl.state["sip_accounts"].get(name)
    if record is None:
        raise ApiError(404, "not_found", f"no SIP account {name!r}")
    body = body_dict(req, {"candidates", "min_length"}, {"candidates"})
    answer = sip_accounts.check_candidates(record, body)
    ctrl.audit("Verify Secret", session.username, req.client_ip, form=AREA,
               message=f"verify-secret SIP account {name}: {len(body['candidates'])} candidate(s) "
               f"value={MASK} match={str(answer['match']).lower()}")
    return 200, {"name": name, **answer}
